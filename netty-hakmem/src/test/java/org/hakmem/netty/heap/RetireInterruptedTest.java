package org.hakmem.netty.heap;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.FastPolicy;
import org.hakmem.netty.slab.SizeClasses;
import org.hakmem.netty.slab.Slab;
import org.hakmem.netty.slab.SuperslabPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dead thread's heap is retired by whichever thread reaps: LEAN's purger, but also any thread that
 * cuts a new span (at most every 100 ms) or registers a heap, at whatever depth its stack is. A
 * StackOverflowError (or an OutOfMemoryError) there ends the retirement part-way; the heap stays on
 * the registry's list and the next reap retires it again. That second retirement must carry on where
 * the first stopped: redoing a span already released would free slabs that a new span may hold by
 * then, and skipping the rest would leave them owned by the dead heap for good.
 */
class RetireInterruptedTest {
    private static final int[] CLASSES = {SizeClasses.classOf(64), SizeClasses.classOf(1000),
            SizeClasses.classOf(5000), SizeClasses.classOf(20_000), SizeClasses.classOf(100_000)};

    private final SuperslabPool pool = new SuperslabPool(new OsMemory(256L << 20), FastPolicy.INSTANCE);
    private final HeapRegistry registry = new HeapRegistry(pool, FastPolicy.INSTANCE, () -> { });

    @AfterEach
    void unmap() {
        pool.purge(true, DecommitMode.OFF);
    }

    @Test
    void aReapThatOverflowsTheStackPartWayIsCarriedOnByTheNextWithNoSpanHandedOverTwice() throws Exception {
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
        // The live spans, handed over last (the owned list is newest first), get a remote free each:
        // collecting it is the deepest call of a retirement, so the sweep below stops there for a
        // while, after the empty spans have gone back.
        Thread remote = new Thread(() -> live.forEach(s -> s.pushRemote(0)));
        remote.start();
        remote.join();
        long releasedBefore = pool.spansReleased();
        int emptyAtDeath = pool.liveSpanCount() - live.size();
        assertTrue(emptyAtDeath > 0, "the dead heap keeps empty spans");

        Thread reaper = new Thread(this::dive, "reaper");
        reaper.start();
        reaper.join(30_000);
        assertTrue(!reaper.isAlive(), "the reaps ended");

        assertEquals(0, registry.registeredHeaps(), "the dead heap was retired in the end");
        assertEquals(live.size(), pool.orphanCount(), () -> "every span with live slots is an orphan, once: "
                + pool.describe());
        assertEquals(live.size(), pool.liveSpanCount(), "and no other span is left live");
        assertEquals(emptyAtDeath, pool.spansReleased() - releasedBefore, "every empty span released once");
        for (Slab s : live) {
            assertNull(s.owner(), "an orphan has no owner");
        }
    }

    /**
     * Recurses until the stack overflows, then reaps in each frame on the way back up, each time with
     * a little more stack, until a reap returns: the reaps before it fail at every depth of the call
     * tree, part-way through the retirement among them.
     */
    private void dive() {
        try {
            dive();
        } catch (StackOverflowError e) {
            registry.reapDead();
        }
    }
}
