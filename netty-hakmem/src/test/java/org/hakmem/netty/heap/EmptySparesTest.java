package org.hakmem.netty.heap;

import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.FastPolicy;
import org.hakmem.netty.slab.SizeClasses;
import org.hakmem.netty.slab.Slab;
import org.hakmem.netty.slab.SuperslabPool;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A heap counts its empty spare spans per class (emptySpares) to keep at most the policy's number.
 * A span's emptiness must be counted once, however its slots came back.
 */
class EmptySparesTest {
    private static final int C64 = SizeClasses.classOf(64 << 10); // 8 slots per span, 2 spares
    private static final int C1M = SizeClasses.classOf(SizeClasses.MAX_SIZE); // 1 slot per span, 1 spare

    private final SuperslabPool pool = new SuperslabPool(new OsMemory(64L << 20), FastPolicy.INSTANCE);
    private final HeapRegistry registry = new HeapRegistry(pool, FastPolicy.INSTANCE, () -> { });
    /** Owned by the test thread, so that ThreadHeap.free from it is a local release. */
    private final ThreadHeap heap = new ThreadHeap(Thread.currentThread(), pool, registry, FastPolicy.INSTANCE);

    @Test
    void aSpanWhoseRemoteFreeWasCollectedOutsideTheReadyStackIsCountedEmptyOnce() throws Exception {
        // S: an AVAILABLE 64 KiB span holding x and y; S2 is the class's current span (keeps a live slot).
        Slab s = heap.spanWithFreeSlot(C64);
        int x = s.pop();
        int y = s.pop();
        int[] fillers = new int[6];
        for (int i = 0; i < fillers.length; i++) {
            assertSame(s, heap.spanWithFreeSlot(C64));
            fillers[i] = s.pop();
        }
        Slab s2 = heap.spanWithFreeSlot(C64);
        s2.pop();
        for (int f : fillers) {
            ThreadHeap.free(s, f);
        }
        assertEquals(Slab.AVAILABLE, s.state);
        assertEquals(0, heap.spares.empty(C64));

        // 1 MiB class: A empty and kept as the one spare, B full with a remote free on the ready
        // stack, D current (a live slot). Draining the stack gives B back to the pool.
        Slab a = heap.spanWithFreeSlot(C1M);
        int a1 = a.pop();
        Slab b = heap.spanWithFreeSlot(C1M);
        int b1 = b.pop();
        heap.spanWithFreeSlot(C1M).pop();
        ThreadHeap.free(a, a1);
        assertEquals(1, heap.spares.empty(C1M));
        Thread remote = new Thread(() -> ThreadHeap.free(b, b1));
        remote.start();
        remote.join();

        // While the heap gives B back (blocked on the pool's monitor, after taking its ready stack),
        // another thread frees x: S goes on the ready stack, and the give-back's own walk collects x.
        Thread owner = Thread.currentThread();
        CountDownLatch held = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread freer = new Thread(() -> {
            try {
                synchronized (pool) {
                    held.countDown();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (owner.getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    ThreadHeap.free(s, x);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        freer.start();
        assertTrue(held.await(10, TimeUnit.SECONDS));
        heap.releaseEmptySpans();
        freer.join();
        assertNull(failure.get());
        assertEquals(1, s.used, "x was collected by the give-back's walk");
        assertEquals(Slab.AVAILABLE, s.state);

        ThreadHeap.free(s, y); // S is empty now: one spare
        assertEquals(1, heap.spares.empty(C64));
        heap.drainReady(); // S's entry on the ready stack, its free long collected
        assertEquals(1, heap.spares.empty(C64), "S's emptiness was counted twice");
        int emptyAvailable = 0;
        for (Slab t = heap.available[C64]; t != null; t = t.nextInList) {
            emptyAvailable += t.used == 0 ? 1 : 0;
        }
        assertEquals(emptyAvailable, heap.spares.empty(C64));
    }
}
