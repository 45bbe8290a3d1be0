/*
 * AbCriteria: the thresholds of the seed's A/B rule (BRIEF "The seed, retold"), as `ab` applies them.
 */
package org.hakmem.bench.compare;

import java.util.Locale;

record AbCriteria(double targetMiB, double minThroughputRatio, double stormPerOp, double rssFallRatio,
                  double driftMiB, double driftFraction) {

    String describe() {
        return String.format(Locale.ROOT, "GO needs: peak allocator resident on mixed-ws400 <= %.0f MiB; no drift "
                        + "(last quarter of the drift run's epochs over the first by more than %.1f MiB and %.0f%%); "
                        + "median throughput >= %.0f%% of FAST on every throughput workload. NO-GO on: a crash; "
                        + "RSS that does not fall (burst-idle retained RSS above %.0f%% of FAST's); a system-call storm "
                        + "(more than %s syscalls per op in any steady-state run). Anything else is NEUTRAL.",
                targetMiB, driftMiB, driftFraction * 100, minThroughputRatio * 100, rssFallRatio * 100,
                Md.sig(stormPerOp));
    }
}
