/*
 * JmhRoundsFailureTest: a JmhRounds run whose fork fails after some measured iterations gives no
 * score. JMH's default keeps the iterations done before the exception and returns a result built on
 * them; JmhRounds, silent, printed that as the run's score and went on to the next run.
 */
package org.hakmem.bench;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JmhRoundsFailureTest {

    @ParameterizedTest
    @ValueSource(strings = {"iteration", "teardown"})
    void aRunThatFailsGivesNoScore(String fail) {
        JmhRounds.Workload w = new JmhRounds.Workload("failing", FailingRunBenchmark.class.getName() + ".step",
                Map.of("fail", fail));
        String jvm = System.getProperty("java.home") + "/bin/java";
        var options = JmhRounds.options(w, "any", true, jvm)
                .warmupIterations(1).warmupTime(TimeValue.milliseconds(100))
                .measurementIterations(3).measurementTime(TimeValue.milliseconds(100))
                .build();
        RunnerException e = assertThrows(RunnerException.class, () -> {
            var result = JmhRounds.runOnce(options);
            System.out.println("score of the failed run: " + result.getPrimaryResult().getScore() + " from "
                    + result.getPrimaryResult().getStatistics().getN() + " of 3 measured iterations");
        });
        // the benchmark's own failure, not a fork that could not start
        String expected = fail.equals("teardown") ? "trial teardown failed"
                : "benchmark failed in its second measured iteration";
        assertTrue(mentions(e, expected), () -> "no '" + expected + "' in " + e);
    }

    /** True if t, its causes or their suppressed exceptions carry this message. */
    private static boolean mentions(Throwable t, String message) {
        if (t == null) {
            return false;
        }
        if (message.equals(t.getMessage()) || mentions(t.getCause(), message)) {
            return true;
        }
        return Arrays.stream(t.getSuppressed()).anyMatch(s -> mentions(s, message));
    }
}
