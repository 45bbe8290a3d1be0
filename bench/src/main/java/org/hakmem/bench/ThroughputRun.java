/*
 * ThroughputRun: the child side of mixed-ws400, mixed-ws400-32k and cross-thread. Warm-up ops,
 * then either a fixed count of measured ops (one RESULT line) or a fixed duration in epochs (one
 * EPOCH line per epoch, then the RESULT line) - the latter is the soak and the A/B drift check.
 */
package org.hakmem.bench;

import io.netty.buffer.ByteBufAllocator;
import org.hakmem.examples.bench.AllocatorProbe;
import org.hakmem.examples.bench.ProcStatus;

import java.util.concurrent.TimeUnit;

final class ThroughputRun {
    private ThroughputRun() {
    }

    static void run(String workload, ByteBufAllocator alloc, ChildArgs args) throws Exception {
        AllocatorProbe probe = new AllocatorProbe(alloc);
        long rssStart = ProcStatus.statusKib("VmRSS");
        try (RssSampler sampler = new RssSampler(probe, args.get("sample_ms"), args.get("samples") == 1);
             BatchWorkload w = BatchWorkload.open(workload, alloc)) {
            sampler.phase("warmup");
            for (long done = 0; done < args.get("warmup_ops"); done += w.batchOps()) {
                w.runBatch();
            }
            sampler.phase("measure");
            long sys0 = probe.syscalls();
            long spans0 = probe.spansAcquired();
            long t0 = System.nanoTime();
            long ops = args.get("duration_ms") > 0
                    ? epochs(w, probe, t0, args.get("duration_ms"), args.get("epoch_ms"))
                    : fixed(w, args.get("ops"));
            long elapsed = System.nanoTime() - t0;
            long syscalls = probe.syscalls() < 0 ? -1 : probe.syscalls() - sys0;
            long spans = spans0 < 0 ? -1 : probe.spansAcquired() - spans0;
            sampler.sample();
            ResultLine r = new ResultLine("RESULT").put("workload", workload)
                    .put("ops", ops).put("seconds", elapsed / 1e9).put("ops_per_s", ops / (elapsed / 1e9))
                    .put("syscalls", syscalls).put("syscalls_per_op", ResultLine.perOp(syscalls, ops))
                    .put("spans_acquired", spans).put("spans_per_op", ResultLine.perOp(spans, ops))
                    .put("rss_start_kib", rssStart);
            MemoryFields.putEnd(r, probe);
            MemoryFields.putPeaks(r, sampler);
            r.print();
        }
    }

    private static long fixed(BatchWorkload w, long ops) throws Exception {
        long done = 0;
        while (done < ops) {
            w.runBatch();
            done += w.batchOps();
        }
        return done;
    }

    /** Runs until durationMs has passed, printing an EPOCH line every epochMs; returns the ops done. */
    private static long epochs(BatchWorkload w, AllocatorProbe probe, long t0, long durationMs, long epochMs)
            throws Exception {
        long end = t0 + TimeUnit.MILLISECONDS.toNanos(durationMs);
        long total = 0;
        for (int epoch = 1; System.nanoTime() < end; epoch++) {
            long start = System.nanoTime();
            long epochEnd = Math.min(end, start + TimeUnit.MILLISECONDS.toNanos(Math.max(1, epochMs)));
            long sys0 = probe.syscalls();
            long ops = 0;
            while (System.nanoTime() < epochEnd) {
                w.runBatch();
                ops += w.batchOps();
            }
            long now = System.nanoTime();
            total += ops;
            new ResultLine("EPOCH").put("epoch", epoch)
                    .put("t_ms", TimeUnit.NANOSECONDS.toMillis(now - t0))
                    .put("ops_per_s", ops / ((now - start) / 1e9))
                    .put("rss_kib", ProcStatus.statusKib("VmRSS"))
                    .put("lazyfree_kib", ProcStatus.smapsRollupKib("LazyFree"))
                    .put("resident", probe.resident())
                    .put("syscalls", sys0 < 0 ? -1 : probe.syscalls() - sys0)
                    .print();
        }
        return total;
    }
}
