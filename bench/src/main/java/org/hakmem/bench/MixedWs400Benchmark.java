package org.hakmem.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
 * Workload "mixed-ws400" (maxSize=1024) and "mixed-ws400-32k" (maxSize=32768): a working set of
 * 400 live direct buffers. Each step picks a random slot, releases the buffer in it, allocates a new
 * one of a random size in [16, maxSize], touches its first and last byte and stores it.
 *
 * <p>One op = one allocate + one release. {@link #BATCH} steps run per invocation, all on the thread
 * that owns the slots: the JMH thread ("plain") or one Netty event-executor thread, a
 * FastThreadLocalThread ("eventloop"); the submit/get handoff of the latter is amortised over the batch.
 *
 * <p>step=touch is the loop's floor, not a workload: the same steps with no allocate and no release.
 * The buffer in the picked slot stays, and the step touches its first byte and the byte at the drawn
 * size (or its last, if smaller), so that it still reads a random live buffer object and writes two
 * lines of a random live slot, as the allocating step does with the buffer it releases and the memory
 * of the one it allocates. What an allocator's allocate and release add to one step is then
 * 1/score(allocate) - 1/score(touch), each with that allocator's buffers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled",
        "-Dio.netty.allocator.lowMemory=false", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MixedWs400Benchmark {

    static final int SLOTS = 400;
    static final int MIN_SIZE = 16;
    static final int BATCH = 100_000;

    @Param({"hakmem", "pooled", "adaptive", "unpooled"})
    public String allocator;

    /** 1024 = "mixed-ws400", 32768 = "mixed-ws400-32k". */
    @Param({"1024", "32768"})
    public int maxSize;

    @Param({"eventloop", "plain"})
    public String thread;

    /** "allocate": the workload; "touch": its floor, the same loop without allocating (see above). */
    @Param({"allocate"})
    public String step = "allocate";

    private BenchThreads threads;
    private Workload workload;
    private Callable<Long> batchTask;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        setup(Allocators.create(allocator));
    }

    /** Setup on a given allocator (WorkloadChild keeps a reference to it for its probes). */
    void setup(ByteBufAllocator alloc) throws Exception {
        if (maxSize < MIN_SIZE) {
            throw new IllegalArgumentException("maxSize must be >= " + MIN_SIZE + ": " + maxSize);
        }
        workload = new Workload(alloc, maxSize);
        batchTask = batchOf(workload, step); // a bad step fails here, before a thread is started
        threads = BenchThreads.create(thread, "mixed-ws400");
        threads.run(workload::fill); // warm-up: every slot holds a buffer, filled by the owning thread
    }

    static Callable<Long> batchOf(Workload workload, String step) {
        switch (step) {
            case "allocate":
                return workload::runBatch;
            case "touch":
                return workload::runTouchBatch;
            default:
                throw new IllegalArgumentException("step must be allocate or touch: " + step);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long mixedWs400() throws Exception {
        return threads.call(batchTask);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        BenchThreads.finish(threads, workload == null ? null : workload::releaseAll);
    }

    /** The slots and the PRNG; touched only by the thread that runs the batches. */
    static final class Workload {
        private final ByteBufAllocator alloc;
        private final int maxSize;
        private final ByteBuf[] slots = new ByteBuf[SLOTS];
        private final XorShift64 rng = new XorShift64();

        Workload(ByteBufAllocator alloc, int maxSize) {
            this.alloc = alloc;
            this.maxSize = maxSize;
        }

        void fill() {
            for (int i = 0; i < SLOTS; i++) {
                if (slots[i] == null) {
                    slots[i] = allocate(rng.nextInt(MIN_SIZE, maxSize));
                }
            }
        }

        long runBatch() {
            ByteBuf[] slots = this.slots;
            XorShift64 rng = this.rng;
            long bytes = 0;
            for (int i = 0; i < BATCH; i++) {
                int slot = rng.nextInt(SLOTS);
                int size = rng.nextInt(MIN_SIZE, maxSize);
                ByteBuf old = slots[slot];
                if (old != null) {
                    old.release();
                }
                slots[slot] = allocate(size);
                bytes += size;
            }
            return bytes;
        }

        /** runBatch's steps without allocate and release: the loop's floor (step=touch, above). */
        long runTouchBatch() {
            ByteBuf[] slots = this.slots;
            XorShift64 rng = this.rng;
            long bytes = 0;
            for (int i = 0; i < BATCH; i++) {
                int slot = rng.nextInt(SLOTS);
                int size = rng.nextInt(MIN_SIZE, maxSize);
                ByteBuf kept = slots[slot];
                touch(kept, Math.min(size, kept.capacity()));
                slots[slot] = kept; // the same reference store as runBatch's
                bytes += size;
            }
            return bytes;
        }

        private ByteBuf allocate(int size) {
            ByteBuf buf = alloc.directBuffer(size);
            touch(buf, size);
            return buf;
        }

        /** Writes the first byte and byte n - 1 (n >= 1): where a step writes (one line or two). */
        private static void touch(ByteBuf buf, int n) {
            buf.setByte(0, n);
            buf.setByte(n - 1, n >>> 8);
        }

        /** The buffer in a slot (tests). */
        ByteBuf slot(int i) {
            return slots[i];
        }

        void releaseAll() {
            for (int i = 0; i < SLOTS; i++) {
                ByteBuf b = slots[i];
                if (b != null) {
                    slots[i] = null;
                    b.release();
                }
            }
        }
    }
}
