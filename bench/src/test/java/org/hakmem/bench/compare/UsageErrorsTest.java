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
        ToolRun run = ToolRun.of("bogus-mode");
        assertEquals(2, run.exit(), run::transcript);
        assertTrue(run.err().contains("unknown mode 'bogus-mode'; allowed: compare, ab, soak, help"), run::transcript);
        assertTrue(run.err().contains("Usage:"), run::transcript);
    }

    @Test
    void unknownAllocatorNamesTheValueAndTheAllowedOnes() {
        ToolRun run = ToolRun.of("--allocators", "hakmem,jemalloc", "--out", tmp.toString());
        assertEquals(2, run.exit(), run::transcript);
        assertTrue(run.err().contains("unknown allocator 'jemalloc'"), run::transcript);
        assertTrue(run.err().contains("hakmem-lean-dontneed") && run.err().contains("Usage:"), run::transcript);
    }

    @Test
    void unknownWorkloadIsAUsageError() {
        ToolRun run = ToolRun.of("compare", "--workloads", "mixed-ws401", "--out", tmp.toString());
        assertEquals(2, run.exit(), run::transcript);
        assertTrue(run.err().contains("unknown workload 'mixed-ws401'"), run::transcript);
    }

    @Test
    void unknownEchoClientNamesTheValueAndTheAllowedOnes() {
        ToolRun run = ToolRun.of("compare", "--echo-client", "tcmalloc", "--out", tmp.toString());
        assertEquals(2, run.exit(), run::transcript);
        assertTrue(run.err().contains("unknown --echo-client 'tcmalloc'; allowed: hakmem,"), run::transcript);
        assertTrue(run.err().contains("Usage:"), run::transcript);
    }

    @Test
    void echoCpusTheMachineDoesNotHaveAreAUsageError() {
        ToolRun run = ToolRun.of("compare", "--echo-cpus", "0:4096", "--out", tmp.toString());
        assertEquals(2, run.exit(), run::transcript);
        assertTrue(run.err().contains("bad --echo-cpus '0:4096': CPU 4096 does not exist"), run::transcript);
        assertTrue(run.err().contains("Usage:"), run::transcript);
    }

    @Test
    void unknownFlagIsAUsageError() {
        ToolRun run = ToolRun.of("soak", "--bogus-flag");
        assertEquals(2, run.exit(), run::transcript);
        assertTrue(run.err().contains("--bogus-flag") && run.err().contains("Usage:"), run::transcript);
    }

    @Test
    void abWithoutTheFastBaselineIsRefused() {
        ToolRun run = ToolRun.of("ab", "--allocators", "hakmem-lean-free", "--out", tmp.toString());
        assertEquals(2, run.exit(), run::transcript);
        assertTrue(run.err().contains("baseline"), run::transcript);
    }

    @Test
    void badDurationNamesTheValue() {
        ToolRun run = ToolRun.of("soak", "--duration", "5 minutes");
        assertEquals(2, run.exit(), run::transcript);
        assertTrue(run.err().contains("'5 minutes' is not a duration"), run::transcript);
    }

    @Test
    void roundsBelowOneNameTheValueAndTheAllowedRange() {
        for (String bad : new String[]{"0", "-2"}) {
            ToolRun run = ToolRun.of("soak", "--rounds", bad, "--out", tmp.toString());
            assertEquals(2, run.exit(), run::transcript);
            assertTrue(run.err().contains("--rounds must be at least 1, got " + bad), run::transcript);
            assertTrue(run.err().contains("Usage:"), run::transcript);
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
