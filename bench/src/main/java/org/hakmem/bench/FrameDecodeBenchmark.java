package org.hakmem.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.hakmem.examples.bench.Allocators;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Workload "frame-decode": what a Netty server does with its allocator for every message it reads.
 * Netty's read loop reads the socket into buffers from the channel's allocator; Netty's own
 * {@link LengthFieldBasedFrameDecoder} cumulates them (its MERGE_CUMULATOR grows the cumulation, which
 * moves it between size classes) and hands each frame on as a {@code retainedSlice} of the cumulation;
 * the last handler reads a byte of each frame and releases it.
 *
 * <p>The "socket" is a fixed stream of {@link #FRAMES} frames, each a 4-byte length and 16..1024 B of
 * random bytes (fixed seed), about 5 MiB. Each read event the peer has sent 256..8192 more bytes,
 * anywhere in a frame, or in a quarter of the events up to the end of its last whole frame (a peer that
 * writes whole messages). The read loop is Netty's NIO one (AbstractNioByteChannel's), with Netty's
 * {@link AdaptiveRecvByteBufAllocator} choosing each read buffer's size ({@code alloc.ioBuffer(guess)}):
 * reads until a read does not fill its buffer or 16 reads, then channelReadComplete. The pipeline runs
 * in an {@link EmbeddedChannel} whose allocator is the one under test; its event loop runs every task
 * on the calling thread, so the whole pipeline runs on the thread of the {@code thread} variant: a
 * Netty event-executor thread (a FastThreadLocalThread, where Netty's allocators use their event-loop
 * paths) or JMH's own.
 *
 * <p>One op = one frame: decoded, read and released, with its share of the reads and the cumulation's
 * copies. An invocation reads the whole stream once ({@link #FRAMES} ops); it ends where a frame ends,
 * so no buffer is held between invocations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled",
        "-Dio.netty.allocator.lowMemory=false", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FrameDecodeBenchmark {

    static final int FRAMES = 10_000;
    static final int LENGTH_FIELD = 4;
    static final int MIN_FRAME = 16;
    static final int MAX_FRAME = 1024;
    static final int MIN_SENT = 256;
    static final int MAX_SENT = 8192;
    static final String DECODER = "decoder";
    static final String SINK = "sink";

    @Param({"hakmem", "pooled", "adaptive", "unpooled"})
    public String allocator;

    @Param({"eventloop", "plain"})
    public String thread;

    private BenchThreads threads;
    private Workload workload;
    private Callable<Long> batchTask;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        ByteBufAllocator alloc = Allocators.create(allocator);
        threads = BenchThreads.create(thread, "frame-decode");
        // Built on the thread that runs the batches, as a channel is on its event loop.
        workload = threads.call(() -> new Workload(alloc));
        batchTask = workload::runBatch;
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long decodeFrames() throws Exception {
        return threads.call(batchTask);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        BenchThreads.finish(threads, workload == null ? null : workload::close);
    }

    /** The stream, the channel and the read loop's state; touched only by the thread that runs the batches. */
    static final class Workload implements AutoCloseable {
        private final ByteBufAllocator alloc;
        private final EmbeddedChannel channel;
        private final ChannelPipeline pipeline;
        private final ChannelConfig config;
        private final RecvByteBufAllocator.Handle handle;
        private final FrameSink sink = new FrameSink();
        private final byte[] stream;
        /** frameEnds[i]: the stream offset just past frame i. */
        private final int[] frameEnds = new int[FRAMES];
        private final XorShift64 rng = new XorShift64(0x5EED_F2A3_E0DEL);
        /** Bytes read so far, and sent so far by the peer (sent - read is in the "socket"). */
        private int read;
        private int sent;
        /** The first frame that ends after sent. */
        private int nextFrame;

        Workload(ByteBufAllocator alloc) {
            this.alloc = alloc;
            this.stream = frameStream(frameEnds);
            channel = new EmbeddedChannel();
            config = channel.config();
            config.setAllocator(alloc);
            pipeline = channel.pipeline();
            pipeline.addLast(DECODER, new LengthFieldBasedFrameDecoder(1 << 16, 0, LENGTH_FIELD, 0, LENGTH_FIELD));
            pipeline.addLast(SINK, sink);
            handle = new AdaptiveRecvByteBufAllocator().newHandle();
        }

        /** FRAMES frames: a big-endian length, then that many bytes from a PRNG of its own (fixed seed). */
        static byte[] frameStream(int[] frameEnds) {
            XorShift64 rng = new XorShift64();
            int[] lengths = new int[frameEnds.length];
            int total = 0;
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = rng.nextInt(MIN_FRAME, MAX_FRAME);
                total += LENGTH_FIELD + lengths[i];
                frameEnds[i] = total;
            }
            byte[] stream = new byte[total];
            int at = 0;
            for (int length : lengths) {
                for (int shift = 24; shift >= 0; shift -= 8) {
                    stream[at++] = (byte) (length >>> shift);
                }
                for (int end = at + length; at < end; at++) {
                    stream[at] = (byte) rng.next();
                }
            }
            return stream;
        }

        ChannelPipeline pipeline() {
            return pipeline;
        }

        byte[] stream() {
            return stream;
        }

        ByteBufAllocator alloc() {
            return alloc;
        }

        /** Reads the whole stream once: FRAMES frames through the pipeline. Returns the sink's running sum. */
        long runBatch() {
            while (read < stream.length) {
                readEvent();
            }
            read = 0;
            sent = 0;
            nextFrame = 0;
            channel.checkException(); // a handler's exception (EmbeddedChannel keeps it) fails the batch
            return sink.sum;
        }

        /**
         * One wake-up of Netty's NIO read loop (AbstractNioByteChannel.NioByteUnsafe.read): read buffers
         * sized by the handle, until a read does not fill its buffer or the handle says stop; then
         * channelReadComplete. Data left in the socket is read at the next event.
         */
        private void readEvent() {
            if (sent == read) {
                peerSends();
            }
            handle.reset(config);
            do {
                ByteBuf buf = handle.allocate(config.getAllocator());
                int n = Math.min(buf.writableBytes(), sent - read);
                handle.attemptedBytesRead(buf.writableBytes());
                buf.writeBytes(stream, read, n);
                read += n;
                handle.lastBytesRead(n);
                if (n == 0) {
                    buf.release(); // as Netty does with a read that found nothing
                    break;
                }
                handle.incMessagesRead(1);
                pipeline.fireChannelRead(buf);
            } while (handle.continueReading());
            handle.readComplete();
            pipeline.fireChannelReadComplete();
        }

        /** The peer sends MIN_SENT..MAX_SENT bytes, in a quarter of the cases cut back to its last whole frame. */
        private void peerSends() {
            int end = Math.min(stream.length, sent + rng.nextInt(MIN_SENT, MAX_SENT));
            boolean wholeFrames = rng.nextInt(4) == 0;
            int lastWhole = -1;
            while (nextFrame < FRAMES && frameEnds[nextFrame] <= end) {
                lastWhole = frameEnds[nextFrame++];
            }
            if (wholeFrames && lastWhole > 0) {
                end = lastWhole;
            }
            sent = end;
        }

        /** Closes the channel on the calling thread: the decoder releases whatever it still holds. */
        @Override
        public void close() {
            channel.finishAndReleaseAll();
        }
    }

    /** The application's handler: reads the first byte of each frame and releases it. */
    static final class FrameSink extends ChannelInboundHandlerAdapter {
        long sum;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            sum += frame.getByte(frame.readerIndex());
            frame.release();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // the end of the pipeline: nothing to pass on
        }
    }
}
