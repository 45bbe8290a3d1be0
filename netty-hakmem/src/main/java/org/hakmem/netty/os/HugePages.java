/*
 * HugePages: whether the kernel backs new anonymous mappings with transparent huge pages (THP) on
 * its own, read from sysfs, and the one warning when a mapping cannot be kept off them.
 *
 * Why it matters: with THP on by default, the first write into a 2 MiB-aligned range of a mapping
 * can fault in a whole huge page (and khugepaged may later merge a range with a single touched page
 * into one). A LEAN superslab would then be wholly resident for one small buffer, while the pool's
 * books call its untouched slabs clean, so no purge would ever give them back. LEAN's mappings are
 * therefore marked MADV_NOHUGEPAGE on such a host (OsMemory.map); elsewhere no call is made.
 *
 *   /sys/kernel/mm/transparent_hugepage/enabled                 always [madvise] never
 *   /sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled  always inherit madvise [never]
 *                                                               (sizes below 2 MiB, Linux 6.8+)
 *
 * On by default: the word in brackets is "always" in the first file, or in any per-size file (a
 * per-size "inherit" follows the first file). Read once, when the class is loaded: a host whose
 * setting changes later is seen by the next JVM. Without the files (a kernel built without THP),
 * the answer is no.
 */
package org.hakmem.netty.os;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

final class HugePages {
    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(HugePages.class);
    private static final Path SYSFS = Path.of("/sys/kernel/mm/transparent_hugepage");
    /** This host's answer, read once. */
    static final boolean ON_BY_DEFAULT = onByDefault(SYSFS);
    private static final AtomicBoolean REFUSAL_LOGGED = new AtomicBoolean();

    private HugePages() {
    }

    /** Whether THP is on by default according to the sysfs directory {@code dir} (for tests). */
    static boolean onByDefault(Path dir) {
        String top = setting(dir.resolve("enabled"));
        if ("always".equals(top)) {
            return true;
        }
        try (DirectoryStream<Path> sizes = Files.newDirectoryStream(dir, "hugepages-*")) {
            for (Path size : sizes) {
                if ("always".equals(setting(size.resolve("enabled")))) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false; // no per-size settings (before Linux 6.8), or none readable
        }
        return false;
    }

    /** The bracketed word of a THP setting file ("always [madvise] never" -> "madvise"), or null. */
    private static String setting(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            int open = text.indexOf('[');
            int close = text.indexOf(']', open + 1);
            return open >= 0 && close > open ? text.substring(open + 1, close) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The kernel refused to keep a mapping off huge pages. Nothing is lost: the mapping is used as it
     * is, and may become resident by whole huge pages. Logged once per process.
     */
    static void refused(String failure) {
        if (REFUSAL_LOGGED.compareAndSet(false, true)) {
            LOG.warn("netty-hakmem: {}; transparent huge pages are on by default on this host, so LEAN's memory"
                    + " may become resident 2 MiB at a time (logged once; set THP to madvise or never to avoid it)",
                    failure);
        }
    }
}
