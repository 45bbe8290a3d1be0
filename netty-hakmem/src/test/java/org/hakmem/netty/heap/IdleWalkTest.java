package org.hakmem.netty.heap;

import org.hakmem.netty.slab.SizeClasses;
import org.hakmem.netty.slab.Slab;
import org.hakmem.netty.slab.SuperslabPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * When a walk gives a parked heap's spans back for its idle owner (ThreadHeap, "Going idle"): a walk
 * takes a heap only when the walk before it found the heap parked by the same park, so a thread that
 * empties and refills between two walks keeps its spans; trim() takes any parked heap at once. The
 * walks run on the test thread, which owns the heap and stays idle while they run.
 */
class IdleWalkTest {
    private final LeanRegistry fixture = new LeanRegistry();
    private final SuperslabPool pool = fixture.pool;
    private final HeapRegistry registry = fixture.registry;
    private final ThreadHeap heap = registry.register();
    private final int sizeClass = SizeClasses.classOf(100);

    @AfterEach
    void retire() {
        registry.retire(heap);
    }

    @Test
    void aHeapIsTakenByTheSecondWalkThatFindsItParkedByTheSamePark() {
        allocateAndReleaseTheLastBuffer(); // parks
        registry.reapDead();
        assertEquals(0, registry.idleGiveBacks(), "the first walk to find it parked only notes the park");
        assertEquals(1, pool.liveSpanCount());

        registry.reapDead();
        assertEquals(1, registry.idleGiveBacks(), "the second walk finds the same park: the owner is idle");
        assertEquals(0, pool.liveSpanCount(), "its empty span went back to the pool");
    }

    @Test
    void aHeapParkedAgainBetweenTwoWalksKeepsItsSpans() {
        allocateAndReleaseTheLastBuffer();
        registry.reapDead();
        allocateAndReleaseTheLastBuffer(); // busy in between: resumed, then parked by a new park
        registry.reapDead();
        assertEquals(0, registry.idleGiveBacks(), "a park the walk before did not see is no sign of idleness");
        assertEquals(1, pool.liveSpanCount());

        registry.reapDead();
        assertEquals(1, registry.idleGiveBacks(), "idle since: taken by the next walk");
    }

    @Test
    void trimTakesAParkedHeapAtOnceAndAnActiveOneNever() {
        Slab span = heap.spanWithFreeSlot(sizeClass);
        int slot = span.pop();
        registry.reapDead(true);
        assertEquals(0, registry.idleGiveBacks(), "a heap with a live buffer is active: not taken");
        assertEquals(1, pool.liveSpanCount());

        ThreadHeap.free(span, slot); // parks
        registry.reapDead(true);
        assertEquals(1, registry.idleGiveBacks(), "trim() does not wait for a second walk");
        assertEquals(0, pool.liveSpanCount());
    }

    @Test
    void anAllocationAfterAParkTakesTheHeapBackSoNoWalkTouchesItsSpans() {
        allocateAndReleaseTheLastBuffer(); // parks
        Slab span = heap.spanWithFreeSlot(sizeClass); // must resume before handing out a slot
        int slot = span.pop();
        registry.reapDead(true);
        assertEquals(0, registry.idleGiveBacks(), "a walk claimed a heap whose thread allocates");
        ThreadHeap.free(span, slot);
    }

    /** Allocates a slot and frees it: the heap's last live slot, so a LEAN heap parks. */
    private void allocateAndReleaseTheLastBuffer() {
        Slab span = heap.spanWithFreeSlot(sizeClass);
        ThreadHeap.free(span, span.pop());
    }
}
