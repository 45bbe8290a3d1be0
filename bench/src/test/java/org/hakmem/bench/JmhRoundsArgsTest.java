package org.hakmem.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JmhRounds' command line: bad values are refused before any benchmark runs, with what is allowed. */
class JmhRoundsArgsTest {
    @Test
    void defaults() {
        JmhRounds.Options o = JmhRounds.parse();
        assertEquals(3, o.rounds());
        assertEquals(List.of("hakmem", "pooled", "adaptive"), o.allocators());
        assertNull(o.only());
    }

    @Test
    void everyOption() {
        JmhRounds.Options o = JmhRounds.parse("--rounds", "2", "--quick", "--allocators", "hakmem,adaptive",
                "--only", "mixed-ws400 (event");
        assertEquals(2, o.rounds());
        assertTrue(o.quick());
        assertEquals(List.of("hakmem", "adaptive"), o.allocators());
        assertEquals(List.of("mixed-ws400 (event"), o.only());
    }

    @Test
    void roundsMustBePositive() {
        // --rounds 0 used to pass, and the table then indexed an empty array
        assertMessage("--rounds '0': expected an integer >= 1", "--rounds", "0");
        assertMessage("--rounds 'x': expected an integer >= 1", "--rounds", "x");
    }

    @Test
    void unknownOrRepeatedAllocatorsAndMissingValuesAreRefused() {
        assertMessage("--allocators 'hakmem,jemalloc': unknown allocator 'jemalloc'; allowed: hakmem,",
                "--allocators", "hakmem,jemalloc");
        assertMessage("--allocators 'hakmem,hakmem': allocator 'hakmem' named twice", "--allocators", "hakmem,hakmem");
        assertMessage("missing value for --rounds", "--rounds");
        assertMessage("unknown option '--round'", "--round", "2");
    }

    @Test
    void frameDecodeRunsOnlyWhenOnlyNamesIt() {
        List<String> byDefault = JmhRounds.selected(JmhRounds.parse().only()).stream()
                .map(JmhRounds.Workload::name).toList();
        assertEquals(6, byDefault.size());
        assertTrue(byDefault.stream().noneMatch(n -> n.startsWith("frame-decode")), byDefault.toString());
        List<String> named = JmhRounds.selected(JmhRounds.parse("--only", "frame-decode,mixed-ws400 (event").only())
                .stream().map(JmhRounds.Workload::name).toList();
        assertEquals(List.of("mixed-ws400 (event loop)", "frame-decode (event loop)", "frame-decode (plain thread)"),
                named);
    }

    @Test
    void anOnlyPrefixThatMatchesNothingIsRefused() {
        assertMessage("--only 'mixed-ws800': 'mixed-ws800' matches no workload", "--only", "mixed-ws800");
    }

    @Test
    void emptyListsAreRefused() {
        // "," split into no names: JmhRounds ran no allocator, or no workload, and printed an empty table
        assertMessage("--allocators ',': no allocator named", "--allocators", ",");
        assertMessage("--only ',': no workload prefix named", "--only", ",");
        // "" is a prefix of every workload: --only "" ran them all
        assertMessage("--only '': no workload prefix named", "--only", "");
        // a comma too many used to be dropped without a word
        assertMessage("--allocators 'hakmem,': an empty allocator name", "--allocators", "hakmem,");
    }

    @Test
    void anOptionGivenTwiceIsRefused() {
        // the last one used to win
        assertMessage("--rounds given twice ('1' and '2'); allowed: once", "--rounds", "1", "--rounds", "2");
    }

    @Test
    void helpAsksForTheUsage() {
        // --help used to be an unknown argument (exit 2); parse() now answers null, and main prints the usage
        assertNull(JmhRounds.parse("--help"));
        assertNull(JmhRounds.parse("--rounds", "2", "-h"));
    }

    private static void assertMessage(String expectedStart, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JmhRounds.parse(args));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }
}
