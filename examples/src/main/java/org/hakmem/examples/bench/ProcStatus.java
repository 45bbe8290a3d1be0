/*
 * ProcStatus: this process's memory as the kernel counts it (/proc/self/status, /proc/self/smaps_rollup).
 * Benchmarks compare these between JVMs started with identical flags.
 */
package org.hakmem.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

public final class ProcStatus {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path SMAPS_ROLLUP = Path.of("/proc/self/smaps_rollup");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcStatus() {
    }

    /** A field of /proc/self/status such as "VmRSS" or "VmHWM", in KiB; -1 if unreadable. */
    public static long statusKib(String field) {
        return kib(STATUS, field);
    }

    /**
     * A field of /proc/self/smaps_rollup such as "LazyFree" (pages given back with MADV_FREE that
     * still count in VmRSS until the kernel reclaims them), in KiB; -1 if unreadable.
     */
    public static long smapsRollupKib(String field) {
        return kib(SMAPS_ROLLUP, field);
    }

    /**
     * Resets VmHWM to the current VmRSS (Linux 4.0+: "5" written to /proc/self/clear_refs), so that
     * VmHWM from then on is the peak of a phase rather than of the process's life. Returns false if the
     * kernel refused (not Linux, an older kernel, no permission); VmHWM is then unchanged.
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Reads "Field:   1234 kB" lines; -1 when the file or field is missing (not Linux, old kernel). */
    private static long kib(Path file, String field) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(field + ":")) {
                    String v = line.substring(field.length() + 1).trim();
                    int sp = v.indexOf(' ');
                    return Long.parseLong(sp < 0 ? v : v.substring(0, sp));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
