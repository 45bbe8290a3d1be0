/*
 * DriftOptions: the drift threshold shared by `ab` and `soak` (picocli mixin).
 */
package org.hakmem.bench.compare;

import org.hakmem.examples.bench.Cli;
import picocli.CommandLine.Option;

final class DriftOptions {
    @Option(names = "--drift-mib", paramLabel = "MiB", defaultValue = "2", description = "Memory drifts when the last "
            + "quarter of a timed run exceeds the first by more than this many MiB ... (default: ${DEFAULT-VALUE})")
    double mib;

    @Option(names = "--drift-pct", paramLabel = "PCT", defaultValue = "5", description = "... and by more than this "
            + "percentage (default: ${DEFAULT-VALUE}).")
    double pct;

    /** Refuses a threshold below 0, or one that is not a finite number (no growth compares with NaN). */
    void check(CommonOptions common) {
        common.check(() -> Cli.requireAtLeast("--drift-mib", mib, 0));
        common.check(() -> Cli.requireAtLeast("--drift-pct", pct, 0));
    }

    double fraction() {
        return pct / 100;
    }
}
