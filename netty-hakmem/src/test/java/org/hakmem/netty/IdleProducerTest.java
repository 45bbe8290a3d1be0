package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import org.hakmem.netty.os.DecommitMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A producer that allocates on its own thread and hands every buffer to another thread, which
 * releases it (allocate on the event loop, release elsewhere: the cross-thread workload), then goes
 * idle, holds no live buffer. Its spans' slots all came back through the remote path, but its heap
 * learns that only when it looks (at its next refill, or trim() on its own thread): until then the
 * heap does not park, and neither the purger, nor the trim requests, nor the decay reach its spans.
 * DESIGN ("Known limits") documents this; what it promises is that the thread's own trim() gives
 * everything back, which this test checks, after checking that the limit is still what it says.
 */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(WithoutLeakTracking.LEVEL)
class IdleProducerTest {
    private static final long MIB = 1 << 20;

    @Test
    void aLeanProducerWhoseBuffersAnotherThreadReleasedGivesThemBackAtItsOwnTrim() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(Profile.LEAN)
                .leanDecommit(DecommitMode.DONTNEED).leanDecayMillis(50).leanTargetMB(1).maxMappedBytes(512 * MIB)
                .build();
        List<ByteBuf> handedOver = new ArrayList<>();
        AtomicLong trimmed = new AtomicLong(-1);
        IdlingThread producer = IdlingThread.startAndAwaitIdle("producer-then-idle", () -> {
            for (int i = 0; i < 64; i++) { // 4 MiB of 64 KiB buffers, every page written
                ByteBuf b = alloc.directBuffer(64 << 10, 64 << 10);
                b.setZero(0, b.capacity());
                handedOver.add(b);
            }
        }, () -> trimmed.set(alloc.trim()));
        try {
            handedOver.forEach(ByteBuf::release); // the consumer: every buffer is released on this thread
            assertEquals(0, alloc.metric().usedDirectMemory(), "no live buffer is left");
            Thread.sleep(300); // a dozen purge rounds, over the budget
            assertEquals(4 * MIB, alloc.metric().residentBytes(), () -> "the documented limit: the idle"
                    + " producer's spans stay until it looks; if this changed, update DESIGN; " + alloc.metric());
        } finally {
            producer.finish();
        }
        assertEquals(4 * MIB, trimmed.get(), "the producer's trim() gave back its 4 MiB");
        assertEquals(0, alloc.metric().residentBytes(), () -> "after the producer's own trim(); " + alloc.metric());
    }

    /**
     * The same limit reached another way: a thread adopts the span a dead thread left with a live
     * buffer in it (ThreadHeap.refill, before it cuts a new span), so its count of live slots takes
     * that buffer in. It releases everything it allocated itself and idles; the adopted buffer is
     * released later by another thread, remotely. Its count never drops to zero on its own thread, so
     * its heap does not park and its spans stay until it looks; its own trim() gives them all back.
     */
    @Test
    void aLeanThreadThatAdoptedADeadThreadsSpanKeepsItsSpansUntilItLooks() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(Profile.LEAN)
                .leanDecommit(DecommitMode.DONTNEED).leanDecayMillis(50).maxMappedBytes(512 * MIB).build();
        List<ByteBuf> leftByTheDead = new ArrayList<>();
        Thread dying = new Thread(() -> leftByTheDead.add(alloc.directBuffer(1024)));
        dying.start();
        dying.join();
        alloc.reapDeadThreads();
        assertEquals(1, alloc.metric().orphanSpans());
        AtomicLong trimmed = new AtomicLong(-1);
        IdlingThread adopter = IdlingThread.startAndAwaitIdle("adopter-then-idle", () -> {
            List<ByteBuf> mine = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                mine.add(alloc.directBuffer(1024)); // the first refill of the class adopts the orphan
                mine.add(alloc.directBuffer(60_000));
            }
            mine.forEach(b -> b.setZero(0, b.capacity()));
            mine.forEach(ByteBuf::release);
        }, () -> trimmed.set(alloc.trim()));
        try {
            assertEquals(0, alloc.metric().orphanSpans(), "adopted");
            leftByTheDead.forEach(ByteBuf::release); // the last live buffer, released remotely
            assertEquals(0, alloc.metric().usedDirectMemory());
            Thread.sleep(300); // half a dozen purge rounds
            assertThat(alloc.metric().residentBytes()).as("the documented limit: the adopter's spans stay"
                    + " until it looks; if this changed, update DESIGN; %s", alloc.metric()).isGreaterThan(MIB);
        } finally {
            adopter.finish();
        }
        assertThat(trimmed.get()).as("the adopter's own trim()").isGreaterThan(MIB);
        assertEquals(0, alloc.metric().residentBytes(), () -> "after the adopter's own trim(); " + alloc.metric());
    }
}
