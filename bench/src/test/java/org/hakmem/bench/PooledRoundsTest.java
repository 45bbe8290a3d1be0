/*
 * PooledRoundsTest: PooledRounds takes the rounds of the named workload only, from the "## " sections
 * whose heading matches (or a file without headings, whole), and reports their median and the ratio
 * to the faster peer as JmhRounds computes it.
 */
package org.hakmem.bench;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PooledRoundsTest {
    private static final String FILE = String.join("\n",
            "# raw output",
            "## The twelve cells, JDK 17.0.15, 3 rounds",
            "-- mixed-ws400 (event loop), round 1/2, hakmem",
            "   50.00 ops/us (iterations: 49.00 50.00 51.00)",
            "-- mixed-ws400 (event loop), round 1/2, adaptive",
            "   30.00 ops/us",
            "-- mixed-ws400 (plain thread), round 1/2, hakmem",
            "   99.00 ops/us",
            "-- mixed-ws400 (event loop), allocation per op (GC profiler, not scored), hakmem",
            "   0.0 B/op",
            "-- mixed-ws400 (event loop), round 2/2, hakmem",
            "   40.00 ops/us",
            "-- mixed-ws400 (event loop), round 2/2, pooled",
            "   10.00 ops/us",
            "-- mixed-ws400 (event loop), round 2/2, adaptive",
            "   34.00 ops/us",
            "## The twelve cells, JDK 25.0.3, 3 rounds",
            "-- mixed-ws400 (event loop), round 1/1, hakmem",
            "   70.00 ops/us",
            "");

    @Test
    void takesTheNamedWorkloadFromTheMatchingSectionsOnly() {
        Map<String, List<Double>> pooled = new LinkedHashMap<>();
        for (String part : PooledRounds.sections(FILE, "JDK 17")) {
            PooledRounds.addScores(part, "mixed-ws400 (event loop)", pooled);
        }
        assertEquals(List.of(50.0, 40.0), pooled.get("hakmem"));
        assertEquals(List.of(30.0, 34.0), pooled.get("adaptive"));
        assertEquals(List.of(10.0), pooled.get("pooled"));

        List<String> report = PooledRounds.report(pooled);
        assertEquals("hakmem                   2 rounds  median   45.00  [40.00, 50.00]  CV 15.7%", report.get(0));
        assertEquals("hakmem / faster peer: 1.41x", report.get(report.size() - 1)); // 45 / Adaptive's 32
    }

    @Test
    void aFileWithoutHeadingsIsKeptWhole() {
        String plain = "-- cross-thread (plain thread), round 1/1, hakmem\n   5.00 ops/us\n";
        assertEquals(List.of(plain), PooledRounds.sections(plain, "JDK 17"));
        assertEquals(1, PooledRounds.sections(FILE, null).size());
    }

    @Test
    void theCommandLineNeedsAWorkloadAndAFile() {
        assertNull(PooledRounds.parse("--help"));
        PooledRounds.Options o = PooledRounds.parse("mixed-ws400 (event loop)", "--section", "JDK 25", "a.md", "b.md");
        assertEquals("mixed-ws400 (event loop)", o.workload());
        assertEquals("JDK 25", o.section());
        assertEquals(2, o.files().size());
        assertEquals("expected a workload name and at least one file",
                assertThrows(IllegalArgumentException.class, () -> PooledRounds.parse("mixed-ws400 (event loop)"))
                        .getMessage());
        assertEquals("--section needs a value",
                assertThrows(IllegalArgumentException.class, () -> PooledRounds.parse("w", "a.md", "--section"))
                        .getMessage());
    }
}
