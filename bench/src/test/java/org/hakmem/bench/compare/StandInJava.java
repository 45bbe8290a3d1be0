/*
 * StandInJava: a shell script that stands in for a java binary in the tool's tests: a child that
 * fails at once, one that prints a version, one that echoes its arguments.
 */
package org.hakmem.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

final class StandInJava {
    private StandInJava() {
    }

    /** An executable dir/name that runs body (shell commands, after a #!/bin/sh line). */
    static Path write(Path dir, String name, String body) throws IOException {
        Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
