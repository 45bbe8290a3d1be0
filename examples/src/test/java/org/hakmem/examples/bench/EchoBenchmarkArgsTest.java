package org.hakmem.examples.bench;

import org.hakmem.examples.MainRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * EchoBenchmark's usage errors name the problem and exit 2 before any JVM is started: an unknown
 * option says so wherever it stands (as the last argument it used to be reported as an option
 * missing its value), a known option without its value says that, a bad value is named with its
 * option and what is allowed, and --help exits 0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoBenchmarkArgsTest {

    @Test
    void anUnknownOptionIsReportedAsUnknownWhereverItStands() throws Exception {
        assertThat(run("--bogus")).startsWith("2\n").contains("error: unknown option '--bogus'").contains("usage:");
        assertThat(run("--bogus", "1")).startsWith("2\n").contains("error: unknown option '--bogus'");
        assertThat(run("--rounds", "1", "--bogus")).startsWith("2\n").contains("error: unknown option '--bogus'");
    }

    @Test
    void aKnownOptionWithoutItsValueSaysSo() throws Exception {
        assertThat(run("--rounds")).startsWith("2\n").contains("error: missing value for --rounds");
    }

    @Test
    void helpExitsZero() throws Exception {
        assertThat(run("--help")).startsWith("0\n").contains("usage: EchoBenchmark");
    }

    @Test
    void anEmptyAllocatorListIsRefused() throws Exception {
        // "--allocators ," split into no names; the launcher ran no allocator and printed an empty table (exit 0)
        assertThat(run("--allocators", ",")).startsWith("2\n").contains("error: --allocators ',': no allocator named");
    }

    @Test
    void aBadNumberIsNamedWithItsOptionAndTheAllowedRange() throws Exception {
        // used to be one message for all six options, naming neither the option nor the value
        assertThat(run("--size", "0")).startsWith("2\n").contains("error: --size '0': expected an integer from 1 to 16777216");
        assertThat(run("--warmup", "-1")).startsWith("2\n").contains("error: --warmup '-1': expected an integer from 0 to 604800");
    }

    @Test
    void aMessageSizeOrInflightTheClientCannotHoldIsRefused() {
        // both passed, and every client JVM then failed (NegativeArraySizeException, OutOfMemoryError)
        assertThatThrownBy(() -> EchoBenchmark.parse("--size", "2147483647"))
                .hasMessage("--size '2147483647': expected an integer from 1 to 16777216");
        assertThatThrownBy(() -> EchoBenchmark.parse("--inflight", "65537"))
                .hasMessage("--inflight '65537': expected an integer from 1 to 65536");
        assertThat(EchoBenchmark.parse("--size", "16777216", "--inflight", "65536").size()).isEqualTo(16 << 20);
    }

    @Test
    void aDurationThatWouldOverflowTheClientsWatchdogIsRefused() throws Exception {
        // 2147483647 passed, and the client's watchdog deadline (warmup + duration + 20 s in int) went negative.
        // The bad --cpus (checked last) stops a launcher that lets the duration pass before it starts any JVM.
        assertThat(run("--duration", "2147483647", "--cpus", "0:99999")).startsWith("2\n")
                .contains("error: --duration '2147483647': expected an integer from 1 to 604800");
    }

    @Test
    void anOptionGivenTwiceIsRefused() throws Exception {
        // the last one used to win silently (the bad --cpus stops a launcher that accepts the repetition)
        assertThat(run("--rounds", "1", "--rounds", "2", "--cpus", "0:99999")).startsWith("2\n")
                .contains("error: --rounds given twice ('1' and '2'); allowed: once");
    }

    /** The exit code, a newline, then the child's merged output. */
    private static String run(String... args) throws Exception {
        MainRun run = MainRun.of(EchoBenchmark.class, args);
        return run.exit() + "\n" + run.output();
    }
}
