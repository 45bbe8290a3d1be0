/*
 * ResultLine: the one machine-readable line a workload child prints for its parent,
 *   RESULT key=value key=value ...
 * (also EPOCH lines, same format). Values are numbers or single words, never with spaces.
 */
package org.hakmem.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

public final class ResultLine {
    private final String tag;
    private final Map<String, String> values = new LinkedHashMap<>();

    ResultLine(String tag) {
        this.tag = tag;
    }

    ResultLine put(String key, long value) {
        values.put(key, Long.toString(value));
        return this;
    }

    ResultLine put(String key, double value) {
        values.put(key, String.format(Locale.ROOT, "%.6g", value));
        return this;
    }

    ResultLine put(String key, String word) {
        if (word.isEmpty() || word.chars().anyMatch(c -> Character.isWhitespace(c) || c == '=')) {
            throw new IllegalArgumentException(key + ": a value must be one word without '=': '" + word + "'");
        }
        values.put(key, word);
        return this;
    }

    /** Per-op ratio, or -1 when the numerator is "not available" (-1) or there were no ops. */
    static double perOp(long count, long ops) {
        return count < 0 || ops <= 0 ? -1 : (double) count / ops;
    }

    /** Reads a line back: "TAG k=v k=v" to an ordered map (tokens without '=' are ignored). */
    public static Map<String, String> fields(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String token : line.trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                m.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        return m;
    }

    void print() {
        StringBuilder sb = new StringBuilder(tag);
        values.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        System.out.println(sb);
        System.out.flush();
    }
}
