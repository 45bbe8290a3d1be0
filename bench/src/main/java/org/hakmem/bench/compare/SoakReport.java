/*
 * SoakReport: the tables of `soak` (and of the A/B drift runs): per run, i.e. per process, the
 * epochs' ops/s (median, CV) and the memory drift of the last quarter of the epochs against the
 * first; with several rounds, also each allocator's per-run medians across the rounds and its
 * per-round ratio to the first allocator.
 */
package org.hakmem.bench.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

final class SoakReport {
    private SoakReport() {
    }

    static String table(List<RunRecord> records, String label, double driftMiB, double driftFraction) {
        List<RunRecord> runs = runs(records, label);
        // one round keeps the table it always had; the round column appears only when it tells runs apart
        boolean rounds = runs.stream().anyMatch(r -> r.round() > 1);
        List<List<String>> rows = new ArrayList<>();
        for (RunRecord r : runs) {
            List<String> row = new ArrayList<>(List.of(r.allocator()));
            if (rounds) {
                row.add(String.valueOf(r.round()));
            }
            if (!r.ok()) {
                row.addAll(List.of("FAILED", "", "", "", "", "", "", "", ""));
                rows.add(row);
                continue;
            }
            Summary s = Summary.of(epochOps(r));
            Drift d = Drift.of(r.epochs());
            row.addAll(List.of(String.valueOf(r.epochs().size()), Md.si(s.median()), s.cvText(),
                    d.metric(), Md.num(d.firstMiB(), 1), Md.num(d.lastMiB(), 1),
                    Md.num(d.lazyFirstMiB(), 1) + " -> " + Md.num(d.lazyLastMiB(), 1), Md.num(d.deltaMiB(), 2) + " ("
                            + Md.pct(d.relative()) + ")", d.drifts(driftMiB, driftFraction) ? "**yes**" : "no"));
            rows.add(row);
        }
        List<String> header = new ArrayList<>(List.of("allocator", "epochs", "ops/s median", "CV of epochs",
                "memory measured", "first quarter MiB", "last quarter MiB", "of which LazyFree MiB", "drift",
                "drifts?"));
        if (rounds) {
            header.add(1, "round");
        }
        return Md.table(header, rows)
                + (rounds ? "\nOne row per run: each round of an allocator is a process of its own, so its epochs, "
                + "CV and drift are that process's alone; drift is never judged across processes.\n" : "")
                + "\nDrift: mean of the last quarter of the epochs minus the mean of the first quarter, of the "
                + "allocator's own resident bytes where it can tell (netty-hakmem), else of the process VmRSS. "
                + "\"drifts?\" is yes above both " + Md.num(driftMiB, 1) + " MiB and " + Md.pct(driftFraction)
                + ". LazyFree (the process's, first and last quarter): pages given back with MADV_FREE that the "
                + "kernel has not taken yet; they count as resident until it needs memory, and leave RSS then. "
                + "CV of epochs: sample standard deviation / mean of the per-epoch ops/s.\n\n";
    }

    /**
     * Per allocator: the median ops/s of its run in each round, then median, min, max and CV of those
     * per-run medians, and the median (with min and max) of its per-round ratios to allocators.get(0).
     * A ratio is taken within a round because the machine's speed moves over minutes: a round's runs
     * are neighbours in time, runs of different rounds may not be.
     */
    static String acrossRounds(List<RunRecord> records, String label, List<String> allocators) {
        int rounds = records.stream().filter(r -> r.workload().equals(label)).mapToInt(RunRecord::round).max()
                .orElse(0);
        String base = allocators.get(0);
        double[] baseMedians = perRound(records, label, base, rounds);
        List<List<String>> rows = new ArrayList<>();
        for (String a : allocators) {
            double[] medians = perRound(records, label, a, rounds);
            List<String> row = new ArrayList<>(List.of(a));
            for (int k = 0; k < rounds; k++) {
                RunRecord r = run(records, label, a, k + 1);
                row.add(r == null ? "" : r.ok() ? Md.si(medians[k]) : "FAILED");
            }
            Summary s = Summary.of(finite(medians));
            Summary ratio = Summary.of(finite(IntStream.range(0, rounds)
                    .mapToDouble(k -> medians[k] / baseMedians[k]).toArray()));
            row.addAll(List.of(Md.si(s.median()), Md.si(s.min()), Md.si(s.max()), s.cvText(), a.equals(base)
                    ? "baseline"
                    : Md.ratio(ratio.median()) + " [" + Md.ratio(ratio.min()) + ", " + Md.ratio(ratio.max()) + "]"));
            rows.add(row);
        }
        List<String> header = new ArrayList<>(List.of("allocator"));
        IntStream.rangeClosed(1, rounds).forEach(k -> header.add("round " + k));
        header.addAll(List.of("median", "min", "max", "CV", "/ " + base + " [min, max]"));
        return Md.table(header, rows)
                + "\nEach round column is the median of the per-epoch ops/s of that round's run (one process); "
                + "median, min, max and CV (sample standard deviation / mean) are over those per-run medians, "
                + "failed runs left out. \"/ " + base + "\": in each round, the allocator's per-run median over "
                + base + "'s in the same round; the median of these per-round ratios, with their min and max. "
                + "Allocators alternate within a round, so the two runs of a ratio ran one after the other.\n\n";
    }

    /** The runs under label, grouped by allocator (in the order they first ran), then by round. */
    private static List<RunRecord> runs(List<RunRecord> records, String label) {
        List<RunRecord> runs = records.stream().filter(r -> r.workload().equals(label)).toList();
        List<String> order = runs.stream().map(RunRecord::allocator).distinct().toList();
        return runs.stream().sorted(Comparator.comparingInt((RunRecord r) -> order.indexOf(r.allocator()))
                .thenComparingInt(RunRecord::round)).toList();
    }

    /** The median epoch ops/s of allocator's run in each round 1..rounds; NaN where it failed or is absent. */
    private static double[] perRound(List<RunRecord> records, String label, String allocator, int rounds) {
        return IntStream.rangeClosed(1, rounds).mapToDouble(k -> {
            RunRecord r = run(records, label, allocator, k);
            return r == null || !r.ok() ? Double.NaN : Summary.of(epochOps(r)).median();
        }).toArray();
    }

    private static RunRecord run(List<RunRecord> records, String label, String allocator, int round) {
        return records.stream().filter(r -> r.workload().equals(label) && r.allocator().equals(allocator)
                && r.round() == round).findFirst().orElse(null);
    }

    private static double[] epochOps(RunRecord r) {
        return finite(r.epochs().stream().mapToDouble(e -> RunRecord.num(e, "ops_per_s")).toArray());
    }

    private static double[] finite(double[] v) {
        return Arrays.stream(v).filter(Double::isFinite).toArray();
    }
}
