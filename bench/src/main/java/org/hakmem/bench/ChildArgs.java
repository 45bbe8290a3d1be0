/*
 * ChildArgs: the key=value arguments of a workload child, each with its default and the values it
 * allows; an unknown key, a key given twice, or a value that is not an allowed integer fails with the
 * key, the value and what is allowed.
 */
package org.hakmem.bench;

import org.hakmem.examples.bench.Cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

final class ChildArgs {
    /** A key's default and the least value that makes sense (and the greatest, for a switch). */
    private record Key(long dflt, long min, long max) {
    }

    /** Every key, in the order messages list them (the full-length run; the parent's --quick preset passes smaller ones). */
    private static final Map<String, Key> KEYS = keys();

    private final Map<String, Long> values = new LinkedHashMap<>();

    private static Map<String, Key> keys() {
        Map<String, Key> k = new LinkedHashMap<>();
        k.put("warmup_ops", new Key(3_000_000L, 0, Long.MAX_VALUE)); // throughput workloads: ops before measuring
        // throughput workloads: measured ops (when duration_ms = 0); 0 would report 0 ops/s
        k.put("ops", new Key(20_000_000L, 1, Long.MAX_VALUE));
        k.put("duration_ms", new Key(0L, 0, Long.MAX_VALUE)); // > 0: measure for this long instead, in epochs
        k.put("epoch_ms", new Key(2_000L, 1, Long.MAX_VALUE)); // epoch length when duration_ms > 0
        // RSS sampling period; 0 would make the sampler thread spin on a CPU the workload needs
        k.put("sample_ms", new Key(100L, 1, Long.MAX_VALUE));
        k.put("samples", new Key(0L, 0, 1));                   // 1: print every RSS sample (SAMPLE lines)
        k.put("burst_mixed_ms", new Key(2_000L, 0, Long.MAX_VALUE)); // burst-idle: mixed-ws400 phase after the burst
        k.put("idle_ms", new Key(2_000L, 0, Long.MAX_VALUE));  // burst-idle: idle phase at the end
        k.put("remote_release", new Key(0L, 0, 1)); // burst-idle: 1: the main thread releases the burst
        k.put("watch_loops", new Key(1L, 0, 1)); // burst-idle: 0: netty-hakmem does not watch the loops
        return Collections.unmodifiableMap(k);
    }

    ChildArgs(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            String key = eq < 0 ? a : a.substring(0, eq);
            if (eq < 0 || !KEYS.containsKey(key)) {
                throw new IllegalArgumentException("unknown argument '" + a + "'; expected key=value with key one of "
                        + KEYS.keySet());
            }
            Key allowed = KEYS.get(key);
            long n = Cli.longIn(key, a.substring(eq + 1), allowed.min(), allowed.max());
            if (values.put(key, n) != null) {
                throw new IllegalArgumentException(key + " given twice; allowed: once");
            }
        }
    }

    long get(String key) {
        Key k = KEYS.get(key);
        if (k == null) {
            throw new IllegalArgumentException("no child argument '" + key + "'; known: " + KEYS.keySet());
        }
        return values.getOrDefault(key, k.dflt());
    }
}
