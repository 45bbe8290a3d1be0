/*
 * RunRecord: what one child run produced: its RESULT values, its SAMPLE and EPOCH lines, or why it
 * failed (with the child's output). Failed runs are kept, reported and counted, never dropped.
 */
package org.hakmem.bench.compare;

import org.hakmem.bench.ResultLine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

record RunRecord(int round, String workload, String allocator, double wallSeconds,
                 Map<String, String> values, List<Map<String, String>> samples,
                 List<Map<String, String>> epochs, String failure) {

    static RunRecord failed(int round, String workload, String allocator, double wallSeconds, String failure) {
        return new RunRecord(round, workload, allocator, wallSeconds, Map.of(), List.of(), List.of(), failure);
    }

    /** Parses a child's output: the last RESULT line, every SAMPLE and EPOCH line. */
    static RunRecord parse(int round, String workload, String allocator, double wallSeconds, List<String> output) {
        Map<String, String> result = null;
        List<Map<String, String>> samples = new ArrayList<>();
        List<Map<String, String>> epochs = new ArrayList<>();
        for (String line : output) {
            if (line.startsWith("RESULT ")) {
                result = ResultLine.fields(line);
            } else if (line.startsWith("SAMPLE ")) {
                samples.add(ResultLine.fields(line));
            } else if (line.startsWith("EPOCH ")) {
                epochs.add(ResultLine.fields(line));
            }
        }
        if (result == null) {
            return failed(round, workload, allocator, wallSeconds, "no RESULT line in the child's output");
        }
        return new RunRecord(round, workload, allocator, wallSeconds, result, samples, epochs, null);
    }

    boolean ok() {
        return failure == null;
    }

    /** A numeric value; NaN if the run failed, the key is absent, or the value is -1 ("not available"). */
    double num(String key) {
        return num(values, key);
    }

    static double num(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            return Double.NaN;
        }
        try {
            double d = Double.parseDouble(v);
            return d == -1 ? Double.NaN : d;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
