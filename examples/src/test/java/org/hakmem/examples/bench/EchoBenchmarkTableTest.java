/*
 * EchoBenchmarkTableTest: the summary table of the echo benchmark on made-up runs. A single run per
 * allocator (--rounds 1) has no CV: the table says n/a rather than 0.0%, which read as perfectly steady
 * in the recorded footprint-idle-pool tables. A server whose kernel refused the VmHWM reset reports a
 * measured-phase peak of -1 ("not available"): the table and the line after each run say n/a, not -0.0 MiB.
 */
package org.hakmem.examples.bench;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EchoBenchmarkTableTest {

    @Test
    void oneRunHasNoCvAndThreeRunsHaveTheSampleCv() {
        Map<String, List<EchoRun.Result>> results = new LinkedHashMap<>();
        results.put("hakmem", List.of(run(494551)));
        results.put("pooled", List.of(run(90_000), run(100_000), run(110_000)));
        String table = EchoBenchmark.table(results, List.of("-Xmx256m"));
        assertThat(table).contains("| hakmem | 1 | 494551 | 494551 | 494551 | n/a |");
        assertThat(table).contains("| pooled | 3 | 100000 | 90000 | 110000 | 10.0% |");
    }

    @Test
    void aMeasuredPhasePeakTheServerCouldNotTakeIsNotAvailable() {
        Map<String, List<EchoRun.Result>> results = new LinkedHashMap<>();
        results.put("pooled", List.of(run(100_000, -1), run(100_000, -1)));
        results.put("hakmem", List.of(run(110_000, 327_680), run(110_000, -1)));
        String table = EchoBenchmark.table(results, List.of("-Xmx256m"));
        assertThat(table).contains("| 322.3 | n/a | 1.000 |").contains("| 322.3 | 320.0 | 1.100 |");
    }

    @Test
    void aRoundLineSaysNotAvailableForAMeasuredPhasePeakTheServerCouldNotTake() {
        // the line after each run printed "measured-phase peak=-0.0MiB" while the table said n/a
        assertThat(EchoBenchmark.roundLine(2, 3, "pooled", run(100_000, -1)))
                .isEqualTo("round 2/3 pooled   msgs/s=100000 p50=100.0us p99=1000.0us p99.9=2000.0us"
                        + " server VmHWM=322.3MiB measured-phase peak=n/a");
        assertThat(EchoBenchmark.roundLine(1, 3, "hakmem", run(110_000, 327_680)))
                .endsWith(" server VmHWM=322.3MiB measured-phase peak=320.0MiB");
    }

    private static EchoRun.Result run(double msgsPerS) {
        return run(msgsPerS, 320_000);
    }

    private static EchoRun.Result run(double msgsPerS, long phaseHwmKib) {
        return new EchoRun.Result(msgsPerS, 100, 1000, 2000, 330_000, phaseHwmKib, 320_000, -1, -1, -1, -1,
                "epoll");
    }
}
