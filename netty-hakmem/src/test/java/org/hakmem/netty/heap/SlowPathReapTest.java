package org.hakmem.netty.heap;

import org.hakmem.netty.slab.SizeClasses;
import org.hakmem.netty.slab.Slab;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Threads about to cut a new span reap at most once per interval between them (DESIGN: "at most every
 * 100 ms"). Several that pass the interval check at once, while a reap holds the registry, each
 * walked in turn, and a walk right after another took a parked heap whose thread had been idle only
 * for that long: the rule that a heap is taken once two walks found it parked by the same park is
 * meant to spare a thread that empties and refills in a loop.
 */
class SlowPathReapTest {
    /** HeapRegistry.REAP_INTERVAL_NANOS: a slow path reaps when the last reap started longer ago. */
    private static final long REAP_INTERVAL_NANOS = 100_000_000L;
    /** Tries whose two reapers did not both get to the registry within the interval, before giving up. */
    private static final int TRIES = 5;

    /** Two threads reach the slow path together: the first reaps, the second finds the interval taken. */
    @Test
    void threadsThatReachTheSlowPathTogetherReapOnce() throws Exception {
        assertAParkedHeapIsNotTakenByWalksInARow(r -> r::maybeReap);
    }

    /** A slow path that comes while the purger (or trim()) reaps does not walk again right after it. */
    @Test
    void aSlowPathDuringAnotherReapDoesNotWalkAgain() throws Exception {
        assertAParkedHeapIsNotTakenByWalksInARow(r -> r::reapDead);
    }

    /**
     * The interleaving under test needs both reapers to reach the registry's monitor within the
     * interval of each other: a slow path that comes later is entitled to its walk. On a loaded machine
     * (a CI run beside other builds) starting two threads can take longer than that, so such a try
     * proves nothing and is made again with a fresh registry.
     */
    private void assertAParkedHeapIsNotTakenByWalksInARow(Function<HeapRegistry, Runnable> firstReap)
            throws Exception {
        for (int i = 0; i < TRIES; i++) {
            if (walksInARowSpareAParkedHeap(new LeanRegistry(), firstReap)) {
                return;
            }
        }
        Assumptions.abort("the two reapers never reached the registry within " + REAP_INTERVAL_NANOS / 1_000_000
                + " ms of each other in " + TRIES + " tries: the machine is too slow for this interleaving");
    }

    /** One try: false if it took the reapers longer than the interval to get to the monitor. */
    private static boolean walksInARowSpareAParkedHeap(LeanRegistry fixture, Function<HeapRegistry, Runnable> firstReap)
            throws Exception {
        HeapRegistry registry = fixture.registry;
        ThreadHeap heap = registry.register(); // the test thread's
        int c = SizeClasses.classOf(100);
        Slab span = heap.spanWithFreeSlot(c);
        ThreadHeap.free(span, span.pop()); // its last live slot: the heap parks
        Thread.sleep(150); // the last reap (none yet: the registry's creation) is older than the interval
        Thread[] reapers = {new Thread(firstReap.apply(registry)), new Thread(registry::maybeReap)};
        long start = System.nanoTime();
        long elapsed;
        synchronized (registry) { // the first reap waits here, as it would behind a walk in progress
            for (Thread t : reapers) {
                t.start();
                while (t.getState() != Thread.State.BLOCKED && t.getState() != Thread.State.TERMINATED) {
                    Thread.onSpinWait();
                }
            }
            elapsed = System.nanoTime() - start;
        }
        for (Thread t : reapers) {
            t.join();
        }
        try {
            if (elapsed >= REAP_INTERVAL_NANOS) {
                return false;
            }
            assertEquals(0, registry.idleGiveBacks(), "the parked heap was taken by two walks in a row");
            assertEquals(1, fixture.pool.liveSpanCount(), "the heap keeps its span");
            return true;
        } finally {
            registry.retire(heap);
        }
    }
}
