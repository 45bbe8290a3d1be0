/*
 * Drift: does memory creep up over a timed run? The mean of the last quarter of the epochs against
 * the mean of the first quarter. It uses the allocator's own resident bytes where the allocator can
 * tell (exact, and blind to the JVM's own growth), else the process RSS.
 */
package org.hakmem.bench.compare;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

record Drift(String metric, int epochs, double firstMiB, double lastMiB) {

    /** The drift of a timed run's epochs; metric "n/a" with NaN means when it has none. */
    static Drift of(List<Map<String, String>> epochs) {
        boolean resident = !epochs.isEmpty()
                && epochs.stream().allMatch(e -> Double.isFinite(RunRecord.num(e, "resident")));
        double[] mib = epochs.stream()
                .mapToDouble(e -> resident ? RunRecord.num(e, "resident") / (1 << 20) : RunRecord.num(e, "rss_kib") / 1024)
                .toArray();
        if (mib.length == 0 || Arrays.stream(mib).anyMatch(v -> !Double.isFinite(v))) {
            return new Drift("n/a", mib.length, Double.NaN, Double.NaN);
        }
        int q = Math.max(1, mib.length / 4);
        return new Drift(resident ? "allocator resident" : "VmRSS", mib.length,
                Arrays.stream(mib, 0, q).average().orElseThrow(),
                Arrays.stream(mib, mib.length - q, mib.length).average().orElseThrow());
    }

    double deltaMiB() {
        return lastMiB - firstMiB;
    }

    /** Growth over the first quarter's mean; +inf if that was 0 and it grew. */
    double relative() {
        return firstMiB == 0 ? (deltaMiB() > 0 ? Double.POSITIVE_INFINITY : 0) : deltaMiB() / firstMiB;
    }

    /** Drifts when the last quarter exceeds the first by more than both minMiB and minFraction. */
    boolean drifts(double minMiB, double minFraction) {
        return Double.isFinite(deltaMiB()) && deltaMiB() > minMiB && relative() > minFraction;
    }

    String describe() {
        return String.format(Locale.ROOT, "%s %.1f -> %.1f MiB (%+.1f MiB, %s) over %d epochs", metric, firstMiB,
                lastMiB, deltaMiB(), Md.pct(relative()), epochs);
    }
}
