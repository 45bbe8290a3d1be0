/*
 * CsvFiles: the raw results of a session as CSV: one row per run (every RESULT key as a column,
 * failures included with their first line), one row per RSS sample, one row per epoch.
 */
package org.hakmem.bench.compare;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

final class CsvFiles {
    private CsvFiles() {
    }

    static String runs(List<RunRecord> records) {
        Set<String> keys = new LinkedHashSet<>();
        records.forEach(r -> keys.addAll(r.values().keySet()));
        keys.remove("workload");
        List<String> header = new ArrayList<>(List.of("round", "workload", "allocator", "status", "wall_s"));
        header.addAll(keys);
        header.add("failure");
        StringBuilder sb = new StringBuilder(line(header));
        for (RunRecord r : records) {
            List<String> row = new ArrayList<>(List.of(String.valueOf(r.round()), r.workload(), r.allocator(),
                    r.ok() ? "ok" : "failed", String.format(java.util.Locale.ROOT, "%.2f", r.wallSeconds())));
            keys.forEach(k -> row.add(r.values().getOrDefault(k, "")));
            row.add(r.ok() ? "" : r.failure().lines().findFirst().orElse(""));
            sb.append(line(row));
        }
        return sb.toString();
    }

    static String samples(List<RunRecord> records) {
        return series(records, RunRecord::samples, List.of("t_ms", "phase", "rss_kib", "resident"));
    }

    static String epochs(List<RunRecord> records) {
        return series(records, RunRecord::epochs,
                List.of("epoch", "t_ms", "ops_per_s", "rss_kib", "lazyfree_kib", "resident", "syscalls"));
    }

    private static String series(List<RunRecord> records, Function<RunRecord, List<Map<String, String>>> points,
                                 List<String> keys) {
        List<String> header = new ArrayList<>(List.of("round", "workload", "allocator"));
        header.addAll(keys);
        StringBuilder sb = new StringBuilder(line(header));
        for (RunRecord r : records) {
            for (Map<String, String> p : points.apply(r)) {
                List<String> row = new ArrayList<>(List.of(String.valueOf(r.round()), r.workload(), r.allocator()));
                keys.forEach(k -> row.add(p.getOrDefault(k, "")));
                sb.append(line(row));
            }
        }
        return sb.toString();
    }

    private static String line(List<String> cells) {
        List<String> quoted = new ArrayList<>();
        for (String c : cells) {
            quoted.add(c.contains(",") || c.contains("\"") ? "\"" + c.replace("\"", "\"\"") + "\"" : c);
        }
        return String.join(",", quoted) + "\n";
    }
}
