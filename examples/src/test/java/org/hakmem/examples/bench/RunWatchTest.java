/*
 * RunWatchTest: what EchoLoadClient learns from RunWatch when the server closes connections or one
 * fails: the wait between phases ends at once, and the report counts the closes, names the phase of
 * the first and the resets among them.
 */
package org.hakmem.examples.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS) // a bound on hanging: every wait here should end at once
class RunWatchTest {

    @Test
    void aWholeRunHasNoReport() throws Exception {
        RunWatch watch = new RunWatch(2);
        watch.enter(RunWatch.Phase.WARMUP);
        assertThat(watch.runFor(0)).as("the run is whole").isTrue();
        watch.settle(600_000); // nothing closed: nothing to wait for
        assertThat(watch.closeReport()).isNull();
        assertThat(watch.failure()).isNull();
    }

    @Test
    void closesAreCountedInThePhaseOfTheFirst() throws Exception {
        RunWatch watch = new RunWatch(3);
        watch.enter(RunWatch.Phase.WARMUP);
        watch.serverClosed(false);
        watch.enter(RunWatch.Phase.MEASURED);
        watch.serverClosed(true);
        assertThat(watch.runFor(600_000)).as("a close ends the wait").isFalse();
        assertThat(watch.closeReport()).startsWith("the server closed 2 of 3 connections in the warmup, the first ")
                .endsWith(" s into it (1 with a reset); no figures for this run");
    }

    @Test
    void settleWaitsNoLongerOnceEveryConnectionIsClosed() throws Exception {
        RunWatch watch = new RunWatch(2);
        watch.enter(RunWatch.Phase.MEASURED);
        watch.serverClosed(false);
        Thread other = new Thread(() -> watch.serverClosed(false));
        other.start();
        watch.settle(600_000);
        other.join();
        assertThat(watch.closeReport()).startsWith("the server closed 2 of 2 connections in the measured phase");
    }

    @Test
    void aFailureEndsTheWaitAndKeepsTheFirstCause() throws Exception {
        RunWatch watch = new RunWatch(2);
        IllegalStateException first = new IllegalStateException("echoed bytes differ");
        watch.failed(first);
        watch.failed(new IllegalStateException("later"));
        assertThat(watch.runFor(600_000)).isFalse();
        assertThat(watch.failure()).isSameAs(first);
        assertThat(watch.closeReport()).isNull();
    }

    @Test
    void aCloseBeforeTheLoadStartedSaysSo() {
        assertThat(RunWatch.closeLine(1, 1, 0, RunWatch.Phase.CONNECTING, 5_000_000))
                .isEqualTo("the server closed 1 of 1 connection before the load started; no figures for this run");
        assertThat(RunWatch.closeLine(64, 64, 0, RunWatch.Phase.WARMUP, 400_000_000))
                .isEqualTo("the server closed 64 of 64 connections in the warmup, the first 0.4 s into it;"
                        + " no figures for this run");
    }
}
