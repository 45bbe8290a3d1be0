/*
 * Preset: how long each workload runs: the full preset (the figures we publish) or --quick (seconds,
 * for CI and smoke runs: it proves every mode runs end to end, its figures mean nothing).
 */
package org.hakmem.bench.compare;

import java.util.LinkedHashMap;
import java.util.Map;

record Preset(String name, int rounds, long mixedWarmupOps, long mixedOps, long crossWarmupOps, long crossOps,
              long burstMixedMs, long idleMs, long sampleMs, int echoWarmupS, int echoDurationS,
              long soakSeconds, long epochMs, long driftSeconds) {

    /**
     * BRIEF "Measures": a few million warm-up steps, 20 million measured; burst-idle 2 s + 2 s. Echo
     * warms up for 8 s: with four busy event loops on two cores the JIT compilers still ran, holding
     * 10-18 MiB of native memory, 5-6 s after the server started (RSS sampled every 100 ms), and
     * that memory showed in a peak measured after a 3 s warmup. The quick preset's echo warms up for
     * 1 s: with none, a run on a loaded machine once measured its 1 s before the cold server and
     * client had completed a message, and failed ("no messages completed during the measurement").
     */
    static final Preset FULL = new Preset("full", 3, 3_000_000, 20_000_000, 1_000_000, 5_000_000,
            2_000, 2_000, 50, 8, 10, 300, 2_000, 60);
    static final Preset QUICK = new Preset("quick", 1, 100_000, 500_000, 100_000, 300_000,
            500, 500, 50, 1, 1, 3, 1_000, 2);

    Preset withEpochMs(long ms) {
        return new Preset(name, rounds, mixedWarmupOps, mixedOps, crossWarmupOps, crossOps, burstMixedMs, idleMs,
                sampleMs, echoWarmupS, echoDurationS, soakSeconds, ms, driftSeconds);
    }

    /** The key=value arguments of a WorkloadChild run of {@code workload} with a fixed op count. */
    Map<String, Long> childArgs(String workload) {
        Map<String, Long> a = new LinkedHashMap<>();
        switch (workload) {
            case "mixed-ws400":
            case "mixed-ws400-32k":
                a.put("warmup_ops", mixedWarmupOps);
                a.put("ops", mixedOps);
                break;
            case "cross-thread":
                a.put("warmup_ops", crossWarmupOps);
                a.put("ops", crossOps);
                break;
            case "burst-idle":
                a.put("burst_mixed_ms", burstMixedMs);
                a.put("idle_ms", idleMs);
                a.put("samples", 1L);
                break;
            default:
                throw new IllegalArgumentException("no child arguments for workload '" + workload + "'");
        }
        a.put("sample_ms", sampleMs);
        return a;
    }

    /** The arguments of a timed run in epochs (soak, and the A/B drift check). */
    Map<String, Long> timedArgs(String workload, long seconds) {
        Map<String, Long> a = childArgs(workload);
        a.remove("ops");
        a.put("duration_ms", seconds * 1000);
        a.put("epoch_ms", epochMs);
        return a;
    }
}
