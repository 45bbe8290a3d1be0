/*
 * SoakReport: the table of `soak` (and of the A/B drift runs): per allocator, the epochs' ops/s
 * (median, CV) and the memory drift of the last quarter of the epochs against the first.
 */
package org.hakmem.bench.compare;

import java.util.ArrayList;
import java.util.List;

final class SoakReport {
    private SoakReport() {
    }

    static String table(List<RunRecord> records, String label, double driftMiB, double driftFraction) {
        List<List<String>> rows = new ArrayList<>();
        for (RunRecord r : records) {
            if (!r.workload().equals(label)) {
                continue;
            }
            if (!r.ok()) {
                rows.add(List.of(r.allocator(), "FAILED", "", "", "", "", "", "", ""));
                continue;
            }
            double[] ops = r.epochs().stream().mapToDouble(e -> RunRecord.num(e, "ops_per_s"))
                    .filter(Double::isFinite).toArray();
            Summary s = Summary.of(ops);
            Drift d = Drift.of(r.epochs());
            rows.add(List.of(r.allocator(), String.valueOf(r.epochs().size()), Md.si(s.median()), Md.pct(s.cv()),
                    d.metric(), Md.num(d.firstMiB(), 1), Md.num(d.lastMiB(), 1), Md.num(d.deltaMiB(), 2) + " ("
                            + Md.pct(d.relative()) + ")", d.drifts(driftMiB, driftFraction) ? "**yes**" : "no"));
        }
        return Md.table(List.of("allocator", "epochs", "ops/s median", "CV of epochs", "memory measured",
                "first quarter MiB", "last quarter MiB", "drift", "drifts?"), rows)
                + "\nDrift: mean of the last quarter of the epochs minus the mean of the first quarter, of the "
                + "allocator's own resident bytes where it can tell (netty-hakmem), else of the process VmRSS. "
                + "\"drifts?\" is yes above both " + Md.num(driftMiB, 1) + " MiB and " + Md.pct(driftFraction)
                + ". CV of epochs: sample standard deviation / mean of the per-epoch ops/s.\n\n";
    }
}
