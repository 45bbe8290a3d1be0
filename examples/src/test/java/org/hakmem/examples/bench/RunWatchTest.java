/*
 * RunWatchTest: what EchoLoadClient learns from RunWatch when the server closes connections, one
 * fails or one stalls: the wait between phases ends at once, and the report counts the closes (names
 * the phase of the first and the resets among them) or the stalled connections (names the phase, the
 * longest wait and the bound).
 */
package org.hakmem.examples.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS) // a bound on hanging: every wait here should end at once
class RunWatchTest {
    /** The stall bound of these watches, in seconds. */
    private static final int STALL_S = 5;
    private static final long STALL_NS = TimeUnit.SECONDS.toNanos(STALL_S);

    @Test
    void aWholeRunHasNoReport() throws Exception {
        RunWatch watch = new RunWatch(2, STALL_S);
        watch.enter(RunWatch.Phase.WARMUP);
        assertThat(watch.runFor(0)).as("the run is whole").isTrue();
        watch.settle(600_000, () -> { }); // nothing closed or stalled: nothing to wait for
        assertThat(watch.report()).isNull();
        assertThat(watch.failure()).isNull();
    }

    @Test
    void closesAreCountedInThePhaseOfTheFirst() throws Exception {
        RunWatch watch = new RunWatch(3, STALL_S);
        watch.enter(RunWatch.Phase.WARMUP);
        watch.serverClosed(false);
        watch.enter(RunWatch.Phase.MEASURED);
        watch.serverClosed(true);
        assertThat(watch.runFor(600_000)).as("a close ends the wait").isFalse();
        assertThat(watch.report()).startsWith("the server closed 2 of 3 connections in the warmup, the first ")
                .endsWith(" s into it (1 with a reset); no figures for this run");
    }

    @Test
    void settleWaitsNoLongerOnceEveryConnectionIsClosed() throws Exception {
        RunWatch watch = new RunWatch(2, STALL_S);
        watch.enter(RunWatch.Phase.MEASURED);
        watch.serverClosed(false);
        Thread other = new Thread(() -> watch.serverClosed(false));
        other.start();
        watch.settle(600_000, () -> { });
        other.join();
        assertThat(watch.report()).startsWith("the server closed 2 of 2 connections in the measured phase");
    }

    @Test
    void aFailureEndsTheWaitAndKeepsTheFirstCause() throws Exception {
        RunWatch watch = new RunWatch(2, STALL_S);
        IllegalStateException first = new IllegalStateException("echoed bytes differ");
        watch.failed(first);
        watch.failed(new IllegalStateException("later"));
        assertThat(watch.runFor(600_000)).isFalse();
        assertThat(watch.failure()).isSameAs(first);
        assertThat(watch.report()).isNull();
    }

    @Test
    void aCloseBeforeTheLoadStartedSaysSo() {
        assertThat(RunWatch.closeLine(1, 1, 0, RunWatch.Phase.CONNECTING, 5_000_000))
                .isEqualTo("the server closed 1 of 1 connection before the load started; no figures for this run");
        assertThat(RunWatch.closeLine(64, 64, 0, RunWatch.Phase.WARMUP, 400_000_000))
                .isEqualTo("the server closed 64 of 64 connections in the warmup, the first 0.4 s into it;"
                        + " no figures for this run");
    }

    /**
     * The wait runs the tick while it waits (the client checks its connections there), and a tick that
     * finds a connection waiting past the bound ends the wait; waits under the bound do not.
     */
    @Test
    void aTickThatFindsAStallEndsTheWait() throws Exception {
        RunWatch watch = new RunWatch(3, STALL_S);
        watch.enter(RunWatch.Phase.WARMUP);
        int[] ticks = {0};
        assertThat(watch.runFor(1200, () -> {
            ticks[0]++;
            watch.waited(0, STALL_NS); // at the bound, not past it
        })).as("no stall").isTrue();
        assertThat(ticks[0]).as("ticks in 1.2 s").isPositive();
        assertThat(watch.report()).isNull();
        assertThat(watch.runFor(600_000, () -> watch.waited(2, STALL_NS + 1))).as("a stall ends the wait").isFalse();
    }

    /**
     * Every connection past the bound counts, also one that answers again later (its stall ended the
     * run, whose report must say why), the longest wait is named, and the phase is that of the first stall.
     */
    @Test
    void stallsAreCountedWithTheLongestWait() throws Exception {
        RunWatch watch = new RunWatch(3, STALL_S);
        watch.enter(RunWatch.Phase.WARMUP);
        watch.waited(0, STALL_NS + 1);
        watch.enter(RunWatch.Phase.MEASURED);
        watch.waited(1, TimeUnit.MILLISECONDS.toNanos(7_260));
        watch.waited(1, 0); // it answers again
        watch.waited(2, TimeUnit.MILLISECONDS.toNanos(40)); // a healthy connection
        assertThat(watch.runFor(600_000)).isFalse();
        assertThat(watch.report()).isEqualTo("2 of 3 connections stalled in the warmup, the longest waiting 7.3 s"
                + " for an echo (bound 5 s, stall_s); no figures for this run");
    }

    /** Closes are reported over stalls: a close is certain, and a server that closes may have stalled first. */
    @Test
    void closesAreReportedOverStalls() throws Exception {
        RunWatch watch = new RunWatch(2, STALL_S);
        watch.enter(RunWatch.Phase.MEASURED);
        watch.waited(0, STALL_NS + 1);
        watch.serverClosed(false);
        assertThat(watch.report()).startsWith("the server closed 1 of 2 connections in the measured phase");
    }

    /** After a stall, settle keeps ticking for its time, so that connections that stalled a moment later count too. */
    @Test
    void settleAfterAStallKeepsTicking() throws Exception {
        RunWatch watch = new RunWatch(2, STALL_S);
        watch.enter(RunWatch.Phase.MEASURED);
        watch.waited(0, STALL_NS + 1);
        watch.settle(1200, () -> watch.waited(1, STALL_NS + 2));
        assertThat(watch.report()).startsWith("2 of 2 connections stalled in the measured phase");
    }
}
