package org.hakmem.netty.heap;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.FastPolicy;
import org.hakmem.netty.slab.HugeBlock;
import org.hakmem.netty.slab.SizeClasses;
import org.hakmem.netty.slab.Slab;
import org.hakmem.netty.slab.Superslab;
import org.hakmem.netty.slab.SuperslabPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A heap reuses what comes back to it before it asks the pool for a new span (ThreadHeap's refill):
 * slots other threads released, orphans of dead threads, spare spans other heaps were asked to give
 * back; and it counts its live slots right, so that a thread that holds nothing gives its spans back.
 * The test thread owns the heaps; "remote" frees run on a thread of their own.
 */
class SpanReuseTest {
    private static final int C1M = SizeClasses.classOf(SizeClasses.MAX_SIZE); // 1 slot (16 slabs) per span
    private static final int C64 = SizeClasses.classOf(64);

    private final SuperslabPool pool = new SuperslabPool(new OsMemory(64L << 20), FastPolicy.INSTANCE);
    private final HeapRegistry registry = new HeapRegistry(pool, FastPolicy.INSTANCE, () -> { });
    private final ThreadHeap heap = new ThreadHeap(Thread.currentThread(), pool, registry, FastPolicy.INSTANCE);

    @AfterEach
    void unmap() {
        heap.retire();
        pool.purge(true, DecommitMode.DONTNEED);
    }

    @Test
    void aFullSpanWhoseSlotAnotherThreadReleasedIsReusedBeforeANewSpanIsCut() throws Exception {
        Slab full = heap.spanWithFreeSlot(C1M);
        int x = full.pop();
        heap.spanWithFreeSlot(C1M).pop(); // `full` is FULL, the new span current and full too
        freeOnAnotherThread(full, x);
        long acquired = pool.spansAcquired();
        assertSame(full, heap.spanWithFreeSlot(C1M), "the refill found the remote free on the ready stack");
        assertEquals(acquired, pool.spansAcquired());
    }

    @Test
    void aSpanIsFoundAgainAtItsSecondRoundOfRemoteFrees() throws Exception {
        Slab s = heap.spanWithFreeSlot(C1M);
        int x = s.pop();
        heap.spanWithFreeSlot(C1M).pop();
        freeOnAnotherThread(s, x);
        heap.drainReady(); // s is an empty spare now
        assertSame(s, heap.spanWithFreeSlot(C1M));
        int y = s.pop();
        heap.spanWithFreeSlot(C1M).pop(); // s is FULL again
        freeOnAnotherThread(s, y);
        heap.drainReady();
        assertEquals(0, s.used, "the second remote free never reached the owner: its ready flag stayed raised");
    }

    @Test
    void aThreadWhoseLastBufferWasFreedElsewhereThenHereGivesItsSpansBack() throws Exception {
        Slab s = heap.spanWithFreeSlot(C64);
        int a = s.pop();
        assertSame(s, heap.spanWithFreeSlot(C64));
        int b = s.pop();
        freeOnAnotherThread(s, a);
        heap.drainReady(); // collected: one live slot left
        ThreadHeap.free(s, b); // the last one: FAST gives the empty spans to the pool
        assertEquals(0, pool.liveSpanCount(), "the heap still counts the collected slot as live");
    }

    @Test
    void adoptingAFullOrphanMovesOnToASpanWithAFreeSlot() {
        ThreadHeap dead = new ThreadHeap(new Thread(() -> { }), pool, registry, FastPolicy.INSTANCE);
        Slab orphan = dead.spanWithFreeSlot(C1M);
        orphan.pop();
        dead.retire(); // its one slot is live: an orphan
        assertEquals(1, pool.orphanCount());
        Slab s = heap.spanWithFreeSlot(C1M);
        assertTrue(s.hasFree(), "handed out a full span");
        assertTrue(s.pop() >= 0);
        assertSame(heap, orphan.owner(), "the orphan was adopted on the way");
        assertEquals(Slab.FULL, orphan.state);
    }

    @Test
    void aHeapRetiredByItsExitingThreadLeavesItsSpansForTheNextThreadToAdopt() throws Exception {
        AtomicReference<Slab> live = new AtomicReference<>();
        Thread exiting = new Thread(() -> {
            ThreadHeap own = registry.register();
            Slab s = own.spanWithFreeSlot(C64);
            s.pop(); // outlives the thread
            ThreadHeap.free(s, own.spanWithFreeSlot(C64).pop());
            Slab empty = own.spanWithFreeSlot(C1M);
            ThreadHeap.free(empty, empty.pop());
            live.set(s);
            registry.retire(own); // Netty's FastThreadLocal removal hook
        });
        exiting.start();
        exiting.join();
        assertEquals(1, pool.orphanCount());
        assertEquals(1, pool.liveSpanCount(), "only the span with a live slot is kept, as an orphan");
        long acquired = pool.spansAcquired();
        assertSame(live.get(), heap.spanWithFreeSlot(C64), "the next thread adopts the orphan");
        assertEquals(acquired, pool.spansAcquired());
    }

    @Test
    void aSpareSpanIsGivenBackAtTheHeapsNextRefillAfterATrimRequest() {
        heap.spanWithFreeSlot(C64).pop(); // a live slot: the heap does not go idle
        Slab spare = heap.spanWithFreeSlot(C1M);
        int x = spare.pop();
        heap.spanWithFreeSlot(C1M).pop();
        ThreadHeap.free(spare, x); // an empty spare
        long released = pool.spansReleased();
        pool.requestHeapTrim();
        heap.spanWithFreeSlot(SizeClasses.classOf(4096)).pop(); // a refill in another class
        assertEquals(released + 1, pool.spansReleased());
        assertEquals(Slab.RELEASED, spare.state);
    }

    @Test
    void aRefusalAtTheCapAsksEveryHeapForItsSpareSpans() {
        SuperslabPool capped = new SuperslabPool(new OsMemory(Superslab.SIZE), FastPolicy.INSTANCE);
        ThreadHeap refused = new ThreadHeap(Thread.currentThread(), capped,
                new HeapRegistry(capped, FastPolicy.INSTANCE, () -> { }), FastPolicy.INSTANCE);
        try {
            refused.spanWithFreeSlot(C1M).pop();
            refused.spanWithFreeSlot(C1M).pop(); // the one superslab the cap allows is full
            int epoch = capped.trimEpoch();
            OutOfMemoryError error = null;
            try {
                refused.spanWithFreeSlot(C1M); // not assertThrows: JUnit rethrows an OutOfMemoryError
            } catch (OutOfMemoryError e) {
                error = e;
            }
            assertNotNull(error, "the cap refused nothing");
            // Other heaps' spares are out of this thread's reach: they give them back at their next refill.
            assertNotEquals(epoch, capped.trimEpoch(), "no trim request: busy heaps keep their spares");
        } finally {
            capped.purge(true, DecommitMode.DONTNEED);
        }
    }

    @Test
    void aHugeBlockAsLargeAsTheCapFitsOnceTheEmptySuperslabIsUnmapped() {
        SuperslabPool capped = new SuperslabPool(new OsMemory(Superslab.SIZE), FastPolicy.INSTANCE);
        ThreadHeap h = new ThreadHeap(Thread.currentThread(), capped,
                new HeapRegistry(capped, FastPolicy.INSTANCE, () -> { }), FastPolicy.INSTANCE);
        Slab s = h.spanWithFreeSlot(C64);
        ThreadHeap.free(s, s.pop()); // FAST: the empty span goes to the pool; its superslab stays mapped
        assertEquals(1, capped.superslabCount());
        HugeBlock block = null;
        try {
            block = h.mapHuge(Superslab.SIZE); // exactly the cap
        } catch (OutOfMemoryError refused) { // not left to JUnit, which rethrows it and stops
            fail("refused without making room: " + refused);
        } finally {
            if (block != null) {
                capped.releaseHuge(block);
            }
            capped.purge(true, DecommitMode.DONTNEED);
        }
        assertEquals(0, capped.superslabCount(), "the empty superslab was unmapped to make room");
    }

    @Test
    void aRefillThatCutsANewSpanReapsAPlainThreadThatDiedOnceTheReapIntervalHasPassed() throws Exception {
        Thread plain = new Thread(() -> {
            Slab s = registry.register().spanWithFreeSlot(C64);
            s.pop(); // outlives the thread, which just ends: no Netty hook retires its heap
        });
        plain.start();
        plain.join();
        assertEquals(1, registry.registeredHeaps());
        Thread.sleep(150); // past HeapRegistry's reap interval (100 ms) since the registry was made
        heap.spanWithFreeSlot(C1M).pop(); // a new span from the pool: the slow path reaps
        assertEquals(0, registry.registeredHeaps(), "the dead thread's heap was never reaped");
        assertEquals(1, pool.orphanCount(), "its span waits for adoption");
    }

    private static void freeOnAnotherThread(Slab s, int slot) throws InterruptedException {
        Thread t = new Thread(() -> ThreadHeap.free(s, slot));
        t.start();
        t.join();
    }
}
