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

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;

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
        assertThrows(RunnerException.class, () -> {
            var result = JmhRounds.runOnce(options);
            System.out.println("score of the failed run: " + result.getPrimaryResult().getScore() + " from "
                    + result.getPrimaryResult().getStatistics().getN() + " of 3 measured iterations");
        });
    }
}
