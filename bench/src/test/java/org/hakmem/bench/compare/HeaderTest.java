/*
 * HeaderTest: the report header says what made the figures. The child JVMs make every figure, and
 * --java may name another JDK than the one running the tool: the header gives the children's own
 * `java -version`, not only this JVM's version next to a path.
 */
package org.hakmem.bench.compare;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class HeaderTest {
    @TempDir
    Path tmp;

    @Test
    void theHeaderGivesTheChildrensJdk() throws IOException {
        Path otherJava = tmp.resolve("other-java");
        Files.writeString(otherJava, "#!/bin/sh\n[ \"$1\" = -version ] && echo 'openjdk version \"99.0.1\" 2031-01-01' >&2"
                + " && echo 'OpenJDK Runtime Environment (build 99.0.1+7)' >&2\nexit 0\n");
        Files.setPosixFilePermissions(otherJava, PosixFilePermissions.fromString("rwx------"));
        ChildLauncher launcher = new ChildLauncher(otherJava.toString(), ChildFlags.BASE, "cp");

        String header = Header.markdown("t", Instant.EPOCH, List.of(), Preset.QUICK, launcher, List.of("hakmem"));

        assertTrue(header.contains("openjdk version \"99.0.1\" 2031-01-01; OpenJDK Runtime Environment (build 99.0.1+7)"),
                header);
    }
}
