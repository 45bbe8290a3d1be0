/*
 * Md: Markdown tables and the number formats of the reports ("n/a" where a figure does not exist,
 * e.g. the resident bytes of an allocator that cannot tell).
 */
package org.hakmem.bench.compare;

import java.util.List;
import java.util.Locale;

final class Md {
    private Md() {
    }

    static String table(List<String> header, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> sb.append("---|"));
        sb.append('\n');
        for (List<String> row : rows) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return sb.toString();
    }

    static String num(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "n/a";
    }

    /** Three significant digits, for figures that span orders of magnitude (ops/s, syscalls/op). */
    static String sig(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3g", v) : "n/a";
    }

    /** A rate with an SI suffix: "32.05 M", "118.2 k", "950". */
    static String si(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        if (Math.abs(v) >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", v / 1e6);
        }
        return Math.abs(v) >= 1e3 ? String.format(Locale.ROOT, "%.1f k", v / 1e3) : String.format(Locale.ROOT, "%.0f", v);
    }

    static String pct(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.1f%%", fraction * 100) : "n/a";
    }

    static String ratio(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2fx", v) : "n/a";
    }

    /** KiB to MiB. */
    static String mibFromKib(double kib) {
        return num(kib / 1024, 1);
    }

    /** Bytes to MiB. */
    static String mib(double bytes) {
        return num(bytes / (1024 * 1024), 1);
    }
}
