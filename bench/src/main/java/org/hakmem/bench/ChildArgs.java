/*
 * ChildArgs: the key=value arguments of a workload child, each with its default; an unknown key or
 * a value that is not a non-negative integer fails with the key, the value and what is allowed.
 */
package org.hakmem.bench;

import java.util.LinkedHashMap;
import java.util.Map;

final class ChildArgs {
    /** Every key and its default (the full-length run; the parent's --quick preset passes smaller ones). */
    static final Map<String, Long> DEFAULTS = defaults();

    private final Map<String, Long> values = new LinkedHashMap<>(DEFAULTS);

    private static Map<String, Long> defaults() {
        Map<String, Long> d = new LinkedHashMap<>();
        d.put("warmup_ops", 3_000_000L);   // throughput workloads: ops before measuring
        d.put("ops", 20_000_000L);         // throughput workloads: measured ops (when duration_ms = 0)
        d.put("duration_ms", 0L);          // > 0: measure for this long instead, in epochs
        d.put("epoch_ms", 2_000L);         // epoch length when duration_ms > 0
        d.put("sample_ms", 100L);          // RSS sampling period
        d.put("samples", 0L);              // 1: print every RSS sample (SAMPLE lines)
        d.put("burst_mixed_ms", 2_000L);   // burst-idle: mixed-ws400 phase after the burst
        d.put("idle_ms", 2_000L);          // burst-idle: idle phase at the end
        return Map.copyOf(d);
    }

    ChildArgs(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            String key = eq < 0 ? a : a.substring(0, eq);
            if (eq < 0 || !DEFAULTS.containsKey(key)) {
                throw new IllegalArgumentException("unknown argument '" + a + "'; expected key=value with key one of "
                        + DEFAULTS.keySet());
            }
            String v = a.substring(eq + 1);
            try {
                long n = Long.parseLong(v);
                if (n < 0) {
                    throw new NumberFormatException();
                }
                values.put(key, n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + "='" + v + "': expected a non-negative integer");
            }
        }
    }

    long get(String key) {
        Long v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no child argument '" + key + "'; known: " + DEFAULTS.keySet());
        }
        return v;
    }
}
