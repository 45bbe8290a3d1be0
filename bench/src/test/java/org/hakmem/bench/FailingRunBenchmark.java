/*
 * FailingRunBenchmark: a JMH benchmark for JmhRoundsFailureTest that fails after its first measured
 * iteration, in the benchmark method ("iteration") or in its trial teardown ("teardown", which JMH runs
 * inside the last iteration); with any other value of "fail" it does not fail (JmhRoundsScoreLineTest).
 * It does no allocator work; "allocator" is there because JmhRounds sets it.
 */
package org.hakmem.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

@State(Scope.Thread)
@Fork(1)
public class FailingRunBenchmark {
    @Param({"any"})
    public String allocator;

    @Param({"iteration", "teardown"})
    public String fail;

    private int iterations;
    private long counter;

    @Setup(Level.Iteration)
    public void countIterations() {
        iterations++;
    }

    @Benchmark
    public long step() {
        // warm-up is iteration 1, the first measured one 2: the second measured one fails
        if (fail.equals("iteration") && iterations == 3) {
            throw new IllegalStateException("benchmark failed in its second measured iteration");
        }
        return ++counter;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (fail.equals("teardown")) {
            throw new IllegalStateException("trial teardown failed");
        }
    }
}
