/*
 * Smaps: reads LazyFree out of /proc/self/smaps for the areas that overlap given address ranges.
 *
 * Pages given back with MADV_FREE stay mapped and counted in RSS until the kernel needs memory and
 * reclaims them; mincore still reports them resident. The kernel's own figure for them is the
 * LazyFree line of each memory area in smaps:
 *
 *     7f1c2e000000-7f1c2e200000 rw-p 00000000 00:00 0        <- area header: start-end (hex)
 *     Size:               2048 kB
 *     ...
 *     LazyFree:            512 kB                              <- what we sum
 *
 * Linux only; elsewhere (no /proc) the answer is 0.
 */
package org.hakmem.netty.os;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

final class Smaps {
    private static final Path SMAPS = Path.of("/proc/self/smaps");

    private Smaps() {
    }

    /** Sum of LazyFree over the areas that overlap any of the [start, end) ranges. */
    static long lazyFreeBytes(long[][] ranges) {
        return lazyFreeBytes(SMAPS, ranges);
    }

    /** The same over another file in smaps' format (for tests). */
    static long lazyFreeBytes(Path smaps, long[][] ranges) {
        if (ranges.length == 0 || !Files.isReadable(smaps)) {
            return 0;
        }
        long total = 0;
        boolean counting = false;
        // ISO-8859-1 decodes any byte: the kernel prints paths and mapping names as raw bytes, and a
        // strict ASCII (or UTF-8) decoder throws on the first one that is not, which a JVM in
        // /home/jürgen has. Only ASCII matters here: addresses and the LazyFree line.
        try (BufferedReader in = Files.newBufferedReader(smaps, StandardCharsets.ISO_8859_1)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int dash = line.indexOf('-');
                int space = line.indexOf(' ');
                if (dash > 0 && space > dash && isHex(line, 0, dash)) {
                    long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                    long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                    counting = overlaps(ranges, start, end);
                } else if (counting && line.startsWith("LazyFree:")) {
                    total += kilobytes(line) << 10;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("netty-hakmem: cannot read " + smaps, e);
        }
        return total;
    }

    private static boolean overlaps(long[][] ranges, long start, long end) {
        for (long[] r : ranges) {
            if (r[0] < end && start < r[1]) {
                return true;
            }
        }
        return false;
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** "LazyFree:   512 kB" -> 512 */
    private static long kilobytes(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]);
    }
}
