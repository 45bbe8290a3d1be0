package org.hakmem.netty;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

import org.hakmem.netty.os.FaultySyscalls;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    /**
     * A huge buffer's release unmaps its mapping outside the allocator's locks. While that munmap is
     * in the kernel, the buffer, released, holds nothing: it must not count in usedDirectMemory() nor
     * committedBytes(), which are meant to stay at or under mappedBytes(). It counted in both until
     * the munmap returned, and for a moment after it, when mappedBytes() had dropped, both exceeded
     * it. The test holds the munmap in the kernel (the deadline only catches a thread that waits for
     * good).
     */
    @Test
    void aReleasedHugeBufferIsNotCountedWhileItsMunmapIsInFlight() throws Exception {
        FaultySyscalls faults = new FaultySyscalls();
        // An 8 MiB cap keeps at most 2 MiB of released huge mappings (HugeCache): the 3 MiB one is unmapped.
        HakmemByteBufAllocator alloc = new HakmemByteBufAllocator(
                HakmemByteBufAllocator.builder().profile(Profile.FAST).resolve(), faults.newOsMemory(8L << 20));
        io.netty.buffer.ByteBuf huge = alloc.directBuffer(3 << 20);
        CountDownLatch inMunmap = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        faults.beforeMunmap = address -> {
            inMunmap.countDown();
            try {
                letGo.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread releaser = new Thread(huge::release);
        releaser.setDaemon(true);
        releaser.start();
        try {
            assertTrue(inMunmap.await(20, TimeUnit.SECONDS), "the release reached munmap");
            HakmemAllocatorMetric m = alloc.metric();
            assertEquals(3L << 20, m.mappedBytes(), "still mapped until the munmap returns");
            assertEquals(0, m.usedDirectMemory(), () -> "released: " + m);
            assertEquals(0, m.committedBytes(), () -> "released: " + m);
        } finally {
            letGo.countDown();
            releaser.join();
            faults.beforeMunmap = null;
        }
        assertEquals(0, alloc.metric().mappedBytes());
    }
}
