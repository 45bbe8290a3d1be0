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
        assertMessage("unknown allocator 'jemalloc' in --allocators", "--allocators", "hakmem,jemalloc");
        assertMessage("--allocators must name each allocator once", "--allocators", "hakmem,hakmem");
        assertMessage("missing value for --rounds", "--rounds");
        assertMessage("unknown argument '--round'", "--round", "2");
    }

    @Test
    void anOnlyPrefixThatMatchesNothingIsRefused() {
        assertMessage("--only 'mixed-ws800' matches no workload", "--only", "mixed-ws800");
    }

    private static void assertMessage(String expectedStart, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JmhRounds.parse(args));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }
}
