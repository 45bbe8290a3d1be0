/*
 * JmhRoundsScoreLineTest: a run's line gives the score and each measured iteration's score, warm-up
 * left out, so that a run a slow stretch of the machine caught can be told from a steady one.
 */
package org.hakmem.bench;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JmhRoundsScoreLineTest {

    @Test
    void theLineGivesTheScoreAndEveryMeasuredIteration() throws Exception {
        JmhRounds.Workload w = new JmhRounds.Workload("steady", FailingRunBenchmark.class.getName() + ".step",
                Map.of("fail", "never"));
        String jvm = System.getProperty("java.home") + "/bin/java";
        RunResult result = JmhRounds.runOnce(JmhRounds.options(w, "any", true, jvm)
                .warmupIterations(2).warmupTime(TimeValue.milliseconds(100))
                .measurementIterations(3).measurementTime(TimeValue.milliseconds(100))
                .build());

        double[] iterations = JmhRounds.iterationScores(result);
        assertEquals(3, iterations.length, () -> "measured iterations only: " + Arrays.toString(iterations));
        assertTrue(Arrays.stream(iterations).allMatch(s -> s > 0), () -> Arrays.toString(iterations));
        double score = result.getPrimaryResult().getScore();
        assertEquals(Arrays.stream(iterations).average().orElseThrow(), score, score * 1e-9,
                "JMH's score is the mean of the iterations the line lists");

        String line = JmhRounds.scoreLine(result);
        String expected = String.format(Locale.ROOT, "   %.2f ops/us (iterations: %.2f %.2f %.2f)", score,
                iterations[0], iterations[1], iterations[2]);
        assertEquals(expected, line);
    }
}
