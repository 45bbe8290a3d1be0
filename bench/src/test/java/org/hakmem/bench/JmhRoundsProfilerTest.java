/*
 * JmhRoundsProfilerTest: JmhRounds scores runs that carry no profiler, and measures allocation per op in
 * a run of its own with JMH's GC profiler. The profiler is not free: on JDK 17 it slowed netty-hakmem and
 * Adaptive by about a quarter on mixed-ws400 and left Pooled as it was (docs/BENCHMARKS.md, session 21),
 * so a scored run with it would move the ratios the targets are judged on.
 */
package org.hakmem.bench;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.runner.options.Options;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JmhRoundsProfilerTest {
    private static final JmhRounds.Workload MIXED = new JmhRounds.Workload("mixed-ws400 (event loop)",
            "MixedWs400Benchmark", Map.of("maxSize", "1024", "thread", "eventloop"));

    @Test
    void aScoredRunHasNoProfiler() {
        Options scored = JmhRounds.options(MIXED, "hakmem", false, "java").build();
        assertTrue(scored.getProfilers().isEmpty(), () -> "profilers of a scored run: " + scored.getProfilers());
    }

    @Test
    void theAllocationRunHasTheGcProfilerAndTheScoredRunsSettings() {
        Options scored = JmhRounds.options(MIXED, "hakmem", false, "java").build();
        Options garbage = JmhRounds.garbageOptions(MIXED, "hakmem", false, "java").build();
        assertEquals(1, garbage.getProfilers().size(), () -> "profilers: " + garbage.getProfilers());
        assertEquals(GCProfiler.class.getCanonicalName(), garbage.getProfilers().get(0).getKlass());
        assertEquals(scored.getWarmupIterations().get(), garbage.getWarmupIterations().get());
        assertEquals(scored.getMeasurementIterations().get(), garbage.getMeasurementIterations().get());
        assertEquals(scored.getMeasurementTime().get(), garbage.getMeasurementTime().get());
        assertEquals(scored.getParameter("allocator").get().toString(), garbage.getParameter("allocator").get().toString());
        assertEquals(scored.getParameter("thread").get().toString(), garbage.getParameter("thread").get().toString());
    }
}
