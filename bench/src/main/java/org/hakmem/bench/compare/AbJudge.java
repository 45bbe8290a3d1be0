/*
 * AbJudge: the seed's A/B verdict for each LEAN variant against hakmem FAST, from the runs of `ab`:
 *
 *   NO-GO    it crashed, or its RSS does not fall (burst-idle), or its system calls storm
 *   GO       peak allocator resident on mixed-ws400 under the target, no drift, and throughput
 *            within the allowed loss on every throughput workload
 *   NEUTRAL  anything else (typically: RSS falls but throughput loses too much) - kept as opt-in
 *
 * Every verdict comes with its reasons and the figures they rest on.
 */
package org.hakmem.bench.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

final class AbJudge {
    static final String BASELINE = "hakmem";
    static final List<String> THROUGHPUT = List.of("mixed-ws400", "mixed-ws400-32k");
    static final String DRIFT = "drift";

    /** One allocator's verdict and the figures behind it. */
    record Verdict(String allocator, String verdict, List<String> reasons, double worstRatio, double worstCv,
                   double peakResidentMiB, double retainedMiB, double maxSyscallsPerOp, Drift drift) {
    }

    private AbJudge() {
    }

    static List<Verdict> judge(List<RunRecord> records, List<String> allocators, AbCriteria c) {
        double fastRetained = retainedMiB(records, BASELINE);
        List<Verdict> verdicts = new ArrayList<>();
        for (String a : allocators) {
            List<String> nogo = new ArrayList<>();
            List<String> notGo = new ArrayList<>();
            records.stream().filter(r -> !r.ok() && r.allocator().equals(a)).forEach(r ->
                    nogo.add("crashed: " + r.workload() + " round " + r.round() + " (" + firstLine(r.failure()) + ")"));

            double worstRatio = Double.POSITIVE_INFINITY;
            double worstCv = 0;
            for (String w : THROUGHPUT) {
                Summary s = Summary.of(records, w, a, "ops_per_s");
                double ratio = s.median() / Summary.of(records, w, BASELINE, "ops_per_s").median();
                worstCv = Math.max(worstCv, s.cv()); // a workload without a CV (one run) makes it NaN: n/a
                if (!Double.isFinite(ratio)) {
                    notGo.add("no throughput figure for " + w + " (this allocator or FAST had no successful run)");
                    worstRatio = Double.NaN;
                    continue;
                }
                worstRatio = Math.min(worstRatio, ratio);
                if (ratio < c.minThroughputRatio()) {
                    notGo.add(String.format(Locale.ROOT, "throughput on %s is %.2fx FAST (%s vs %s ops/s; CV %s), "
                                    + "below %.2fx", w, ratio, Md.si(s.median()),
                            Md.si(Summary.of(records, w, BASELINE, "ops_per_s").median()), s.cvText(),
                            c.minThroughputRatio()));
                }
            }

            double peak = Summary.values(records, "mixed-ws400", a, "resident_peak").length == 0 ? Double.NaN
                    : Summary.of(records, "mixed-ws400", a, "resident_peak").max() / (1 << 20);
            if (!(peak <= c.targetMiB())) {
                notGo.add(String.format(Locale.ROOT, "peak allocator resident on mixed-ws400 is %s MiB, target %.0f MiB",
                        Md.num(peak, 1), c.targetMiB()));
            }

            double retained = retainedMiB(records, a);
            // without both figures nothing says RSS does not fall (nor that it falls): not GO, not NO-GO
            boolean rssJudged = Double.isFinite(retained) && Double.isFinite(fastRetained);
            if (!a.equals(BASELINE) && !rssJudged) {
                notGo.add("no burst-idle figure to judge whether RSS falls (this allocator or FAST had no "
                        + "successful run)");
            } else if (!a.equals(BASELINE) && !(retained <= c.rssFallRatio() * fastRetained)) {
                nogo.add(String.format(Locale.ROOT, "RSS does not fall: burst-idle retains %s MiB after the idle phase, "
                                + "FAST %s MiB (allowed: %.0f%% of FAST)%s", Md.num(retained, 1), Md.num(fastRetained, 1),
                        c.rssFallRatio() * 100, lazyFreeNote(records, a)));
            }

            double storm = maxSyscallsPerOp(records, a);
            if (storm > c.stormPerOp()) {
                nogo.add(String.format(Locale.ROOT, "system-call storm: %s syscalls per op in a steady-state run "
                        + "(limit %s)", Md.sig(storm), Md.sig(c.stormPerOp())));
            }

            Drift drift = records.stream().filter(r -> r.ok() && r.workload().equals(DRIFT) && r.allocator().equals(a))
                    .findFirst().map(r -> Drift.of(r.epochs())).orElse(null);
            if (drift == null) {
                notGo.add("no drift run");
            } else if (drift.drifts(c.driftMiB(), c.driftFraction())) {
                notGo.add("memory drifts: " + drift.describe());
            }

            String verdict;
            List<String> reasons = new ArrayList<>(nogo);
            if (a.equals(BASELINE)) {
                verdict = nogo.isEmpty() ? "baseline" : "baseline (NO-GO)";
                reasons.addAll(notGo);
            } else if (!nogo.isEmpty()) {
                verdict = "NO-GO";
                reasons.addAll(notGo);
            } else if (notGo.isEmpty()) {
                verdict = "GO";
                reasons.add(String.format(Locale.ROOT, "RSS falls (retains %s MiB vs FAST %s MiB), peak resident %s MiB "
                                + "<= %.0f MiB, no drift, throughput >= %.2fx FAST", Md.num(retained, 1),
                        Md.num(fastRetained, 1), Md.num(peak, 1), c.targetMiB(), c.minThroughputRatio()));
            } else {
                verdict = "NEUTRAL";
                if (rssJudged) {
                    reasons.add(0, String.format(Locale.ROOT, "RSS falls (retains %s MiB vs FAST %s MiB), but:",
                            Md.num(retained, 1), Md.num(fastRetained, 1)));
                }
                reasons.addAll(notGo);
            }
            verdicts.add(new Verdict(a, verdict, reasons, worstRatio, worstCv, peak, retained, storm, drift));
        }
        return verdicts;
    }

