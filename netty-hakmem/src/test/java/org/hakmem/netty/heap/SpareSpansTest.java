package org.hakmem.netty.heap;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.policy.FastPolicy;
import org.hakmem.netty.policy.LeanPolicy;
import org.hakmem.netty.policy.ReleasePolicy;
import org.hakmem.netty.slab.SizeClasses;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SpareSpans' rules (its banner), one at a time, on the counts alone. */
class SpareSpansTest {
    private static final int C4K = SizeClasses.classOf(4096); // 16 slots in a 64 KiB span: base 2
    private static final int C1K = SizeClasses.classOf(1024); // 64 slots: base 1
    private static final int C64K = SizeClasses.classOf(64 << 10); // 8 slots in 512 KiB spans: base 2
    private static final long SPAN_64K = 64 << 10;

    private final SpareSpans fast = new SpareSpans(FastPolicy.INSTANCE);

    @Test
    void everyClassStartsAtThePolicysBase() {
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            assertEquals(FastPolicy.INSTANCE.spareSpans(SizeClasses.slotsPerSpan(c), SizeClasses.spanBytes(c)), fast.limit(c),
                    "class " + c);
            assertEquals(0, fast.empty(c));
        }
        assertEquals(2, fast.limit(C4K));
        assertEquals(1, fast.limit(C1K));
    }

    @Test
    void emptiedSpansAreKeptUpToTheLimitAndTakenBackOneByOne() {
        assertTrue(fast.keepEmptied(C4K));
        assertTrue(fast.keepEmptied(C4K));
        assertFalse(fast.keepEmptied(C4K), "a third empty span of 4 KiB goes back");
        assertEquals(2, fast.empty(C4K));
        fast.spareLeft(C4K);
        assertEquals(1, fast.empty(C4K));
        assertTrue(fast.keepEmptied(C4K));
    }

    @Test
    void aSpanGivenBackAndCutAgainInTheSameWindowRaisesTheLimitByOne() {
        fillToLimit(C4K);
        assertFalse(fast.keepEmptied(C4K));
        assertFalse(fast.keepEmptied(C4K));
        fast.cutNewSpan(C4K);
        assertEquals(3, fast.limit(C4K));
        fast.cutNewSpan(C4K);
        assertEquals(4, fast.limit(C4K));
        fast.cutNewSpan(C4K);
        assertEquals(4, fast.limit(C4K), "two give-backs pair with two new spans, not three");
        assertEquals(2 * SPAN_64K, fast.grownBytes());
        assertEquals(1, fast.limit(C1K), "other classes unchanged");
    }

    @Test
    void aNewSpanWithoutAGiveBackTeachesNothing() {
        fast.cutNewSpan(C4K);
        assertEquals(2, fast.limit(C4K));
        assertEquals(0, fast.grownBytes());
    }

    @Test
    void aGiveBackPairsOnlyWithANewSpanOfItsOwnWindowAndClass() {
        fillToLimit(C4K);
        assertFalse(fast.keepEmptied(C4K));
        fast.cutNewSpan(C1K);
        assertEquals(1, fast.limit(C1K), "another class's new span");
        assertFalse(fast.endWindow());
        fast.cutNewSpan(C4K);
        assertEquals(2, fast.limit(C4K), "the give-back was in the window before");
    }

    @Test
    void aGrownLimitDecaysOneSpanPerWindowWithoutGrowthDownToTheBase() {
        fillToLimit(C4K);
        for (int i = 0; i < 3; i++) {
            assertFalse(fast.keepEmptied(C4K));
        }
        for (int i = 0; i < 3; i++) {
            fast.cutNewSpan(C4K);
        }
        assertEquals(5, fast.limit(C4K));
        fillToLimit(C4K); // five empty spans kept
        assertFalse(fast.endWindow(), "it grew in this window: no decay");
        assertEquals(5, fast.limit(C4K));

        assertTrue(fast.endWindow(), "a window without growth: one span less, and one empty span too many");
        assertEquals(4, fast.limit(C4K));
        assertEquals(1, fast.excess(C4K));
        fast.spareLeft(C4K); // the heap gives it back
        assertEquals(0, fast.excess(C4K));
        assertEquals(2 * SPAN_64K, fast.grownBytes());

        assertTrue(fast.endWindow());
        fast.spareLeft(C4K);
        assertTrue(fast.endWindow());
        fast.spareLeft(C4K);
        assertEquals(2, fast.limit(C4K));
        assertEquals(0, fast.grownBytes());
        assertFalse(fast.endWindow(), "at the base: no further decay");
        assertEquals(2, fast.limit(C4K));
    }

    @Test
    void growthStopsAtThePolicysBudgetOverAllClasses() {
        long spanBytes = SizeClasses.spanBytes(C64K);
        assertEquals(512 << 10, spanBytes);
        fillToLimit(C64K);
        for (int i = 0; i < 20; i++) {
            assertFalse(fast.keepEmptied(C64K));
        }
        for (int i = 0; i < 20; i++) {
            fast.cutNewSpan(C64K);
        }
        long grown = ReleasePolicy.SPARE_GROWTH_BYTES / spanBytes;
        assertEquals(8, grown);
        assertEquals(2 + grown, fast.limit(C64K));
        assertEquals(ReleasePolicy.SPARE_GROWTH_BYTES, fast.grownBytes());
        fillToLimit(C4K);
        assertFalse(fast.keepEmptied(C4K));
        fast.cutNewSpan(C4K);
        assertEquals(2, fast.limit(C4K), "the budget is the heap's, not the class's");
    }

    @Test
    void leanNeverGrows() {
        SpareSpans lean = new SpareSpans(new LeanPolicy(DecommitMode.DONTNEED, 64 << 20, 1_000_000_000L));
        for (int i = 0; i < 2; i++) {
            assertTrue(lean.keepEmptied(C4K));
        }
        for (int i = 0; i < 10; i++) {
            assertFalse(lean.keepEmptied(C4K));
            lean.cutNewSpan(C4K);
        }
        assertEquals(2, lean.limit(C4K));
        assertEquals(0, lean.grownBytes());
        assertFalse(lean.endWindow());
    }

    @Test
    void forgetEmptiesTheCountsAndPutsEveryLimitBackAtItsBase() {
        fillToLimit(C4K);
        assertFalse(fast.keepEmptied(C4K));
        fast.cutNewSpan(C4K);
        fillToLimit(C4K);
        assertEquals(3, fast.empty(C4K));
        assertFalse(fast.keepEmptied(C4K));
        fast.forget();
        assertEquals(0, fast.empty(C4K));
        assertEquals(2, fast.limit(C4K));
        assertEquals(0, fast.grownBytes());
        fast.cutNewSpan(C4K);
        assertEquals(2, fast.limit(C4K), "the give-back before forget() pairs with nothing");
    }

    private void fillToLimit(int c) {
        while (fast.empty(c) < fast.limit(c)) {
            assertTrue(fast.keepEmptied(c));
        }
    }
}
