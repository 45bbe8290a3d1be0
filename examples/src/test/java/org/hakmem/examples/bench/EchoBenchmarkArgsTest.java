package org.hakmem.examples.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * EchoBenchmark's usage errors name the problem and exit 2 before any JVM is started: an unknown
 * option says so wherever it stands (as the last argument it used to be reported as an option
 * missing its value), a known option without its value says that, and --help exits 0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoBenchmarkArgsTest {

    @Test
    void anUnknownOptionIsReportedAsUnknownWhereverItStands() throws Exception {
        assertThat(run("--bogus")).startsWith("2\n").contains("error: unknown option: --bogus").contains("usage:");
        assertThat(run("--bogus", "1")).startsWith("2\n").contains("error: unknown option: --bogus");
        assertThat(run("--rounds", "1", "--bogus")).startsWith("2\n").contains("error: unknown option: --bogus");
    }

    @Test
    void aKnownOptionWithoutItsValueSaysSo() throws Exception {
        assertThat(run("--rounds")).startsWith("2\n").contains("error: missing value for --rounds");
    }

    @Test
    void helpExitsZero() throws Exception {
        assertThat(run("--help")).startsWith("0\n").contains("usage: EchoBenchmark");
    }

    /** The exit code, a newline, then the child's merged output. */
    private static String run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), EchoBenchmark.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("EchoBenchmark exits").isTrue();
        return p.exitValue() + "\n" + out;
    }
}
