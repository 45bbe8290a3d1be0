package org.hakmem.netty;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * The log line breaks committed bytes into parts, and the parts add up to it: with a buffer over
     * 1 MiB live, the line read "committed: 3149824 (in spans: 65536, free: 2031616)", and the
     * mapping of the huge buffer, 1 MiB of it, was nowhere in the breakdown.
     */
    @Test
    void theLogLinesPartsOfCommittedAddUpWithAHugeBufferLive() {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(Profile.FAST).build();
        io.netty.buffer.ByteBuf small = alloc.directBuffer(100);
        io.netty.buffer.ByteBuf huge = alloc.directBuffer((1 << 20) + 1);
        try {
            String line = alloc.metric().toString();
            Matcher m = Pattern.compile("committed: (\\d+) \\(in spans: (\\d+), free: (\\d+)(?:, huge: (\\d+))?\\)")
                    .matcher(line);
            assertTrue(m.find(), line);
            long parts = Long.parseLong(m.group(2)) + Long.parseLong(m.group(3))
                    + (m.group(4) == null ? 0 : Long.parseLong(m.group(4)));
            assertEquals(Long.parseLong(m.group(1)), parts, () -> "the parts of committed in " + line);
            assertEquals(alloc.metric().committedBytes(), Long.parseLong(m.group(1)), line);
        } finally {
            small.release();
            huge.release();
            alloc.trim();
        }
    }
}
