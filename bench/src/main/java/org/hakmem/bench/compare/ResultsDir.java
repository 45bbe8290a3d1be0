/*
 * ResultsDir: where a session writes: <root>/<UTC timestamp>-<mode>/ (or the exact --out folder).
 */
package org.hakmem.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

final class ResultsDir {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path dir;

    private ResultsDir(Path dir) {
        this.dir = dir;
    }

    /** out if given, else a new folder under root named after the start time and the mode. */
    static ResultsDir create(Path root, Path out, String mode, Instant started) throws IOException {
        Path dir = out;
        if (dir == null) {
            String base = STAMP.format(started) + "-" + mode;
            dir = root.resolve(base);
            for (int i = 2; Files.exists(dir); i++) {
                dir = root.resolve(base + "-" + i);
            }
        }
        Files.createDirectories(dir);
        return new ResultsDir(dir);
    }

    Path path() {
        return dir;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    void write(String name, String text) {
        try {
            Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name), e);
        }
    }
}
