/*
 * ParsingTest: the small pure pieces of the tool: the default mode, child result lines, durations,
 * and the drift rule.
 */
package org.hakmem.bench.compare;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParsingTest {

    @Test
    void compareIsTheDefaultModeButNotForHelpOrAnExplicitMode() {
        assertArrayEquals(new String[]{"compare"}, CompareTool.withDefaultMode(new String[0]));
        assertArrayEquals(new String[]{"compare", "--quick"}, CompareTool.withDefaultMode(new String[]{"--quick"}));
        assertArrayEquals(new String[]{"ab", "--quick"}, CompareTool.withDefaultMode(new String[]{"ab", "--quick"}));
        assertArrayEquals(new String[]{"--help"}, CompareTool.withDefaultMode(new String[]{"--help"}));
    }

    @Test
    void resultLineIsParsedAndMinusOneMeansNotAvailable() {
        RunRecord r = RunRecord.parse(2, "mixed-ws400", "pooled", 1.5, List.of(
                "START workload=mixed-ws400 allocator=pooled pid=1",
                "SAMPLE t_ms=0 phase=warmup rss_kib=100 resident=-1",
                "some JVM warning on stderr",
                "RESULT workload=mixed-ws400 ops=100 ops_per_s=2.50000e+07 resident_peak=-1"));
        assertTrue(r.ok());
        assertEquals(2.5e7, r.num("ops_per_s"));
        assertTrue(Double.isNaN(r.num("resident_peak")));
        assertTrue(Double.isNaN(r.num("absent")));
        assertEquals(1, r.samples().size());
        assertEquals("warmup", r.samples().get(0).get("phase"));
    }

    @Test
    void outputWithoutResultLineIsAFailure() {
        RunRecord r = RunRecord.parse(1, "burst-idle", "hakmem", 1, List.of("START workload=burst-idle"));
        assertFalse(r.ok());
        assertTrue(r.failure().contains("no RESULT line"));
    }

    @Test
    void durationsAcceptUnitsAndRejectTheRest() {
        Durations d = new Durations();
        assertEquals(Duration.ofSeconds(300), d.convert("300"));
        assertEquals(Duration.ofMinutes(30), d.convert("30m"));
        assertEquals(Duration.ofMillis(500), d.convert("500ms"));
        assertEquals(Duration.ofHours(1), d.convert("1h"));
        assertThrows(CommandLine.TypeConversionException.class, () -> d.convert("-5s"));
        assertThrows(CommandLine.TypeConversionException.class, () -> d.convert("5 min"));
    }

    @Test
    void driftComparesTheLastQuarterWithTheFirst() {
        // resident in bytes, 8 epochs: first quarter 10 MiB, last quarter 14 MiB
        List<Map<String, String>> growing = epochs(10, 10, 11, 12, 12, 13, 14, 14);
        Drift d = Drift.of(growing);
        assertEquals("allocator resident", d.metric());
        assertEquals(10, d.firstMiB(), 1e-9);
        assertEquals(14, d.lastMiB(), 1e-9);
        assertTrue(d.drifts(2, 0.05));
        assertFalse(d.drifts(5, 0.05), "4 MiB is not above a 5 MiB threshold");
        assertFalse(Drift.of(epochs(10, 11, 10, 11, 10, 11, 10, 10)).drifts(0.5, 0.01));
    }

    private static List<Map<String, String>> epochs(long... mib) {
        return java.util.Arrays.stream(mib)
                .mapToObj(m -> Map.of("resident", String.valueOf(m << 20), "rss_kib", "300000"))
                .toList();
    }
}
