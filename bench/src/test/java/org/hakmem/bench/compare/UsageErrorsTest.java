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
import java.util.ArrayList;
import java.util.List;

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
        assertUsageError(ToolRun.of("compare", "--quick", "--workloads", "mixed-ws400,burst-idle,mixed-ws400",
                        "--allocators", "hakmem", "--java", fakeJava().toString(), "--out", tmp.resolve("out").toString()),
                "--workloads 'mixed-ws400,burst-idle,mixed-ws400': workload 'mixed-ws400' named twice", "Usage:");
    }

    @Test
    void unknownEchoClientNamesTheValueAndTheAllowedOnes() {
        assertUsageError(ToolRun.of("compare", "--echo-client", "tcmalloc", "--out", tmp.toString()),
                "--echo-client 'tcmalloc': expected one of hakmem,", "Usage:");
    }

    @Test
    void echoCpusTheMachineDoesNotHaveAreAUsageError() {
        assertUsageError(ToolRun.of("compare", "--echo-cpus", "0:4096", "--out", tmp.toString()),
                "--echo-cpus '0:4096': CPU 4096 does not exist", "Usage:");
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
                    "--rounds '" + bad + "': expected an integer >= 1", "Usage:");
        }
    }

    @Test
    void driftThresholdsBelowZeroOrNotANumberAreRefused() throws IOException {
        // both used to pass: every run then "drifted" (-1 MiB), or none could (NaN)
        assertUsageError(quickRun("soak", "--drift-mib", "-1"), "--drift-mib '-1.0': expected a finite number >= 0");
        assertUsageError(quickRun("ab", "--drift-pct", "NaN"), "--drift-pct 'NaN': expected a finite number >= 0");
    }

    @Test
    void abThresholdsAreNamedOneByOneAndNaNIsRefused() throws IOException {
        // NaN passed (no ratio is below NaN); a bad one was reported with all four rules and no value
        assertUsageError(quickRun("ab", "--min-throughput", "NaN"), "--min-throughput 'NaN': expected a finite number > 0");
        assertUsageError(quickRun("ab", "--rss-fall", "Infinity"), "--rss-fall 'Infinity': expected a finite number > 0");
        assertUsageError(quickRun("ab", "--target-mb", "0"), "--target-mb '0': expected an integer >= 1", "Usage:");
    }

    @Test
    void runLengthsThatWouldOverflowAreRefused() throws IOException {
        // 9999999h passed the soak's checks; 10^17 drift seconds overflowed the child's duration_ms into a
        // negative number: every child failed (exit 1) instead of a usage error
        assertUsageError(quickRun("soak", "--duration", "9999999h"), "'9999999h' is too long; expected at most 604800s");
        assertUsageError(quickRun("soak", "--duration", "99999999999999999999"), "is too long");
        assertUsageError(quickRun("ab", "--drift-seconds", "99999999999999999"),
                "--drift-seconds '99999999999999999': expected an integer from 1 to 604800");
    }

    @Test
    void aSoakDurationOfPartSecondsIsRefused() throws IOException {
        // 1500ms ran for 1 s: the runs are planned in whole seconds
        assertUsageError(quickRun("soak", "--duration", "1500ms"), "--duration '1500ms': expected whole seconds, at least 1s");
    }

    @Test
    void aJavaThatCannotRunIsAUsageError() {
        // every child then failed to start, and the session exited 1 after "running"
        assertUsageError(ToolRun.of("compare", "--quick", "--workloads", "mixed-ws400", "--allocators", "hakmem",
                "--java", tmp.resolve("no-such-java").toString(), "--out", tmp.resolve("out").toString()),
                "--java '" + tmp.resolve("no-such-java") + "': expected an executable java binary");
    }

    @Test
    void aJvmArgThatIsNoFlagIsAUsageError() throws IOException {
        // the child JVM took it for its main class: every run failed, exit 1
        assertUsageError(quickRun("compare", "--jvm-arg", "Xmx1g"),
                "--jvm-arg 'Xmx1g': expected a JVM flag, starting with '-'");
    }

    @Test
    void anOutThatCannotBeAFolderIsAUsageError() throws IOException {
        // a file where the folder should go: a FileAlreadyExistsException stack trace, exit 1
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertUsageError(ToolRun.of("compare", "--quick", "--workloads", "mixed-ws400", "--allocators", "hakmem",
                "--java", fakeJava().toString(), "--out", file.toString()), "--out '" + file + "': expected a folder");
        // "" is the working directory: the report went wherever the tool was started
        assertUsageError(ToolRun.of("compare", "--quick", "--out", ""), "--out '': expected a folder");
    }

    @Test
    void anAllocatorsOptionGivenTwiceIsRefused() throws IOException {
        // the two lists used to be joined; every other single-valued option of the tool is refused when repeated
        assertUsageError(ToolRun.of("compare", "--quick", "--workloads", "mixed-ws400", "--allocators", "hakmem",
                "--allocators", "pooled", "--java", fakeJava().toString(), "--out", tmp.resolve("out").toString()),
                "--allocators' (NAME,...) should be specified only once");
    }

    /**
     * A quick session of {@code mode} with {@code extra}, one workload where the mode takes it, children
     * from a java that exits 3 at once: a tool that lets a bad value through ends fast, with exit 1.
     */
    private ToolRun quickRun(String mode, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of(mode, "--quick", "--java", fakeJava().toString(),
                "--out", tmp.resolve("out-" + mode).toString()));
        if (mode.equals("compare")) {
            args.addAll(List.of("--workloads", "mixed-ws400", "--allocators", "hakmem"));
        }
        args.addAll(List.of(extra));
        return ToolRun.of(args.toArray(new String[0]));
    }

    private Path fakeJava() throws IOException {
        return StandInJava.write(tmp, "fake-java-exit-3", "exit 3\n");
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
        Path fakeJava = StandInJava.write(tmp, "fake-java", "echo 'boom from the child' >&2\nexit 3\n");
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

    /**
     * An echo client that stops because the server closed its connections (EchoLoadClient's one line,
     * exit 1) makes a failed run, never a figure: the row counts it as failed with no msgs/s, the
     * report quotes the line, and the failure's first line (the CSV's failure column, the A/B verdict's
     * reason) says why, not only that the client "exited with 1 before printing a 'MEASURING' line".
     */
    @Test
    void anEchoClientWhoseServerClosedItsConnectionsIsAFailedRun() throws IOException {
        String closed = "error: the server closed 64 of 64 connections in the warmup, the first 0.4 s into it;"
                + " no figures for this run";
        // A stand-in java: the echo server prints its start lines and waits; the client prints the line and fails.
        Path fakeJava = StandInJava.write(tmp, "fake-java-echo", "case \"$*\" in\n"
                + "  *EchoBenchServer*) echo 'TRANSPORT nio ALLOCATOR hakmem'; echo 'PORT 9'; exec cat >/dev/null ;;\n"
                + "  *EchoLoadClient*) echo '" + closed + "' >&2; exit 1 ;;\n"
                + "esac\n");
        Path out = tmp.resolve("out");

        ToolRun run = ToolRun.of("compare", "--quick", "--workloads", "echo", "--allocators", "hakmem",
                "--rounds", "1", "--java", fakeJava.toString(), "--out", out.toString());

        assertEquals(1, run.exit(), run::transcript);
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("| hakmem | 0 (1 failed) | n/a |"), report);
        assertTrue(report.contains("## Failed runs (1)") && report.contains(closed), report);
        String csv = Files.readString(out.resolve("runs.csv"));
        assertTrue(csv.contains(",failed,") && csv.contains("the server closed 64 of 64 connections"), csv);
    }
}
