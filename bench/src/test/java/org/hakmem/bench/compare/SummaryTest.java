package org.hakmem.bench.compare;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The statistics every table prints: a CV exists only from two runs on. */
class SummaryTest {
    @Test
    void oneRunHasNoCv() {
        Summary one = Summary.of(new double[] {5e6});
        assertEquals(5e6, one.median());
        assertEquals("n/a", one.cvText()); // was "0.0%": read as perfectly steady
    }

    @Test
    void threeRunsHaveTheSampleCv() {
        Summary three = Summary.of(new double[] {9, 10, 11});
        assertEquals(10, three.median());
        assertEquals("10.0%", three.cvText()); // sample standard deviation 1 over mean 10
        assertEquals("n/a", Summary.NONE.cvText());
    }
}
