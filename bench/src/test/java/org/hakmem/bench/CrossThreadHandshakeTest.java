/*
 * CrossThreadHandshakeTest: a cross-thread batch returns only once the consumer has released every
 * buffer of it (CrossThreadBenchmark's contract: "no buffer is in flight between invocations"). The
 * allocator's buffers count their deallocations; the batch's last buffer takes a while to
 * deallocate, so a producer that stops waiting when the consumer has merely taken the buffer from
 * the ring returns with that release still under way.
 */
package org.hakmem.bench;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CrossThreadHandshakeTest {

    /** Direct buffers that count their deallocations; the n-th buffer's deallocation sleeps first. */
    static final class CountingAllocator extends AbstractByteBufAllocator {
        final AtomicLong allocated = new AtomicLong();
        final AtomicLong released = new AtomicLong();
        private final long slow;

        CountingAllocator(long slow) {
            super(true);
            this.slow = slow;
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            boolean isSlow = allocated.incrementAndGet() == slow;
            return new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity) {
                @Override
                protected void deallocate() {
                    if (isSlow) {
                        try {
                            Thread.sleep(300);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    super.deallocate();
                    released.incrementAndGet();
                }
            };
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    @Test
    void aBatchReturnsOnlyWhenAllItsBuffersAreReleased() throws Exception {
        CountingAllocator alloc = new CountingAllocator(CrossThreadBenchmark.BATCH);
        try (BatchWorkload w = BatchWorkload.open("cross-thread", alloc)) {
            w.runBatch();
            long releasedAtReturn = alloc.released.get();
            assertEquals(CrossThreadBenchmark.BATCH, alloc.allocated.get());
            assertEquals(CrossThreadBenchmark.BATCH, releasedAtReturn,
                    "buffers released when the batch returned");
        }
        assertEquals(alloc.allocated.get(), alloc.released.get(), "released after close");
    }
}
