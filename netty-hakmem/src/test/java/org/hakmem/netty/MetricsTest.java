package org.hakmem.netty;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The metric's figures mean what HakmemAllocatorMetric says they mean. */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(WithoutLeakTracking.LEVEL)
class MetricsTest {
    /**
     * threadHeaps counts the heaps of live platform threads, and the metric is exact once the threads
     * have been joined: a plain thread that has ended is not counted, though its heap is retired only
     * at the next reap.
     */
    @Test
    void aJoinedThreadsHeapIsNotCounted() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        Thread t = new Thread(() -> alloc.directBuffer(100).release());
        t.start();
        t.join();
        assertEquals(0, alloc.metric().threadHeaps(), () -> "after join: " + alloc.metric());
        assertEquals(1, alloc.registry().registeredHeaps(), "its heap waits for the next reap");
        alloc.reapDeadThreads();
        assertEquals(0, alloc.metric().threadHeaps());
        assertEquals(0, alloc.registry().registeredHeaps(), "the reap retired it");
    }

    /**
     * A thread that only releases a heap buffer another thread allocated gets no heap: the release has
     * no array cache to offer the array to (a cache is made by allocating), so it drops the array.
     */
    @Test
    void releasingAHeapBufferGivesTheReleasingThreadNoHeap() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        io.netty.buffer.ByteBuf heap = alloc.heapBuffer(100);
        int heapsBefore = alloc.registry().registeredHeaps();
        Thread t = new Thread(heap::release);
        t.start();
        t.join();
        assertEquals(0, heap.refCnt());
        assertEquals(0, alloc.metric().usedHeapMemory(), "its bytes are no longer counted");
        assertEquals(heapsBefore, alloc.registry().registeredHeaps(), () -> "after the release: " + alloc.metric());
    }
}
