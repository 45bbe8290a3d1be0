/*
 * Stats: the summary numbers every benchmark of this project reports (median, min, max, coefficient
 * of variation), in one place so that the echo benchmark, JmhRounds and the comparison tool agree.
 */
package org.hakmem.examples.bench;

import java.util.Arrays;

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

    /** Sample standard deviation over the mean. */
    public static double cv(double[] v) {
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        return v.length < 2 ? 0 : Math.sqrt(ss / (v.length - 1)) / mean;
    }
}
