/*
 * JmhRoundsTableTest: a row of JmhRounds' table. With --rounds 1 there is one score per allocator and
 * no CV: the row says n/a, not 0.0%, which reads as perfectly steady. And the order of the runs in
 * each round, which rotates.
 */
package org.hakmem.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JmhRoundsTableTest {

    @Test
    void oneRoundHasNoCv() {
        assertEquals("| mixed-ws400 (event loop) | hakmem | 33.45 | 33.45 | 33.45 | n/a | 0.0 | 1.40x |",
                JmhRounds.row("mixed-ws400 (event loop)", "hakmem", new double[] {33.45}, new double[] {0}, "1.40x"));
    }

    @Test
    void threeRoundsHaveTheSampleCv() {
        assertEquals("| cross-thread (plain thread) | pooled | 10.00 | 9.00 | 11.00 | 10.0% | 0.5 |  |",
                JmhRounds.row("cross-thread (plain thread)", "pooled", new double[] {9, 10, 11},
                        new double[] {0.4, 0.5, 0.6}, ""));
    }

    @Test
    void eachRoundStartsWithTheNextAllocator() {
        java.util.List<String> three = java.util.List.of("hakmem", "pooled", "adaptive");
        assertEquals(three, JmhRounds.roundOrder(three, 0));
        assertEquals(java.util.List.of("pooled", "adaptive", "hakmem"), JmhRounds.roundOrder(three, 1));
        assertEquals(java.util.List.of("adaptive", "hakmem", "pooled"), JmhRounds.roundOrder(three, 2));
        assertEquals(three, JmhRounds.roundOrder(three, 3));
    }
}
