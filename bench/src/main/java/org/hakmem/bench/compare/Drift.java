/*
 * Drift: does memory creep up over a timed run? The mean of the last quarter of the epochs against
 * the mean of the first quarter. It uses the allocator's own resident bytes where the allocator can
 * tell (exact, and blind to the JVM's own growth), else the process RSS. Beside it, the same means of
 * the process's LazyFree: pages given back with MADV_FREE that the kernel has not taken yet. They stay
 * resident (mincore and RSS count them) until the kernel needs memory, so a LEAN+FREE run's resident
 * bytes can rise while what its buffers hold does not; the column says how much of a drift they are.
 */
package org.hakmem.bench.compare;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

record Drift(String metric, int epochs, double firstMiB, double lastMiB, double lazyFirstMiB, double lazyLastMiB) {

    /** The drift of a timed run's epochs; metric "n/a" with NaN means when it has none. */
    static Drift of(List<Map<String, String>> epochs) {
        boolean resident = !epochs.isEmpty()
                && epochs.stream().allMatch(e -> Double.isFinite(RunRecord.num(e, "resident")));
        double[] mib = epochs.stream()
                .mapToDouble(e -> resident ? RunRecord.num(e, "resident") / (1 << 20) : RunRecord.num(e, "rss_kib") / 1024)
                .toArray();
        if (mib.length == 0 || Arrays.stream(mib).anyMatch(v -> !Double.isFinite(v))) {
            return new Drift("n/a", mib.length, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] lazy = epochs.stream().mapToDouble(e -> RunRecord.num(e, "lazyfree_kib") / 1024).toArray();
        return new Drift(resident ? "allocator resident" : "VmRSS", mib.length, firstQuarter(mib), lastQuarter(mib),
                firstQuarter(lazy), lastQuarter(lazy));
    }

    /** The mean of the first quarter of v (at least one value); NaN if any of them is. */
    private static double firstQuarter(double[] v) {
        return Arrays.stream(v, 0, Math.max(1, v.length / 4)).average().orElseThrow();
    }

    private static double lastQuarter(double[] v) {
        return Arrays.stream(v, v.length - Math.max(1, v.length / 4), v.length).average().orElseThrow();
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
