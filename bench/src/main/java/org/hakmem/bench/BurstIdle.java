/*
 * BurstIdle: the child side of burst-idle (BRIEF "Measures"). Two event-loop threads each allocate
 * and fully write 1,000 direct buffers of 64 KiB, and release them once both hold all of theirs
 * (the peak of live data); then one of them runs mixed-ws400 for burst_mixed_ms; then the process
 * stays idle for idle_ms with both threads alive, as a server's event loops would be. It reports
 * RSS before, at the peak and at the end, and prints RSS samples through every phase.
 *
 * With remote_release=1 the event loops hand their buffers to the main thread, which releases them
 * (a business executor releasing what the loops read). A netty-hakmem allocator watches the two
 * loops, as HakmemBootstraps.use makes it watch a server's (watchEventLoops), so that an idle loop
 * can be asked to collect what other threads released; watch_loops=0 leaves them unwatched.
 */
package org.hakmem.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.hakmem.examples.bench.AllocatorProbe;
import org.hakmem.examples.bench.ProcStatus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

final class BurstIdle {
    static final int THREADS = 2;
    static final int BUFFERS_PER_THREAD = 1_000;
    static final int BUFFER_SIZE = 64 * 1024;
    private static final long BARRIER_TIMEOUT_S = 60;

    private BurstIdle() {
    }

    static void run(ByteBufAllocator alloc, ChildArgs args) throws Exception {
        AllocatorProbe probe = new AllocatorProbe(alloc);
        byte[] pattern = new byte[BUFFER_SIZE];
        Arrays.fill(pattern, (byte) 0x5A); // non-zero, so every page is really written

        BenchThreads[] threads = new BenchThreads[THREADS];
        try (RssSampler sampler = new RssSampler(probe, args.get("sample_ms"), args.get("samples") == 1)) {
            for (int i = 0; i < THREADS; i++) {
                threads[i] = BenchThreads.create(BenchThreads.EVENTLOOP, "burst-" + i);
                if (args.get("watch_loops") == 1) {
                    threads[i].watchedBy(alloc);
                }
            }
            boolean remote = args.get("remote_release") == 1;
            ResultLine r = new ResultLine("RESULT").put("workload", "burst-idle")
                    .put("release", remote ? "remote" : "local").put("watch_loops", args.get("watch_loops"));
            long sys0 = probe.syscalls();
            sampler.phase("before");
            r.put("rss_before_kib", ProcStatus.statusKib("VmRSS")).put("resident_before", probe.resident());

            // held: every thread holds its buffers (the main thread samples the peak); go: release.
            CyclicBarrier held = new CyclicBarrier(THREADS + 1);
            CyclicBarrier go = new CyclicBarrier(THREADS + 1);
            sampler.phase("burst");
            long burstStart = System.nanoTime();
            List<Future<List<ByteBuf>>> burst = new ArrayList<>();
            for (BenchThreads t : threads) {
                burst.add(t.start(() -> allocateHoldRelease(alloc, pattern, held, go, remote)));
            }
            held.await(BARRIER_TIMEOUT_S, TimeUnit.SECONDS);
            r.put("burst_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - burstStart));
            sampler.sample();
            r.put("rss_burst_kib", ProcStatus.statusKib("VmRSS")).put("resident_burst", probe.resident());
            sampler.phase("release");
            go.await(BARRIER_TIMEOUT_S, TimeUnit.SECONDS);
            for (Future<List<ByteBuf>> f : burst) {
                f.get(BARRIER_TIMEOUT_S, TimeUnit.SECONDS).forEach(ByteBuf::release); // empty unless remote
            }
            sampler.sample();
            r.put("rss_released_kib", ProcStatus.statusKib("VmRSS")).put("resident_released", probe.resident());

            sampler.phase("mixed");
            long mixedStart = System.nanoTime();
            long mixedOps = mixed(threads[0], alloc, args.get("burst_mixed_ms"));
            r.put("mixed_ops", mixedOps).put("ops_per_s", mixedOps / ((System.nanoTime() - mixedStart) / 1e9));
            sampler.sample();
            r.put("rss_mixed_kib", ProcStatus.statusKib("VmRSS")).put("resident_mixed", probe.resident());

            sampler.phase("idle");
            Thread.sleep(args.get("idle_ms"));
            sampler.phase("end");
            long ops = (long) THREADS * BUFFERS_PER_THREAD + mixedOps;
            long syscalls = sys0 < 0 ? -1 : probe.syscalls() - sys0;
            MemoryFields.putEnd(r, probe);
            MemoryFields.putPeaks(r, sampler);
            r.put("syscalls", syscalls).put("syscalls_per_op", ResultLine.perOp(syscalls, ops));
            r.print();
        } finally {
            for (BenchThreads t : threads) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    /**
     * Allocates and writes the thread's buffers, waits until released, then releases them here, or,
     * with handOver, returns them for the caller to release (on a failure they are released here).
     */
    private static List<ByteBuf> allocateHoldRelease(ByteBufAllocator alloc, byte[] pattern, CyclicBarrier held,
                                                     CyclicBarrier go, boolean handOver) {
        List<ByteBuf> bufs = new ArrayList<>(BUFFERS_PER_THREAD);
        boolean handedOver = false;
        try {
            for (int i = 0; i < BUFFERS_PER_THREAD; i++) {
                ByteBuf b = alloc.directBuffer(BUFFER_SIZE, BUFFER_SIZE);
                bufs.add(b);
                b.setBytes(0, pattern);
            }
            held.await(BARRIER_TIMEOUT_S, TimeUnit.SECONDS);
            go.await(BARRIER_TIMEOUT_S, TimeUnit.SECONDS);
            handedOver = handOver;
            return handOver ? bufs : List.of();
        } catch (Exception e) {
            throw new IllegalStateException("burst thread failed", e);
        } finally {
            if (!handedOver) {
                bufs.forEach(ByteBuf::release);
            }
        }
    }

    /** mixed-ws400 on the given thread for durationMs; its working set is released at the end. */
    private static long mixed(BenchThreads thread, ByteBufAllocator alloc, long durationMs) throws Exception {
        MixedWs400Benchmark.Workload w = new MixedWs400Benchmark.Workload(alloc, 1024);
        thread.run(w::fill);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
        long ops = 0;
        try {
            while (System.nanoTime() < end) {
                thread.call(w::runBatch);
                ops += MixedWs400Benchmark.BATCH;
            }
        } finally {
            thread.run(w::releaseAll);
        }
        return ops;
    }
}
