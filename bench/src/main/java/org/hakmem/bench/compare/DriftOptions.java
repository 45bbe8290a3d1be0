/*
 * DriftOptions: the drift threshold shared by `ab` and `soak` (picocli mixin).
 */
package org.hakmem.bench.compare;

import picocli.CommandLine.Option;

final class DriftOptions {
    @Option(names = "--drift-mib", paramLabel = "MiB", defaultValue = "2", description = "Memory drifts when the last "
            + "quarter of a timed run exceeds the first by more than this many MiB ... (default: ${DEFAULT-VALUE})")
    double mib;

    @Option(names = "--drift-pct", paramLabel = "PCT", defaultValue = "5", description = "... and by more than this "
            + "percentage (default: ${DEFAULT-VALUE}).")
    double pct;

    double fraction() {
        return pct / 100;
    }
}