    static String markdown(List<Verdict> verdicts, AbCriteria c) {
        List<List<String>> rows = new ArrayList<>();
        for (Verdict v : verdicts) {
            rows.add(List.of(v.allocator(), "**" + v.verdict() + "**", Md.ratio(v.worstRatio()), Md.pct(v.worstCv()),
                    Md.num(v.peakResidentMiB(), 1), Md.num(v.retainedMiB(), 1), Md.sig(v.maxSyscallsPerOp()),
                    v.drift() == null ? "n/a" : Md.num(v.drift().deltaMiB(), 2)));
        }
        StringBuilder sb = new StringBuilder("## A/B verdict (the seed's rule)\n\n");
        sb.append(Md.table(List.of("allocator", "verdict", "worst throughput / FAST", "worst CV",
                "peak resident MiB (mixed-ws400)", "burst-idle retained RSS MiB", "max syscalls/op", "drift MiB"), rows));
        sb.append('\n').append(c.describe()).append("\n\n### Reasons\n\n");
        for (Verdict v : verdicts) {
            sb.append("- **").append(v.allocator()).append("**: ").append(v.verdict()).append('\n');
            for (String r : v.reasons()) {
                sb.append("  - ").append(r).append('\n');
            }
            if (v.drift() != null) {
                sb.append("  - drift run: ").append(v.drift().describe()).append('\n');
            }
        }
        return sb.append('\n').toString();
    }

    /** Median over the rounds of burst-idle's end RSS minus its before RSS, in MiB. */
    static double retainedMiB(List<RunRecord> records, String allocator) {
        double[] v = records.stream()
                .filter(r -> r.ok() && r.workload().equals("burst-idle") && r.allocator().equals(allocator))
                .mapToDouble(r -> (r.num("rss_end_kib") - r.num("rss_before_kib")) / 1024)
                .filter(Double::isFinite).toArray();
        return Summary.of(v).median();
    }

    private static String lazyFreeNote(List<RunRecord> records, String allocator) {
        double lazy = Summary.of(records, "burst-idle", allocator, "lazyfree_kib").median() / 1024;
        return lazy >= 1 ? String.format(Locale.ROOT, "; %.1f MiB of it is LazyFree (MADV_FREE pages the kernel "
                + "reclaims only under memory pressure)", lazy) : "";
    }

    /** The highest syscalls/op over the steady-state runs (throughput workloads and the drift run). */
    private static double maxSyscallsPerOp(List<RunRecord> records, String allocator) {
        return records.stream()
                .filter(r -> r.ok() && r.allocator().equals(allocator)
                        && (THROUGHPUT.contains(r.workload()) || r.workload().equals(DRIFT)))
                .mapToDouble(r -> r.num("syscalls_per_op"))
                .filter(Double::isFinite).max().orElse(Double.NaN);
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("");
    }
}
