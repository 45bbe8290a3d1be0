package org.hakmem.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.hakmem.examples.bench.Allocators;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Buffers over netty-hakmem's largest size class (1 MiB), one at a time on JMH's own thread: what a
 * server pays for a large response it encodes into one buffer, or a decoder's cumulation that grows
 * past 1 MiB. Each op allocates, writes one byte in every 4 KiB page (so every page is touched, as a
 * buffer that is filled would be, at the least cost per page), and releases.
 *
 * <ul>
 *   <li>{@code fill}: {@code directBuffer(size)} at once.
 *   <li>{@code grow}: {@code directBuffer(256)}, then {@code writeBytes} of 64 KiB chunks up to size, so
 *       the buffer goes through Netty's growth steps (powers of two up to 4 MiB, then 4 MiB at a time),
 *       each a new allocation and a copy, as a {@code ByteBufOutputStream} or a cumulation does.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled",
        "-Dio.netty.allocator.lowMemory=false", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
public class LargeBufferBenchmark {
    static final int PAGE = 4096;
    static final int CHUNK = 64 << 10;

    @Param({"hakmem", "hakmem-lean-dontneed", "pooled", "adaptive"})
    public String allocator;

    /** Bytes: 2 MiB (inside Pooled's 4 MiB chunks), 8 MiB (over them). */
    @Param({"2097152", "8388608"})
    public int size;

    @Param({"fill", "grow"})
    public String op;

    private ByteBufAllocator alloc;
    private byte[] chunk;
    private boolean grow;
    private int round;

    @Setup
    public void setup() {
        if (!op.equals("fill") && !op.equals("grow")) {
            throw new IllegalArgumentException("unknown op '" + op + "'; expected one of [fill, grow]");
        }
        grow = op.equals("grow");
        alloc = Allocators.create(allocator);
        chunk = new byte[CHUNK];
    }

    @Benchmark
    public int allocateTouchRelease() {
        ByteBuf b = grow ? grown() : filled();
        try {
            int sum = 0;
            for (int i = PAGE - 1; i < size; i += PAGE) {
                sum += b.getByte(i);
            }
            return sum;
        } finally {
            b.release();
        }
    }

    private ByteBuf filled() {
        ByteBuf b = alloc.directBuffer(size);
        byte value = (byte) ++round;
        for (int i = 0; i < size; i += PAGE) {
            b.setByte(i, value);
        }
        b.writerIndex(size);
        return b;
    }

    private ByteBuf grown() {
        ByteBuf b = alloc.directBuffer(256);
        chunk[0] = (byte) ++round;
        for (int written = 0; written < size; written += CHUNK) {
            b.writeBytes(chunk, 0, Math.min(CHUNK, size - written));
        }
        return b;
    }
}
