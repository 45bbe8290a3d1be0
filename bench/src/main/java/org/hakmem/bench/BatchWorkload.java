/*
 * BatchWorkload: a throughput workload of the comparison tool as a series of batches, on Netty
 * event-loop threads. It reuses the JMH benchmarks' own state classes, so the JMH figures and the
 * tool's figures measure the same loop.
 */
package org.hakmem.bench;

import io.netty.buffer.ByteBufAllocator;

import java.util.List;

final class BatchWorkload implements AutoCloseable {

    /** Workload names {@link #open} accepts. */
    static final List<String> NAMES = List.of("mixed-ws400", "mixed-ws400-32k", "cross-thread");

    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    private final int batchOps;
    private final Step batch;
    private final Step close;

    private BatchWorkload(int batchOps, Step batch, Step close) {
        this.batchOps = batchOps;
        this.batch = batch;
        this.close = close;
    }

    static BatchWorkload open(String name, ByteBufAllocator alloc) throws Exception {
        switch (name) {
            case "mixed-ws400":
            case "mixed-ws400-32k": {
                MixedWs400Benchmark b = new MixedWs400Benchmark();
                b.maxSize = name.endsWith("-32k") ? 32768 : 1024;
                b.thread = BenchThreads.EVENTLOOP;
                b.setup(alloc);
                return new BatchWorkload(MixedWs400Benchmark.BATCH, b::mixedWs400, b::tearDown);
            }
            case "cross-thread": {
                CrossThreadBenchmark b = new CrossThreadBenchmark();
                b.thread = BenchThreads.EVENTLOOP;
                b.setup(alloc);
                return new BatchWorkload(CrossThreadBenchmark.BATCH, b::crossThread, b::tearDown);
            }
            default:
                throw new IllegalArgumentException("unknown batch workload '" + name + "'; expected one of " + NAMES);
        }
    }

    /** Ops per batch (one op = one allocate + one release). */
    int batchOps() {
        return batchOps;
    }

    /** Runs one batch and returns when all its ops are done (cross-thread: released by the consumer). */
    void runBatch() throws Exception {
        batch.run();
    }

    /** Releases every buffer the workload holds and stops its threads. */
    @Override
    public void close() throws Exception {
        close.run();
    }
}
