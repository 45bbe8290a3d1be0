package org.hakmem.netty.heap;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.FastPolicy;
import org.hakmem.netty.policy.LeanPolicy;
import org.hakmem.netty.policy.ReleasePolicy;
import org.hakmem.netty.slab.SizeClasses;
import org.hakmem.netty.slab.Slab;
import org.hakmem.netty.slab.SuperslabPool;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A heap whose bursts another thread releases all at once (SpareSpans): the burst's spans empty
 * together. With the base spares the heap gives most of them back and cuts new ones at every burst;
 * FAST learns to keep them, decays back to its base once the bursts stop, and forgets at a give-back
 * of everything. LEAN keeps cutting.
 */
class SpareGrowthTest {
    private static final int C4K = SizeClasses.classOf(4096); // 16 slots per span, base 2 spares
    private static final int C16 = 0;
    /** Eight spans' worth of 4 KiB slots. */
    private static final int BURST = 8 * 16;

    private record Held(Slab span, int slot) {
    }

    @Test
    void fastStopsCuttingSpansForBurstsAnotherThreadReleases() throws Exception {
        Fixture f = new Fixture(FastPolicy.INSTANCE);
        f.burstReleasedRemotely(); // cuts eight spans
        f.burstReleasedRemotely(); // finds the first burst's eight spans empty: keeps two, gives back five, cuts five, learns
        long cut = f.pool.spansAcquired();
        long released = f.pool.spansReleased();
        for (int i = 0; i < 5; i++) {
            f.burstReleasedRemotely();
        }
        assertEquals(cut, f.pool.spansAcquired(), "later bursts reuse the kept spans");
        assertEquals(released, f.pool.spansReleased());
        assertTrue(f.heap.spares.limit(C4K) > 2, "limit " + f.heap.spares.limit(C4K));
    }

    @Test
    void leanCutsNewSpansAtEveryBurst() throws Exception {
        Fixture f = new Fixture(new LeanPolicy(DecommitMode.DONTNEED, 64 << 20, 1_000_000_000L));
        f.burstReleasedRemotely();
        long cut = f.pool.spansAcquired();
        f.burstReleasedRemotely();
        assertTrue(f.pool.spansAcquired() - cut >= 5, "cut " + (f.pool.spansAcquired() - cut));
        assertEquals(2, f.heap.spares.limit(C4K));
    }

    @Test
    void aGrownLimitDecaysOnceTheBurstsStopAndTheEmptySpansGoBack() throws Exception {
        Fixture f = fastAfterThreeBursts();
        int grown = f.heap.spares.limit(C4K);
        f.heap.drainReady(); // collects the last burst's frees: its spans are the class's spares now
        assertTrue(grown > 2 && f.heap.spares.empty(C4K) > 2, "limit " + grown + ", empty " + f.heap.spares.empty(C4K));
        long released = f.pool.spansReleased();
        for (int w = 0; w < grown + 1; w++) { // a window per grown span, and one more
            f.smallAllocationsForOneWindow();
        }
        assertEquals(2, f.heap.spares.limit(C4K));
        assertEquals(2, f.heap.spares.empty(C4K));
        assertEquals(grown - 2, f.pool.spansReleased() - released, "the empty spans beyond the base went back");
        assertEquals(0, f.heap.spares.grownBytes());
    }

    @Test
    void givingEveryEmptySpanBackForgetsWhatTheHeapLearned() throws Exception {
        Fixture f = fastAfterThreeBursts();
        assertTrue(f.heap.spares.limit(C4K) > 2);
        f.heap.releaseEmptySpans(); // a trim request, as trim() makes
        assertEquals(2, f.heap.spares.limit(C4K));
        assertEquals(0, f.heap.spares.empty(C4K));
        assertEquals(0, f.heap.spares.grownBytes());
    }

    private static Fixture fastAfterThreeBursts() throws InterruptedException {
        Fixture f = new Fixture(FastPolicy.INSTANCE);
        for (int i = 0; i < 3; i++) {
            f.burstReleasedRemotely();
        }
        return f;
    }

    /** A heap owned by the test thread, over a pool of its own. */
    private static final class Fixture {
        final SuperslabPool pool;
        final ThreadHeap heap;

        Fixture(ReleasePolicy policy) {
            pool = new SuperslabPool(new OsMemory(256L << 20), policy);
            HeapRegistry registry = new HeapRegistry(pool, policy, () -> { });
            heap = new ThreadHeap(Thread.currentThread(), pool, registry, policy);
            allocate(C16); // a live slot for good: the heap never goes idle (which gives every spare back)
        }

        Held allocate(int c) {
            Slab s = heap.spanWithFreeSlot(c);
            return new Held(s, s.pop());
        }

        void free(Held h) {
            ThreadHeap.free(h.span(), h.slot());
        }

        /** BURST 4 KiB slots allocated here, then released together by another thread. */
        void burstReleasedRemotely() throws InterruptedException {
            List<Held> burst = new ArrayList<>(BURST);
            for (int i = 0; i < BURST; i++) {
                burst.add(allocate(C4K));
            }
            Thread releaser = new Thread(() -> burst.forEach(this::free));
            releaser.start();
            releaser.join();
            // The next burst's allocations collect these frees as they refill.
        }

        /** TICK_ALLOCATIONS allocations of 16 B, each released at once: one spare window ends. */
        void smallAllocationsForOneWindow() {
            for (int i = 0; i < ThreadHeap.TICK_ALLOCATIONS; i++) {
                free(allocate(C16));
            }
        }
    }
}
