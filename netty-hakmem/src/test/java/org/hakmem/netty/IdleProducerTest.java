package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import org.hakmem.netty.os.DecommitMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * README: "LEAN (opt-in) makes memory follow the live data"; DESIGN, "Where memory can hide, and how
 * LEAN reaches each place": "Here every holder is covered ... What remains out of reach is a thread
 * that goes idle while it still holds live buffers."
 *
 * A producer that allocates on its own thread and hands every buffer to another thread, which
 * releases it (Netty's allocate-on-the-event-loop, release-elsewhere pipeline, the cross-thread
 * workload), then goes idle, holds no live buffer. Its spans' slots all came back through the remote
 * path, but its heap only learns that when it collects, which an idle thread never does: the heap
 * does not park, and the purger, the trim requests and the decay cannot reach its spans.
 */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(WithoutLeakTracking.LEVEL)
class IdleProducerTest {
    private static final long MIB = 1 << 20;
    private static final long WAIT_MILLIS = 5_000;

    @Test
    void aLeanProducerWhoseBuffersAnotherThreadReleasedHoldsNothingOnceIdle() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(Profile.LEAN)
                .leanDecommit(DecommitMode.DONTNEED).leanDecayMillis(50).leanTargetMB(1).maxMappedBytes(512 * MIB)
                .build();
        List<ByteBuf> handedOver = new ArrayList<>();
        CountDownLatch produced = new CountDownLatch(1);
        CountDownLatch exit = new CountDownLatch(1);
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 64; i++) { // 4 MiB of 64 KiB buffers, every page written
                ByteBuf b = alloc.directBuffer(64 << 10, 64 << 10);
                b.setZero(0, b.capacity());
                handedOver.add(b);
            }
            produced.countDown();
            try {
                exit.await(); // alive and idle: it never allocates again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "producer-then-idle");
        producer.start();
        produced.await();
        handedOver.forEach(ByteBuf::release); // the consumer: every buffer is released on this thread
        assertEquals(0, alloc.metric().usedDirectMemory(), "no live buffer is left");
        try {
            long deadline = System.currentTimeMillis() + WAIT_MILLIS;
            while (alloc.metric().residentBytes() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, alloc.metric().residentBytes(), () -> "LEAN, no live buffer, the producer idle for "
                    + WAIT_MILLIS + " ms (the purge runs every 25 ms, over its 1 MiB budget): still resident; "
                    + alloc.metric());
        } finally {
            exit.countDown();
            producer.join();
        }
    }
}
