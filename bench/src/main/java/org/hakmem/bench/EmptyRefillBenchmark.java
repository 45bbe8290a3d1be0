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
 * One buffer at a time: each op allocates a 256-byte direct buffer, writes and reads a byte, and
 * releases it, on the JMH thread. Every release leaves the thread holding no buffer, which is what an
 * event loop between two messages does, so this measures what an allocator pays per emptying of a
 * thread's live set (netty-hakmem: the idle check of ThreadHeap, "Going idle": in FAST a clock read,
 * in LEAN a park and the CAS that takes the heap back) on top of its plain allocate and release.
 * It runs on JMH's own thread, a plain thread. Pooled keeps no thread cache there by default
 * (io.netty.allocator.useCacheForAllThreads is false), but the benchmarks' Pooled is built with its
 * cache on for every thread, as Adaptive's is (Allocators, since session 16); the Pooled figure in
 * BENCHMARKS.md's "Threads that go idle" (69.4 ns/op) was measured before that, without the cache.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled",
        "-Dio.netty.allocator.lowMemory=false", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EmptyRefillBenchmark {
    static final int SIZE = 256;

    @Param({"hakmem", "hakmem-lean-dontneed", "pooled", "adaptive"})
    public String allocator;

    private ByteBufAllocator alloc;
    private int i;

    @Setup
    public void setup() {
        alloc = Allocators.create(allocator);
    }

    @Benchmark
    public byte allocateWriteRelease() {
        ByteBuf b = alloc.directBuffer(SIZE);
        b.setByte(SIZE - 1, ++i);
        byte read = b.getByte(SIZE - 1);
        b.release();
        return read;
    }
}
