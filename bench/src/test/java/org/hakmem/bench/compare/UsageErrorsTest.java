/*
 * UsageErrorsTest: bad input prints the usage and exits 2, naming the bad value and what is
 * allowed; a child JVM that fails is reported with its output and makes the session exit 1.
 */
package org.hakmem.bench.compare;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UsageErrorsTest {

    @TempDir
    Path tmp;

    @Test
    void unknownModeIsAUsageError() {
        assertUsageError(ToolRun.of("bogus-mode"),
                "unknown mode 'bogus-mode'; allowed: compare, ab, soak, help", "Usage:");
    }

    @Test
    void unknownAllocatorNamesTheValueAndTheAllowedOnes() {
        assertUsageError(ToolRun.of("--allocators", "hakmem,jemalloc", "--out", tmp.toString()),
                "unknown allocator 'jemalloc'", "hakmem-lean-dontneed", "Usage:");
    }

    @Test
    void unknownWorkloadIsAUsageError() {
        assertUsageError(ToolRun.of("compare", "--workloads", "mixed-ws401", "--out", tmp.toString()),
                "unknown workload 'mixed-ws401'");
    }

    @Test
    void aWorkloadNamedTwiceIsAUsageError() throws IOException {
        // Named twice, a workload would run twice per round and its two runs would count as two rounds.
        // The fake java fails at once, so a run that slips through ends quickly (exit 1, not 2).
        Path fakeJava = tmp.resolve("fake-java-exit-3");
        Files.writeString(fakeJava, "#!/bin/sh\nexit 3\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwx------"));
        assertUsageError(ToolRun.of("compare", "--quick", "--workloads", "mixed-ws400,burst-idle,mixed-ws400",
                        "--allocators", "hakmem", "--java", fakeJava.toString(), "--out", tmp.resolve("out").toString()),
                "--workloads must name each workload once", "Usage:");
    }

    @Test
    void unknownEchoClientNamesTheValueAndTheAllowedOnes() {
        assertUsageError(ToolRun.of("compare", "--echo-client", "tcmalloc", "--out", tmp.toString()),
                "unknown --echo-client 'tcmalloc'; allowed: hakmem,", "Usage:");
    }

    @Test
    void echoCpusTheMachineDoesNotHaveAreAUsageError() {
        assertUsageError(ToolRun.of("compare", "--echo-cpus", "0:4096", "--out", tmp.toString()),
                "bad --echo-cpus '0:4096': CPU 4096 does not exist", "Usage:");
    }

    @Test
    void unknownFlagIsAUsageError() {
        assertUsageError(ToolRun.of("soak", "--bogus-flag"), "--bogus-flag", "Usage:");
    }

    @Test
    void abWithoutTheFastBaselineIsRefused() {
        assertUsageError(ToolRun.of("ab", "--allocators", "hakmem-lean-free", "--out", tmp.toString()), "baseline");
    }

    @Test
    void badDurationNamesTheValue() {
        assertUsageError(ToolRun.of("soak", "--duration", "5 minutes"), "'5 minutes' is not a duration");
    }

    @Test
    void roundsBelowOneNameTheValueAndTheAllowedRange() {
        for (String bad : new String[]{"0", "-2"}) {
            assertUsageError(ToolRun.of("soak", "--rounds", bad, "--out", tmp.toString()),
                    "--rounds must be at least 1, got " + bad, "Usage:");
        }
    }

    /** The run exited 2 (a usage error) and its standard error contains every one of {@code parts}. */
    private static void assertUsageError(ToolRun run, String... parts) {
        assertEquals(2, run.exit(), run::transcript);
        for (String part : parts) {
            assertTrue(run.err().contains(part), () -> "no '" + part + "' in\n" + run.transcript());
        }
    }

    @Test
    void failingChildIsReportedWithItsOutput() throws IOException {
        // A stand-in for java that prints a line and fails, as a crashing child JVM would.
        Path fakeJava = tmp.resolve("fake-java");
        Files.writeString(fakeJava, "#!/bin/sh\necho 'boom from the child' >&2\nexit 3\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwx------"));
        Path out = tmp.resolve("out");

        ToolRun run = ToolRun.of("compare", "--quick", "--workloads", "mixed-ws400", "--allocators", "hakmem,pooled",
                "--java", fakeJava.toString(), "--out", out.toString());

        assertEquals(1, run.exit(), run::transcript);
        assertTrue(run.err().contains("boom from the child") && run.err().contains("exited with 3"), run::transcript);
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("## Failed runs (2)") && report.contains("boom from the child"), report);
        assertTrue(report.contains("| mixed-ws400 | hakmem | 0 (1 failed) |"), report);
        assertFalse(Files.readString(out.resolve("runs.csv")).contains(",ok,"), "no run can be ok");
    }
}
