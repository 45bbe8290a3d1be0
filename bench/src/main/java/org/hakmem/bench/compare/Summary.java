/*
 * Summary: the statistics of one figure (a RESULT key) over the successful runs of one workload and
 * allocator: median, min, max and CV, as every table of the tool reports them.
 */
package org.hakmem.bench.compare;

import org.hakmem.examples.bench.Stats;

import java.util.List;

record Summary(int n, double median, double min, double max, double cv) {
    static final Summary NONE = new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    static Summary of(double[] v) {
        return v.length == 0 ? NONE : new Summary(v.length, Stats.median(v), Stats.min(v), Stats.max(v), Stats.cv(v));
    }

    /** The CV as the tables print it: "n/a" for fewer than two runs (Stats.cv is NaN there). */
    String cvText() {
        return Md.pct(cv);
    }

    /** The finite values of key over the successful runs of workload and allocator. */
    static double[] values(List<RunRecord> records, String workload, String allocator, String key) {
        return records.stream()
                .filter(r -> r.ok() && r.workload().equals(workload) && r.allocator().equals(allocator))
                .mapToDouble(r -> r.num(key))
                .filter(Double::isFinite)
                .toArray();
    }

    static Summary of(List<RunRecord> records, String workload, String allocator, String key) {
        return of(values(records, workload, allocator, key));
    }

    static long failures(List<RunRecord> records, String workload, String allocator) {
        return records.stream()
                .filter(r -> !r.ok() && r.workload().equals(workload) && r.allocator().equals(allocator))
                .count();
    }
}
