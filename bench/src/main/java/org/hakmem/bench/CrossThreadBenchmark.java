package org.hakmem.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.hakmem.examples.bench.Allocators;
import io.netty.util.concurrent.DefaultThreadFactory;
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

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Workload "cross-thread": one thread allocates direct buffers (sizes uniform in [16, 4096], first
 * and last byte written) and hands them through a bounded SPSC ring (capacity 1024) to a second
 * thread, which releases them.
 *
 * <p>One op = one allocation plus its release on the other thread. Each invocation produces
 * {@link #BATCH} buffers and returns only when the consumer has released all of them, so the score is
 * end-to-end pair throughput and no buffer is in flight between invocations (nothing can block at the
 * end of an iteration). The producer runs on the JMH thread ("plain") or on a Netty event-executor
 * thread ("eventloop"); the consumer is a dedicated thread for the whole trial - a
 * FastThreadLocalThread in the "eventloop" variant, a plain Thread otherwise. Between batches the
 * consumer parks, so it burns no CPU while JMH is between invocations or iterations. Within a batch
 * both sides spin with Thread.onSpinWait on a full/empty ring, adding Thread.yield() after
 * {@link #SPINS_BEFORE_YIELD} fruitless spins (see {@link #idle}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled",
        "-Dio.netty.allocator.lowMemory=false", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CrossThreadBenchmark {

    static final int MIN_SIZE = 16;
    static final int MAX_SIZE = 4096;
    static final int QUEUE_CAPACITY = 1024;
    static final int BATCH = 100_000;

    @Param({"hakmem", "pooled", "adaptive", "unpooled"})
    public String allocator;

    @Param({"eventloop", "plain"})
    public String thread;

    /**
     * Where the two threads run: "os" (the scheduler's choice, as in the twelve cells), "one-cpu" (both
     * pinned to the first CPU this process may use) or "two-cpus" (the producer on the first, the
     * consumer on the second). On a 2-vCPU virtual machine "os" runs in whichever of these the
     * scheduler and the hypervisor's placement of the vCPUs give, which changes from run to run.
     */
    @Param({PLACEMENT_OS})
    public String placement = PLACEMENT_OS;

    static final String PLACEMENT_OS = "os";
    static final String PLACEMENT_ONE_CPU = "one-cpu";
    static final String PLACEMENT_TWO_CPUS = "two-cpus";

    private BenchThreads producerThread;
    private Producer producer;
    private Consumer consumer;
    private Thread consumerThread;
    private Callable<Long> batchTask;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        setup(Allocators.create(allocator));
    }

    /** Setup on a given allocator (WorkloadChild keeps a reference to it for its probes). */
    void setup(ByteBufAllocator alloc) throws Exception {
        int[] cpus = cpusFor(placement); // before any thread starts: a bad placement leaves none behind
        producerThread = BenchThreads.create(thread, "cross-thread-producer");
        SpscRing<ByteBuf> ring = new SpscRing<>(QUEUE_CAPACITY);
        consumer = new Consumer(ring);
        consumerThread = BenchThreads.EVENTLOOP.equals(thread)
                ? new DefaultThreadFactory("cross-thread-consumer", true).newThread(consumer) // FastThreadLocalThread
                : new Thread(consumer, "cross-thread-consumer");
        consumerThread.setDaemon(true);
        consumer.thread = consumerThread;
        producer = new Producer(alloc, ring, consumer);
        producer.pinTo = cpus[0];
        consumer.pinTo = cpus[1];
        consumerThread.start();
        batchTask = producer::runBatch;
    }

    /**
     * The CPUs of the producer and the consumer for a placement, -1 for the scheduler's choice. A bad
     * placement, or "two-cpus" where this process may use one CPU, is an IllegalArgumentException.
     */
    static int[] cpusFor(String placement) {
        switch (placement) {
            case PLACEMENT_OS:
                return new int[] {-1, -1};
            case PLACEMENT_ONE_CPU: {
                int cpu = CpuAffinity.allowedCpus().get(0);
                return new int[] {cpu, cpu};
            }
            case PLACEMENT_TWO_CPUS: {
                List<Integer> allowed = CpuAffinity.allowedCpus();
                if (allowed.size() < 2) {
                    throw new IllegalArgumentException("placement " + PLACEMENT_TWO_CPUS + " needs two CPUs; this process may use "
                            + allowed);
                }
                return new int[] {allowed.get(0), allowed.get(1)};
            }
            default:
                throw new IllegalArgumentException("unknown placement '" + placement + "'; expected one of ["
                        + PLACEMENT_OS + ", " + PLACEMENT_ONE_CPU + ", " + PLACEMENT_TWO_CPUS + "]");
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long crossThread() throws Exception {
        return producerThread.call(batchTask);
    }

    /** The CPUs the producer may run on after pinning; null for placement "os" or before a batch. */
    List<Integer> producerCpus() {
        return producer.cpus;
    }

    /** The CPUs the consumer may run on after pinning; null for placement "os". */
    List<Integer> consumerCpus() {
        return consumer.cpus;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (consumer != null) {
                consumer.stop = true;
                LockSupport.unpark(consumerThread);
                consumerThread.join(TimeUnit.SECONDS.toMillis(30));
                if (consumerThread.isAlive()) {
                    throw new IllegalStateException("consumer thread did not stop");
                }
                // Normally empty: every invocation waits for its batch to be released. Only a failed
                // invocation can leave buffers behind; the consumer has exited, so polling here is safe.
                for (ByteBuf b; (b = consumer.ring.poll()) != null; ) {
                    b.release();
                }
                Throwable failure = consumer.failure;
                if (failure != null) {
                    throw new IllegalStateException("consumer failed", failure);
                }
            }
        } finally {
            if (producerThread != null) {
                producerThread.close();
            }
        }
    }

    /** Spins that busy-wait with Thread.onSpinWait before each further wait also yields the CPU. */
    static final int SPINS_BEFORE_YIELD = 1024;

    /**
     * One wait step of a side that found the ring full (producer) or empty (consumer). Mostly a plain
     * spin; after a while also a Thread.yield(), so that when the two threads share one CPU (an
     * oversubscribed or shared machine) the spinning side does not burn its whole time slice while
     * the side it waits for cannot run.
     */
    static void idle(int spins) {
        if (spins < SPINS_BEFORE_YIELD) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    /** Allocation side; its state is only touched by the thread that runs the batches. */
    static final class Producer {
        private final ByteBufAllocator alloc;
        private final SpscRing<ByteBuf> ring;
        private final Consumer consumer;
        private final XorShift64 rng = new XorShift64();
        private long produced;

        Producer(ByteBufAllocator alloc, SpscRing<ByteBuf> ring, Consumer consumer) {
            this.alloc = alloc;
            this.ring = ring;
            this.consumer = consumer;
        }

        /** The CPU to pin the producer to before its first batch, or -1 (placement "os"). */
        private int pinTo = -1;
        /** The CPUs the producer may run on once pinned (for tests); null if not pinned. */
        volatile List<Integer> cpus;

        long runBatch() {
            if (pinTo >= 0) {
                CpuAffinity.pinCurrentThread(pinTo);
                pinTo = -1;
                cpus = CpuAffinity.allowedCpus();
            }
            long goal = produced + BATCH;
            consumer.publishTarget(goal);
            long bytes = 0;
            for (int i = 0; i < BATCH; i++) {
                int size = rng.nextInt(MIN_SIZE, MAX_SIZE);
                ByteBuf buf = alloc.directBuffer(size);
                buf.setByte(0, size);
                buf.setByte(size - 1, size >>> 8);
                for (int spins = 0; !ring.offer(buf); spins++) {
                    consumer.checkHealthy();
                    idle(spins);
                }
                bytes += size;
            }
            produced = goal;
            // The op is the allocate + remote-release pair: wait for the consumer to finish the batch
            // (released, not only taken from the ring: the ring's head moves before the release).
            for (int spins = 0; consumer.released() < goal; spins++) {
                consumer.checkHealthy();
                idle(spins);
            }
            return bytes;
        }
    }

    /** Release side: drains the ring until the published target is reached, then parks. */
    static final class Consumer implements Runnable {
        private static final VarHandle RELEASED;

        static {
            try {
                RELEASED = MethodHandles.lookup().findVarHandle(Consumer.class, "released", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final SpscRing<ByteBuf> ring;
        /** The CPU to pin the consumer to when it starts, or -1 (placement "os"). */
        private int pinTo = -1;
        /** The CPUs the consumer may run on once pinned (for tests); null if not pinned. */
        volatile List<Integer> cpus;
        volatile Thread thread;
        volatile boolean stop;
        volatile long target;
        volatile Throwable failure;
        /** Buffers released so far; written by the consumer only (release store), after each release. */
        private volatile long released;

        Consumer(SpscRing<ByteBuf> ring) {
            this.ring = ring;
        }

        /** Buffers the consumer has released so far (acquire); any thread. */
        long released() {
            return (long) RELEASED.getAcquire(this);
        }

        void publishTarget(long goal) {
            target = goal;
            LockSupport.unpark(thread);
        }

        void checkHealthy() {
            Throwable f = failure;
            if (f != null) {
                throw new IllegalStateException("consumer failed", f);
            }
            if (stop) {
                throw new IllegalStateException("consumer stopped");
            }
        }

        @Override
        public void run() {
            try {
                if (pinTo >= 0) {
                    CpuAffinity.pinCurrentThread(pinTo);
                    cpus = CpuAffinity.allowedCpus();
                }
                SpscRing<ByteBuf> ring = this.ring;
                long consumed = ring.consumedCount();
                int spins = 0;
                while (!stop) {
                    ByteBuf b = ring.poll();
                    if (b != null) {
                        b.release();
                        consumed++;
                        RELEASED.setRelease(this, consumed);
                        spins = 0;
                    } else if (consumed >= target) {
                        // Batch done: sleep until the next one (unpark before park leaves a permit).
                        LockSupport.park(this);
                    } else {
                        idle(spins++);
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }
    }
}
