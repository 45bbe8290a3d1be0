/*
 * Stats: the summary numbers every benchmark of this project reports (median, min, max, coefficient
 * of variation), in one place so that the echo benchmark, JmhRounds and the comparison tool agree.
 */
package org.hakmem.examples.bench;

import java.util.Arrays;
import java.util.Locale;

public final class Stats {
    private Stats() {
    }

    public static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    public static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    public static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    /**
     * Sample standard deviation over the mean; NaN for fewer than two values, where a sample standard
     * deviation does not exist (0 there would read as a perfectly steady figure).
     */
    public static double cv(double[] v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double mean = Arrays.stream(v).average().orElseThrow();
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        return Math.sqrt(ss / (v.length - 1)) / mean;
    }

    /** The CV as tables print it: "12.3%", or "n/a" where it does not exist (one value, a mean of 0). */
    public static String cvText(double[] v) {
        double cv = cv(v);
        return Double.isFinite(cv) ? String.format(Locale.ROOT, "%.1f%%", cv * 100) : "n/a";
    }
}
