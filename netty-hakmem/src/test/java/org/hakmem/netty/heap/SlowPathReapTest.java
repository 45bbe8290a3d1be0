package org.hakmem.netty.heap;

import org.hakmem.netty.slab.SizeClasses;
import org.hakmem.netty.slab.Slab;
import org.hakmem.netty.slab.SuperslabPool;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Threads about to cut a new span reap at most once per interval between them (DESIGN: "at most every
 * 100 ms"). Several that pass the interval check at once, while a reap holds the registry, each
 * walked in turn, and a walk right after another took a parked heap whose thread had been idle only
 * for that long: the rule that a heap is taken once two walks found it parked by the same park is
 * meant to spare a thread that empties and refills in a loop.
 */
class SlowPathReapTest {
    private final LeanRegistry fixture = new LeanRegistry();
    private final SuperslabPool pool = fixture.pool;
    private final HeapRegistry registry = fixture.registry;

    /** Two threads reach the slow path together: the first reaps, the second finds the interval taken. */
    @Test
    void threadsThatReachTheSlowPathTogetherReapOnce() throws Exception {
        assertAParkedHeapIsNotTakenByWalksInARow(registry::maybeReap);
    }

    /** A slow path that comes while the purger (or trim()) reaps does not walk again right after it. */
    @Test
    void aSlowPathDuringAnotherReapDoesNotWalkAgain() throws Exception {
        assertAParkedHeapIsNotTakenByWalksInARow(registry::reapDead);
    }

    private void assertAParkedHeapIsNotTakenByWalksInARow(Runnable firstReap) throws Exception {
        ThreadHeap heap = registry.register(); // the test thread's
        int c = SizeClasses.classOf(100);
        Slab span = heap.spanWithFreeSlot(c);
        ThreadHeap.free(span, span.pop()); // its last live slot: the heap parks
        Thread.sleep(150); // the last reap (none yet: the registry's creation) is older than the interval
        Thread[] reapers = {new Thread(firstReap), new Thread(registry::maybeReap)};
        synchronized (registry) { // the first reap waits here, as it would behind a walk in progress
            for (Thread t : reapers) {
                t.start();
                while (t.getState() != Thread.State.BLOCKED && t.getState() != Thread.State.TERMINATED) {
                    Thread.onSpinWait();
                }
            }
        }
        for (Thread t : reapers) {
            t.join();
        }
        assertEquals(0, registry.idleGiveBacks(), "the parked heap was taken by two walks in a row");
        assertEquals(1, pool.liveSpanCount(), "the heap keeps its span");
        registry.retire(heap);
    }
}
