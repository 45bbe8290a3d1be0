package org.hakmem.netty.heap;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.FastPolicy;
import org.hakmem.netty.slab.SizeClasses;
import org.hakmem.netty.slab.Slab;
import org.hakmem.netty.slab.SuperslabPool;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dead thread's heap is retired by whichever thread reaps: LEAN's purger, but also any thread that
 * cuts a new span (at most every 100 ms) or registers a heap, at whatever depth its stack is. An
 * OutOfMemoryError or a StackOverflowError there ends the retirement part-way; the heap stays on the
 * registry's list and the next reap retires it again. That second retirement must carry on where the
 * first stopped: redoing a span already handed over would free slabs that a new span may hold by
 * then, and skipping the rest would leave them owned by the dead heap for good.
 *
 * The pool here throws instead of taking the k-th span, for every k: deterministic, where a real
 * stack overflow strikes wherever the stack runs out (inside a span's owner change too, which no Java
 * code can make safe against it).
 */
class RetireInterruptedTest {
    private static final int[] CLASSES = {SizeClasses.classOf(64), SizeClasses.classOf(1000),
            SizeClasses.classOf(5000), SizeClasses.classOf(20_000), SizeClasses.classOf(100_000)};

    /** A pool whose k-th hand-over (release or orphaning) throws before it takes the span. */
    private static final class InterruptingPool extends SuperslabPool {
        int handOversUntilError;

        InterruptingPool() {
            super(new OsMemory(256L << 20), FastPolicy.INSTANCE);
        }

        private void maybeThrow() {
            if (handOversUntilError > 0 && --handOversUntilError == 0) {
                throw new OutOfMemoryError("injected: a reap cut short");
            }
        }

        @Override
        public synchronized void releaseSpan(Slab s) {
            maybeThrow();
            super.releaseSpan(s);
        }

        @Override
        public synchronized void addOrphan(Slab s) {
            maybeThrow();
            super.addOrphan(s);
        }
    }

    @Test
    void aReapCutShortAtAnySpanIsCarriedOnByTheNextWithNoSpanHandedOverTwice() throws Exception {
        int spans = 0;
        for (int k = 1; ; k++) {
            InterruptingPool pool = new InterruptingPool();
            HeapRegistry registry = new HeapRegistry(pool, FastPolicy.INSTANCE, () -> { });
            List<Slab> live = deadHeapWithLiveAndEmptySpans(registry);
            long releasedBefore = pool.spansReleased();
            int emptyAtDeath = pool.liveSpanCount() - live.size();
            assertTrue(emptyAtDeath > 0 && !live.isEmpty(), "the dead heap keeps empty and live spans");
            spans = emptyAtDeath + live.size();

            pool.handOversUntilError = k;
            assertThrows(OutOfMemoryError.class, registry::reapDead, "hand-over " + k + " throws");
            pool.handOversUntilError = 0;
            registry.reapDead();

            String at = "cut short at hand-over " + k + " of " + spans + ": ";
            assertEquals(0, registry.registeredHeaps(), at + "the dead heap was retired in the end");
            assertEquals(live.size(), pool.orphanCount(), () -> at + "every span with live slots is an orphan, once: "
                    + pool.describe());
            assertEquals(live.size(), pool.liveSpanCount(), at + "and no other span is left live");
            assertEquals(emptyAtDeath, pool.spansReleased() - releasedBefore, at + "every empty span released once");
            for (Slab s : live) {
                assertNull(s.owner(), at + "an orphan has no owner");
            }
            pool.purge(true, DecommitMode.OFF);
            if (k == spans) {
                return;
            }
        }
    }

    /** A thread that cuts spans of several classes, leaves half of them full and half empty, and dies. */
    private static List<Slab> deadHeapWithLiveAndEmptySpans(HeapRegistry registry) throws InterruptedException {
        List<Slab> live = new ArrayList<>();
        Thread dying = new Thread(() -> {
            ThreadHeap heap = registry.register();
            for (int round = 0; round < 4; round++) {
                for (int c : CLASSES) {
                    Slab s = heap.spanWithFreeSlot(c);
                    do {
                        s.pop();
                    } while (s.hasFree() && heap.spanWithFreeSlot(c) == s); // full: the next round cuts another
                    if (round % 2 == 0) {
                        live.add(s); // an orphan at the retirement
                    } else {
                        for (int i = 0; i < s.slotCount; i++) {
                            ThreadHeap.free(s, i); // empty: a spare (back to the pool at the retirement) or given back
                        }
                    }
                }
            }
        }, "dying");
        dying.start();
        dying.join();
        return live;
    }
}
