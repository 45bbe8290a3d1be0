/*
 * Progress: one line on stderr before and after each child run of a long session: what runs,
 * which round, how far along, and an estimate of the time left (from the runs done so far, or
 * from the preset's expected durations before the first one finishes).
 */
package org.hakmem.bench.compare;

import java.io.PrintWriter;
import java.util.Locale;

final class Progress {
    private final PrintWriter err;
    private final String mode;
    private final int total;
    private final double expectedTotalS;
    private final long t0 = System.nanoTime();
    private int done;

    Progress(PrintWriter err, String mode, int total, double expectedTotalS) {
        this.err = err;
        this.mode = mode;
        this.total = total;
        this.expectedTotalS = expectedTotalS;
    }

    void starting(String what) {
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double left = done == 0 ? expectedTotalS : elapsed / done * (total - done);
        err.printf(Locale.ROOT, "[%s %d/%d] %s  (elapsed %s, ~%s left)%n", mode, done + 1, total, what,
                duration(elapsed), duration(left));
        err.flush();
    }

    void finished(RunRecord r) {
        done++;
        if (r.ok()) {
            double ops = r.num("ops_per_s");
            err.printf(Locale.ROOT, "    ok in %.1f s%s%n", r.wallSeconds(),
                    Double.isNaN(ops) ? "" : String.format(Locale.ROOT, ": %.3g ops/s", ops));
        } else {
            err.printf(Locale.ROOT, "    FAILED after %.1f s: %s%n", r.wallSeconds(), r.failure());
        }
        err.flush();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
    }
}
