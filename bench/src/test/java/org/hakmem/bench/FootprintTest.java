/*
 * FootprintTest: the footprint tool names bad input and exits 2, reads its children's lines, and
 * runs end to end (one child JVM per allocator) into a table with one row per allocator.
 */
package org.hakmem.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FootprintTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return Footprint.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Runs the tool with args: it must exit 2, name the problem (expected) and print the usage. */
    private void assertUsageError(String expected, String... args) throws Exception {
        assertEquals(2, run(args), err());
        assertTrue(err().contains(expected), err());
        assertTrue(err().contains("usage: Footprint"), err());
    }

    @Test
    void unknownAllocatorIsNamedWithTheAllowedOnes() throws Exception {
        assertUsageError("--allocators 'hakmem,jemalloc': unknown allocator 'jemalloc'; allowed: hakmem,",
                "--allocators", "hakmem,jemalloc");
    }

    @Test
    void badRoundsAndUnknownOptionsAreNamed() throws Exception {
        assertUsageError("--rounds '0': expected an integer >= 1", "--rounds", "0");
        assertUsageError("unknown option '--bogus'", "--bogus", "1");
        assertUsageError("unknown option '--verbose'", "--verbose"); // last, with no value: still unknown
        assertUsageError("missing value for --rounds", "--rounds");
    }

    @Test
    void anAllocatorNamedTwiceIsRefused() throws Exception {
        // used to run it twice per round (its runs then counted double in its row), while the other tools refused
        assertUsageError("--allocators 'hakmem,pooled,hakmem': allocator 'hakmem' named twice", "--allocators",
                "hakmem,pooled,hakmem");
    }

    @Test
    void anEmptyAllocatorListIsRefused() throws Exception {
        // "," split into no names: no child ran and the table had no row, exit 0
        assertUsageError("--allocators ',': no allocator named", "--allocators", ",");
    }

    @Test
    void anOptionGivenTwiceIsRefused() throws Exception {
        // the last one used to win (the bad allocator stops a tool that accepts the repetition before any child runs)
        assertUsageError("--rounds given twice ('1' and '2'); allowed: once", "--rounds", "1", "--rounds", "2",
                "--allocators", "jemalloc");
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() throws Exception {
        // used to be refused ("unknown option '--help'", before that "missing value for --help"), exit 2
        assertEquals(0, run("--help"), err());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: Footprint"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badThreadCountsAreNamed() throws Exception {
        assertUsageError("--virtual-threads '0': expected an integer >= 1", "--virtual-threads", "0");
        assertUsageError("--pool-threads 'x': expected an integer >= 1", "--pool-threads", "x");
    }

    @Test
    @EnabledForJreRange(max = JRE.JAVA_20)
    void virtualThreadsBeforeJdk21AreRefusedNamingTheVersion() throws Exception {
        assertUsageError("--virtual-threads needs JDK 21 or later; this is " + Runtime.version(),
                "--virtual-threads", "100");
    }

    @Test
    void parsesAChildLineWithVirtualThreads() {
        double[] v = Footprint.parse("FOOTPRINT allocator=hakmem load_kib=2904 create_kib=4 use_kib=10960"
                + " total_kib=13868 rss_start_kib=316936 vthreads_kib=20480 vthreads_ms=150");
        assertArrayEquals(new double[] {2904, 4, 10960, 13868, 20480, 150}, v);
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void runsVirtualThreadsInTheChildIntoTwoMoreColumns() throws Exception {
        assertEquals(0, run("--rounds", "1", "--allocators", "hakmem", "--virtual-threads", "200"), err());
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.matches("(?s).*round 1 FOOTPRINT allocator=hakmem .* vthreads_kib=-?\\d+ vthreads_ms=\\d+.*"),
                text);
        assertTrue(text.contains("| 200 virtual threads | their time to hold, ms |"), text);
        assertTrue(text.matches("(?s).*\\| hakmem \\| 1 \\|( -?\\d+\\.\\d \\[[^\\]]*\\] \\|){5} \\d+ \\[.*"), text);
    }

    @Test
    void parsesAChildLineWithPoolThreads() {
        double[] v = Footprint.parse("FOOTPRINT allocator=pooled load_kib=2904 create_kib=4 use_kib=10960"
                + " total_kib=13868 rss_start_kib=316936 pool_kib=5120");
        assertArrayEquals(new double[] {2904, 4, 10960, 13868, 5120}, v);
    }

    @Test
    void parsesAChildLine() {
        double[] v = Footprint.parse("FOOTPRINT allocator=pooled load_kib=2904 create_kib=4 use_kib=10960"
                + " total_kib=13868 rss_start_kib=316936");
        assertArrayEquals(new double[] {2904, 4, 10960, 13868}, v);
    }

    @Test
    void runsOneChildPerAllocatorIntoATable() throws Exception {
        assertEquals(0, run("--rounds", "1", "--allocators", "hakmem-lean-free,pooled", "--pool-threads", "20"), err());
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("| allocator | runs | load | create | use | total | 20 idle pool threads |"), text);
        assertTrue(text.matches("(?s).*round 1 FOOTPRINT allocator=pooled .* pool_kib=-?\\d+.*"), text);
        assertTrue(text.contains("round 1 FOOTPRINT allocator=hakmem-lean-free load_kib="), text);
        assertTrue(text.contains("round 1 FOOTPRINT allocator=pooled load_kib="), text);
        assertTrue(text.matches("(?s).*\\| hakmem-lean-free \\| 1 \\| -?\\d+\\.\\d \\[.*"), text);
        assertTrue(text.matches("(?s).*\\| pooled \\| 1 \\| -?\\d+\\.\\d \\[.*"), text);
    }
}
