/*
 * StatsTest: the summary numbers every benchmark prints. A CV needs two values: one run has no sample
 * standard deviation, and printing 0.0% for it reads as a perfectly steady figure.
 */
package org.hakmem.examples.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StatsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleAndOfAnEvenCountTheMeanOfTheTwoMiddles() {
        assertThat(Stats.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }

    @Test
    void aSingleValueHasNoCv() {
        assertThat(Stats.cv(new double[] {494551})).isNaN();
        assertThat(Stats.cvText(new double[] {494551})).isEqualTo("n/a");
    }

    @Test
    void theCvIsTheSampleStandardDeviationOverTheMean() {
        assertThat(Stats.cv(new double[] {9, 10, 11})).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Stats.cvText(new double[] {9, 10, 11})).isEqualTo("10.0%");
    }
}
