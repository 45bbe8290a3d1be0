/*
 * AbJudgeTest: the A/B verdict table on made-up runs. With one round (ab --rounds 1, or rounds lost to
 * failures) no CV exists: the "worst CV" column says n/a, as every other table of the tool does, rather
 * than 0.0%, which reads as perfectly steady. A variant is not judged NO-GO for "RSS does not fall"
 * when there is nothing to compare its RSS with (FAST's burst-idle run failed).
 */
package org.hakmem.bench.compare;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AbJudgeTest {
    private static final AbCriteria CRITERIA = new AbCriteria(10, 0.9, 0.001, 0.5, 2, 0.05);

    @Test
    void oneRoundHasNoWorstCv() {
        List<RunRecord> records = oneRound(burstIdle("hakmem", 128));
        String table = AbJudge.markdown(AbJudge.judge(records, List.of("hakmem", "hakmem-lean-free"), CRITERIA),
                CRITERIA);
        assertTrue(table.contains("| hakmem-lean-free | **GO** | 1.00x | n/a |"), table);
    }

    @Test
    void aFailedFastBurstIdleIsNoReasonToSayThatLeansRssDoesNotFall() {
        List<RunRecord> records = oneRound(RunRecord.failed(1, "burst-idle", "hakmem", 60, "exited with 134"));
        AbJudge.Verdict lean = AbJudge.judge(records, List.of("hakmem", "hakmem-lean-free"), CRITERIA).get(1);
        assertEquals("NEUTRAL", lean.verdict(), lean.reasons().toString());
        assertTrue(lean.reasons().stream().noneMatch(r -> r.contains("RSS does not fall") || r.startsWith("RSS falls")),
                lean.reasons().toString());
        assertTrue(lean.reasons().stream().anyMatch(r -> r.contains("no burst-idle figure")), lean.reasons().toString());
    }

    /**
     * One round of FAST and LEAN+FREE, alike (30 M and 15 M ops/s, 2 MiB resident, no drift) but for
     * burst-idle: LEAN retains 2 MiB, FAST's run is fastBurstIdle.
     */
    private static List<RunRecord> oneRound(RunRecord fastBurstIdle) {
        List<RunRecord> records = new ArrayList<>(List.of(fastBurstIdle, burstIdle("hakmem-lean-free", 2)));
        for (String a : List.of("hakmem", "hakmem-lean-free")) {
            records.add(throughput("mixed-ws400", a, 30e6));
            records.add(throughput("mixed-ws400-32k", a, 15e6));
            records.add(drift(a));
        }
        return records;
    }

    private static RunRecord throughput(String workload, String allocator, double opsPerS) {
        return new RunRecord(1, workload, allocator, 1, Map.of("ops_per_s", String.valueOf(opsPerS),
                "resident_peak", String.valueOf(2L << 20), "syscalls_per_op", "0"), List.of(), List.of(), null);
    }

    private static RunRecord burstIdle(String allocator, long retainedMiB) {
        return new RunRecord(1, "burst-idle", allocator, 4, Map.of("rss_before_kib", "300000",
                "rss_end_kib", String.valueOf(300000 + retainedMiB * 1024)), List.of(), List.of(), null);
    }

    private static RunRecord drift(String allocator) {
        List<Map<String, String>> epochs = new ArrayList<>();
        for (int e = 1; e <= 4; e++) {
            epochs.add(Map.of("epoch", String.valueOf(e), "ops_per_s", "30000000", "rss_kib", "300000",
                    "resident", String.valueOf(2L << 20)));
        }
        return new RunRecord(1, AbJudge.DRIFT, allocator, 3, Map.of("syscalls_per_op", "0"), List.of(), epochs, null);
    }
}
