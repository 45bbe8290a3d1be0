/*
 * CompareShTest: bench/compare.sh makes the paths of --out, --results and --java absolute against the
 * caller's folder before it moves to the repository root, and leaves an empty value empty for the tool
 * to refuse: it used to turn `--out ""` into the caller's folder, where the report then went.
 */
package org.hakmem.bench.compare;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompareShTest {

    @TempDir
    Path caller;

    @Test
    void relativePathsBecomeAbsoluteAndEmptyOnesStayEmpty() throws Exception {
        assertEquals(List.of("--results", caller.resolve("res").toString(), "--out", "", "--out=",
                        "--java=" + caller.resolve("bin/java"), "--java", "java", "--rounds", "2"),
                toolArgs("--results", "res", "--out", "", "--out=", "--java=bin/java", "--java", "java", "--rounds", "2"));
    }

    /**
     * What compare.sh passes to the tool for {@code args}, called from the temporary folder with
     * SKIP_BUILD=1 and a JAVA_HOME whose java prints its arguments one per line (NUL-free, so an empty
     * one shows as an empty line).
     */
    private List<String> toolArgs(String... args) throws IOException, InterruptedException {
        Path fakeHome = Files.createDirectories(caller.resolve("fake-jdk/bin"));
        Path java = fakeHome.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        List<String> command = new ArrayList<>(List.of("bash", Path.of("compare.sh").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(caller.toFile()).redirectErrorStream(true);
        pb.environment().put("SKIP_BUILD", "1");
        pb.environment().put("JAVA_HOME", caller.resolve("fake-jdk").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        List<String> lines = List.of(out.split("\n", -1));
        int tool = lines.indexOf(CompareTool.class.getName());
        assertTrue(tool >= 0, out);
        return lines.subList(tool + 1, lines.size() - 1); // the output ends with a newline
    }
}
