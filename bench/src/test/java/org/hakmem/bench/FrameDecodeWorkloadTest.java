/*
 * FrameDecodeWorkloadTest: FrameDecodeBenchmark measures what it says. Over three batches, on both
 * thread variants and with each allocator: every frame reaches the application byte for byte and in
 * order, FRAMES per batch; each is a view of a buffer of the allocator under test, not of the
 * channel's default, ByteBufAllocator.DEFAULT (Netty 4.2's Adaptive: without setAllocator every frame
 * came from that, and this test said so); frames cross read boundaries and some reads end where a
 * frame ends; the cumulation grows while it holds data (a capacity change); and once the channel is
 * closed every buffer is released: netty-hakmem's used memory, and Pooled's pinned memory, are back
 * where they started (Adaptive has no such count of live buffers).
 */
package org.hakmem.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.hakmem.examples.bench.Allocators;
import org.hakmem.netty.HakmemByteBufAllocator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameDecodeWorkloadTest {
    private static final int BATCHES = 3;

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"hakmem, plain", "hakmem, eventloop", "pooled, plain", "pooled, eventloop", "adaptive, plain",
            "adaptive, eventloop"})
    void everyFrameArrivesIntactFromTheAllocatorUnderTestAndEveryBufferIsReleased(String allocator, String thread)
            throws Exception {
        ByteBufAllocator alloc = Allocators.create(allocator);
        long usedBefore = liveBytes(alloc);
        try (BenchThreads threads = BenchThreads.create(thread, "frame-decode-test")) {
            FrameDecodeBenchmark.Workload w = threads.call(() -> new FrameDecodeBenchmark.Workload(alloc));
            Reads reads = new Reads();
            FrameCheck check = new FrameCheck(w.stream(), alloc, reads);
            w.pipeline().addBefore(FrameDecodeBenchmark.DECODER, "reads", reads);
            w.pipeline().addBefore(FrameDecodeBenchmark.SINK, "check", check);
            for (int b = 0; b < BATCHES; b++) {
                threads.call(w::runBatch);
            }
            threads.run(w::close);

            assertNull(check.firstProblem, check.firstProblem);
            assertEquals((long) BATCHES * FrameDecodeBenchmark.FRAMES, check.frames, "frames decoded");
            assertTrue(check.crossing > 0, "no frame crossed a read boundary");
            assertTrue(check.endingAtRead > 0, "no read ended where a frame ends");
            assertTrue(check.growths > 0, "the cumulation never grew while it held a frame");
        }
        assertEquals(usedBefore, liveBytes(alloc), "bytes of live buffers after close, " + allocator);
    }

    /** Bytes held by live buffers, where the allocator counts them exactly; else 0. */
    private static long liveBytes(ByteBufAllocator alloc) {
        if (alloc instanceof HakmemByteBufAllocator) {
            return ((HakmemByteBufAllocator) alloc).metric().usedDirectMemory();
        }
        if (alloc instanceof PooledByteBufAllocator) {
            return ((PooledByteBufAllocator) alloc).pinnedDirectMemory();
        }
        return 0;
    }

    /** Before the decoder: the stream offset at which each read ends. */
    static final class Reads extends ChannelInboundHandlerAdapter {
        final List<Long> ends = new ArrayList<>();
        long total;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            total += buf.readableBytes();
            ends.add(total);
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Before the sink: compares each frame with the next one of the stream, and how it lies against the
     * reads. Records the first problem rather than throwing: the pipeline would turn an error into an
     * exceptionCaught event.
     */
    static final class FrameCheck extends ChannelInboundHandlerAdapter {
        private final byte[] stream;
        private final ByteBufAllocator alloc;
        private final Reads reads;
        private long streamStart; // offset of the next frame in the bytes read so far (all batches)
        private int readIndex;    // the first read that ends after streamStart
        long frames;
        long crossing;
        long endingAtRead;
        long growths;
        private ByteBuf lastRoot;
        private int lastRootCapacity;
        String firstProblem;

        FrameCheck(byte[] stream, ByteBufAllocator alloc, Reads reads) {
            this.stream = stream;
            this.alloc = alloc;
            this.reads = reads;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            if (firstProblem == null) {
                firstProblem = problem(frame);
            }
            frames++;
            ctx.fireChannelRead(msg);
        }

        private String problem(ByteBuf frame) {
            int at = (int) (streamStart % stream.length);
            int length = (stream[at] & 0xFF) << 24 | (stream[at + 1] & 0xFF) << 16 | (stream[at + 2] & 0xFF) << 8
                    | (stream[at + 3] & 0xFF);
            byte[] expected = Arrays.copyOfRange(stream, at + FrameDecodeBenchmark.LENGTH_FIELD,
                    at + FrameDecodeBenchmark.LENGTH_FIELD + length);
            byte[] actual = new byte[frame.readableBytes()];
            frame.getBytes(frame.readerIndex(), actual);
            long end = streamStart + FrameDecodeBenchmark.LENGTH_FIELD + length;
            boolean crossed = countPlace(streamStart, end);
            streamStart = end;
            noteGrowth(root(frame), crossed);
            if (!Arrays.equals(expected, actual)) {
                return "frame " + frames + " at stream offset " + at + ": expected " + length + " B, got "
                        + actual.length + " B, first difference at " + Arrays.mismatch(expected, actual);
            }
            if (frame.alloc() != alloc) {
                return "frame " + frames + " is from " + frame.alloc() + ", not the allocator under test " + alloc;
            }
            return null;
        }

        /** The buffer a frame is a view of, under the leak detector's wrapper (the build runs at PARANOID). */
        private static ByteBuf root(ByteBuf frame) {
            ByteBuf root = frame;
            while (root.unwrap() != null) {
                root = root.unwrap();
            }
            return root;
        }

        /**
         * A frame that crossed a read boundary was in the cumulation while the next read came, so the
         * cumulation was not released in between: the same object with a larger capacity grew.
         */
        private void noteGrowth(ByteBuf root, boolean crossed) {
            if (crossed && root == lastRoot && root.capacity() > lastRootCapacity) {
                growths++;
            }
            lastRoot = root;
            lastRootCapacity = root.capacity();
        }

        /** Counts a read ending inside [start, end) (the frame crosses it; returns true) or at its end. */
        private boolean countPlace(long start, long end) {
            List<Long> ends = reads.ends;
            while (readIndex < ends.size() && ends.get(readIndex) <= start) {
                readIndex++;
            }
            boolean crossed = readIndex < ends.size() && ends.get(readIndex) < end;
            if (crossed) {
                crossing++;
            }
            while (readIndex < ends.size() && ends.get(readIndex) < end) {
                readIndex++;
            }
            if (readIndex < ends.size() && ends.get(readIndex) == end) {
                endingAtRead++;
            }
            return crossed;
        }
    }
}
