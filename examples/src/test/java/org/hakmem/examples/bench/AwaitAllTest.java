/*
 * AwaitAllTest: BenchSupport.awaitAll, with which EchoLoadClient waits for its channels to close at
 * the end of a run. Stuck futures stand in for channels whose close cannot complete: each wait on one
 * moves a fake clock on by the whole time it was given, as a real wait on a stuck close would take.
 */
package org.hakmem.examples.bench;

import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class AwaitAllTest {
    /** The fake clock, in nanoseconds. */
    private long now = 1_000_000_000L;
    private final List<Long> waits = new ArrayList<>();

    /** A close that never completes: a wait on it uses up all the time it is given. */
    private final class Stuck extends DefaultPromise<Void> {
        Stuck() {
            super(GlobalEventExecutor.INSTANCE);
        }

        @Override
        public boolean awaitUninterruptibly(long timeout, TimeUnit unit) {
            if (isDone()) {
                return true; // as DefaultPromise: no wait at all
            }
            long nanos = Math.max(0, unit.toNanos(timeout));
            waits.add(nanos);
            now += nanos;
            return isDone();
        }
    }

    /**
     * Every future shares one deadline: however many closes are stuck, the wait ends when the timeout
     * has passed once. Waiting for each in turn with the whole timeout took 2 s per stuck channel.
     */
    @Test
    void stuckClosesShareOneDeadline() {
        List<Future<?>> closes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            closes.add(new Stuck());
        }
        long start = now;
        int notDone = BenchSupport.awaitAll(closes, 2, TimeUnit.SECONDS, () -> now);
        assertThat(notDone).isEqualTo(5);
        assertThat(waits).as("every close is looked at").hasSize(5);
        assertThat(now - start).as("time waited in all, ns; waits %s", waits).isEqualTo(TimeUnit.SECONDS.toNanos(2));
    }

    /** Closes that are done count as done and cost no wait, before and after a stuck one. */
    @Test
    void doneClosesAreNotCounted() {
        Stuck done = new Stuck();
        done.setSuccess(null);
        Stuck alsoDone = new Stuck();
        alsoDone.setSuccess(null);
        long start = now;
        int notDone = BenchSupport.awaitAll(List.of(done, new Stuck(), alsoDone), 2, TimeUnit.SECONDS, () -> now);
        assertThat(notDone).isEqualTo(1);
        assertThat(now - start).isEqualTo(TimeUnit.SECONDS.toNanos(2));
    }
}
