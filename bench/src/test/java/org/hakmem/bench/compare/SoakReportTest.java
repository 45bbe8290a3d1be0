/*
 * SoakReportTest: the soak tables on made-up runs, where the right figures are known: the per-run
 * table keeps its one-round form, and "Across rounds" takes the ratio within each round, not of the
 * medians across rounds (which would mix runs the machine made at different speeds).
 */
package org.hakmem.bench.compare;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoakReportTest {

    @Test
    void oneRoundKeepsTheTableWithoutARoundColumn() {
        String table = SoakReport.table(List.of(run(1, "hakmem", 10e6), run(1, "pooled", 8e6)), "soak", 2, 0.05);
        assertTrue(table.startsWith("| allocator | epochs | ops/s median |"), table);
        assertFalse(table.contains("One row per run"), table);
    }

    @Test
    void severalRoundsGetOneRowPerRunGroupedByAllocator() {
        List<RunRecord> records = List.of(run(1, "hakmem", 10e6), run(1, "pooled", 8e6), run(2, "hakmem", 12e6),
                run(2, "pooled", 9e6));
        String table = SoakReport.table(records, "soak", 2, 0.05);
        assertTrue(table.startsWith("| allocator | round | epochs |"), table);
        int h1 = table.indexOf("| hakmem | 1 |");
        int h2 = table.indexOf("| hakmem | 2 |");
        int p1 = table.indexOf("| pooled | 1 |");
        assertTrue(h1 > 0 && h1 < h2 && h2 < p1, table);
        assertTrue(table.contains("drift is never judged across processes"), table);
    }

    @Test
    void acrossRoundsTakesTheMedianOfThePerRoundRatios() {
        // the machine slows down by half between rounds; pooled is 0.80x of hakmem in round 1, 0.60x in
        // round 2, 0.70x in round 3: the median per-round ratio is 0.70x with [0.60x, 0.80x]
        List<RunRecord> records = new ArrayList<>(List.of(run(1, "hakmem", 20e6), run(1, "pooled", 16e6),
                run(2, "hakmem", 10e6), run(2, "pooled", 6e6), run(3, "hakmem", 10e6), run(3, "pooled", 7e6)));
        String table = SoakReport.acrossRounds(records, "soak", List.of("hakmem", "pooled"));
        assertTrue(table.contains("| hakmem | 20.00 M | 10.00 M | 10.00 M | 10.00 M | 10.00 M | 20.00 M | "), table);
        assertTrue(table.contains("| baseline |"), table);
        assertTrue(table.contains("| pooled | 16.00 M | 6.00 M | 7.00 M | 7.00 M | 6.00 M | 16.00 M | "), table);
        assertTrue(table.contains("| 0.70x [0.60x, 0.80x] |"), table);
    }

    @Test
    void aFailedRunIsShownAndLeftOutOfTheFigures() {
        List<RunRecord> records = List.of(run(1, "hakmem", 10e6), run(1, "pooled", 5e6),
                run(2, "hakmem", 10e6), RunRecord.failed(2, "soak", "pooled", 1, "boom"));
        String table = SoakReport.acrossRounds(records, "soak", List.of("hakmem", "pooled"));
        assertTrue(table.contains("| pooled | 5.00 M | FAILED | 5.00 M | 5.00 M | 5.00 M | n/a | 0.50x [0.50x, 0.50x] |"),
                table);
    }

    @Test
    void theLazilyFreedShareOfADriftIsShownAndTheJudgementStaysOnResidentBytes() {
        // LEAN+FREE over 30 minutes of mixed-ws400-32k (session 19): resident 9.9 -> 12.5 MiB, of which the
        // pages given back with MADV_FREE that the kernel had not taken yet 4.3 -> 6.4 MiB
        List<Map<String, String>> epochs = new ArrayList<>();
        for (int e = 1; e <= 8; e++) {
            long lazyKib = e <= 2 ? 3 * 1024 : e >= 7 ? 6 * 1024 : 4 * 1024;
            long resident = (e <= 2 ? 10L : e >= 7 ? 13L : 11L) << 20;
            epochs.add(Map.of("epoch", String.valueOf(e), "t_ms", String.valueOf(e * 1000), "ops_per_s", "1e7",
                    "rss_kib", "300000", "lazyfree_kib", String.valueOf(lazyKib), "resident", String.valueOf(resident)));
        }
        RunRecord lean = new RunRecord(1, "soak", "hakmem-lean-free", 5, Map.of("ops_per_s", "1e7"), List.of(),
                epochs, null);
        String table = SoakReport.table(List.of(lean), "soak", 2, 0.05);
        assertTrue(table.contains("| last quarter MiB | of which LazyFree MiB | drift |"), table);
        assertTrue(table.contains("| 10.0 | 13.0 | 3.0 -> 6.0 | 3.00 (30.0%) | **yes** |"), table);
        assertTrue(table.contains("kernel has not taken yet"), table);
        String withoutColumn = SoakReport.table(List.of(run(1, "pooled", 8e6)), "soak", 2, 0.05);
        assertTrue(withoutColumn.contains("| 10.0 | 10.0 | n/a -> n/a | 0.00 (0.0%) | no |"), withoutColumn);
    }

    /** A successful soak run whose epochs run at opsPerS, with a flat resident of 10 MiB. */
    private static RunRecord run(int round, String allocator, double opsPerS) {
        List<Map<String, String>> epochs = new ArrayList<>();
        for (int e = 1; e <= 4; e++) {
            epochs.add(Map.of("epoch", String.valueOf(e), "t_ms", String.valueOf(e * 1000),
                    "ops_per_s", String.valueOf(opsPerS), "rss_kib", "300000", "resident", String.valueOf(10L << 20)));
        }
        return new RunRecord(round, "soak", allocator, 5, Map.of("ops_per_s", String.valueOf(opsPerS)), List.of(),
                epochs, null);
    }
}
