/*
 * HeaderTest: the report header says what made the figures. The child JVMs make every figure, and
 * --java may name another JDK than the one running the tool: the header gives the children's own
 * `java -version`, not only this JVM's version next to a path. The children inherit the tool's
 * environment, where JDK_JAVA_OPTIONS or JAVA_TOOL_OPTIONS add JVM flags and HAKMEM_* variables
 * change netty-hakmem's settings: the header names those that are set, beside the printed flags.
 */
package org.hakmem.bench.compare;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeaderTest {
    @TempDir
    Path tmp;

    @Test
    void theHeaderGivesTheChildrensJdk() throws IOException {
        Path otherJava = StandInJava.write(tmp, "other-java", "[ \"$1\" = -version ]"
                + " && echo 'openjdk version \"99.0.1\" 2031-01-01' >&2"
                + " && echo 'OpenJDK Runtime Environment (build 99.0.1+7)' >&2\nexit 0\n");
        ChildLauncher launcher = new ChildLauncher(otherJava.toString(), ChildFlags.BASE, "cp");

        String header = Header.markdown("t", Instant.EPOCH, List.of(), Preset.QUICK, launcher, List.of("hakmem"));

        assertTrue(header.contains("openjdk version \"99.0.1\" 2031-01-01; OpenJDK Runtime Environment (build 99.0.1+7)"),
                header);
    }

    @Test
    void theHeaderNamesTheEnvironmentThatChangesTheChildren() throws Exception {
        Path failingJava = StandInJava.write(tmp, "failing-java", "exit 3\n");
        Path out = tmp.resolve("out");
        ProcessBuilder tool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CompareTool.class.getName(), "compare", "--quick",
                "--workloads", "mixed-ws400", "--allocators", "hakmem", "--java", failingJava.toString(),
                "--out", out.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("tool.log").toFile());
        tool.environment().put("JAVA_TOOL_OPTIONS", "-Xss2m");
        tool.environment().put("HAKMEM_SS_MEM_LEAN_DECAY_MS", "0");
        tool.environment().put("UNRELATED_SETTING", "1");
        Process p = tool.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the tool finished");
        assertEquals(1, p.exitValue(), "its child failed: exit 1; " + read(tmp.resolve("tool.log")));

        String header = read(out.resolve("report.md"));
        assertTrue(header.contains("`HAKMEM_SS_MEM_LEAN_DECAY_MS=0`") && header.contains("`JAVA_TOOL_OPTIONS=-Xss2m`"),
                header);
        assertTrue(!header.contains("UNRELATED_SETTING"), header);
    }

    @Test
    void secretsInTheInheritedJvmOptionsAreNotPrinted() {
        String line = Header.inheritedEnvironment(java.util.Map.of(
                "JAVA_TOOL_OPTIONS", "-Xss2m -Djavax.net.ssl.keyStorePassword=hunter2 -Dapi.TOKEN=abc -Dhakmem.ss.mem_lean=1",
                "JDK_JAVA_OPTIONS", "-Ddb.secret=s3 -Dplain=value"));

        assertEquals("`JAVA_TOOL_OPTIONS=-Xss2m -Djavax.net.ssl.keyStorePassword=*** -Dapi.TOKEN=*** "
                + "-Dhakmem.ss.mem_lean=1`, `JDK_JAVA_OPTIONS=-Ddb.secret=*** -Dplain=value`", line);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file);
    }
}
