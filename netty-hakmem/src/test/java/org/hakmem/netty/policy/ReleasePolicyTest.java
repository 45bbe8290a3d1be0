package org.hakmem.netty.policy;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.policy.ReleasePolicy.Release;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The policies' decision tables (ReleasePolicy's banner), case by case. */
class ReleasePolicyTest {
    private static final long MIB = 1 << 20;
    private static final long MS = 1_000_000L;
    private static final long BUDGET = 10 * MIB;
    private static final long DECAY = 1000 * MS;

    private final LeanPolicy lean = new LeanPolicy(DecommitMode.DONTNEED, BUDGET, DECAY);

    @Test
    void fastKeepsEverythingPrewarmsAndNeverPurges() {
        FastPolicy fast = FastPolicy.INSTANCE;
        assertEquals(Release.KEEP, fast.release(true, Long.MAX_VALUE, 100 * BUDGET, 100 * BUDGET));
        assertEquals(Release.KEEP, fast.release(false, Long.MAX_VALUE, 100 * BUDGET, 100 * BUDGET));
        assertTrue(fast.prewarm());
        assertTrue(fast.hugePages(), "prewarmed pages: a huge page costs nothing more");
        assertFalse(fast.cleanSlabsFirst());
        assertEquals(0, fast.purgeIntervalNanos());
        assertEquals(DecommitMode.OFF, fast.decommitMode(), "FAST never gives pages back by itself");
        assertEquals(4, fast.spareSpansPerClass());
        assertEquals(MIB, fast.spareBytesPerClass());
        assertEquals(32, fast.spareSlotsPerClass());
        assertEquals(4 * MIB, fast.spareGrowthBytes(), "spares adapt to churn within 4 MiB per heap");
        assertEquals(1000 * MS, fast.idleGiveBackNanos(),
                "an idle heap's empty spans go to the pool, at most once a second");
        assertFalse(fast.parksIdleHeaps(), "no CAS on FAST's path");
        assertFalse(fast.trimHeaps(100 * BUDGET));
    }

    @Test
    void leanAsksBusyHeapsForTheirSpansOnlyOverTheBudget() {
        assertFalse(lean.trimHeaps(0));
        assertFalse(lean.trimHeaps(BUDGET), "at the budget: busy heaps keep their spare and current spans");
        assertTrue(lean.trimHeaps(BUDGET + 1));
        assertFalse(new LeanPolicy(DecommitMode.OFF, BUDGET, DECAY).trimHeaps(100 * BUDGET), "OFF gives nothing back");
    }

    @Test
    void leanKeepsYoungMemoryUnderTheBudget() {
        assertEquals(Release.KEEP, lean.release(false, DECAY - 1, BUDGET, BUDGET));
        assertEquals(Release.KEEP, lean.release(true, DECAY - 1, BUDGET, 2 * BUDGET));
    }

    @Test
    void leanDecommitsWhatOutlivedTheDecay() {
        assertEquals(Release.DECOMMIT, lean.release(false, DECAY, 0, 2 * BUDGET), "a free run never retires");
        assertEquals(Release.DECOMMIT, lean.release(true, DECAY, 0, BUDGET), "mapped within the budget: keep the range");
        assertEquals(Release.RETIRE, lean.release(true, DECAY, 0, BUDGET + 1), "mapped past the budget: unmap");
    }

    @Test
    void leanGivesBackSoonerOverTheBudget() {
        assertEquals(Release.KEEP, lean.release(false, 99 * MS, BUDGET + 1, BUDGET + 1), "churn of the live data");
        assertEquals(Release.DECOMMIT, lean.release(false, 100 * MS, BUDGET + 1, BUDGET + 1));
        assertEquals(Release.RETIRE, lean.release(true, 100 * MS, BUDGET + 1, BUDGET + 1));
        LeanPolicy noDecay = new LeanPolicy(DecommitMode.DONTNEED, BUDGET, 0);
        assertEquals(Release.DECOMMIT, noDecay.release(false, 0, BUDGET + 1, BUDGET + 1), "never later than the decay");
    }

    @Test
    void leanNeverPrewarmsGivesSparesBackWhenIdleAndPurgesOften() {
        assertFalse(lean.prewarm());
        assertFalse(lean.hugePages(), "resident memory follows writes, not 2 MiB huge pages");
        assertTrue(lean.cleanSlabsFirst());
        assertEquals(4, lean.spareSpansPerClass());
        assertEquals(MIB, lean.spareBytesPerClass());
        assertEquals(32, lean.spareSlotsPerClass());
        assertEquals(0, lean.spareGrowthBytes(), "LEAN keeps the base spares only");
        assertEquals(-1, lean.idleGiveBackNanos(), "never on its own thread: it parks");
        assertTrue(lean.parksIdleHeaps(), "an idle heap parks, and the purge gives its spans back for it");
        assertEquals(200 * MS, new LeanPolicy(DecommitMode.FREE, BUDGET, 400 * MS).purgeIntervalNanos(), "decay / 2");
        assertEquals(5 * MS, new LeanPolicy(DecommitMode.FREE, BUDGET, 0).purgeIntervalNanos(), "floor");
        assertEquals(250 * MS, new LeanPolicy(DecommitMode.FREE, BUDGET, 3_600_000 * MS).purgeIntervalNanos(),
                "the budget is checked at least four times a second");
    }

    @Test
    void leanWithOffOnlySkipsPrewarm() {
        LeanPolicy off = new LeanPolicy(DecommitMode.OFF, BUDGET, DECAY);
        assertEquals(Release.KEEP, off.release(true, Long.MAX_VALUE, 100 * BUDGET, 100 * BUDGET));
        assertEquals(Release.KEEP, off.release(false, Long.MAX_VALUE, 100 * BUDGET, 100 * BUDGET));
        assertFalse(off.prewarm());
        assertFalse(off.hugePages(), "as with FREE and DONTNEED: OFF differs only in giving back");
        assertEquals(0, off.purgeIntervalNanos());
        assertEquals(4, off.spareSpansPerClass());
        assertEquals(-1, off.idleGiveBackNanos());
        assertFalse(off.parksIdleHeaps());
    }

    @Test
    void sparesCoverThirtyTwoSlotsWithinFourSpansAndOneMebibyteAndAtLeastOne() {
        for (ReleasePolicy p : new ReleasePolicy[] {FastPolicy.INSTANCE, lean}) {
            assertEquals(1, p.spareSpans(64, 64 << 10), "1 KiB slots: one span holds 32 slots");
            assertEquals(2, p.spareSpans(16, 64 << 10), "4 KiB slots");
            assertEquals(4, p.spareSpans(8, 256 << 10), "32 KiB slots: capped at four spans");
            assertEquals(2, p.spareSpans(8, 512 << 10), "64 KiB slots: capped at 1 MiB");
            assertEquals(1, p.spareSpans(1, 1 << 20), "1 MiB slots: at least one");
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LeanPolicy(null, BUDGET, DECAY));
        assertThrows(IllegalArgumentException.class, () -> new LeanPolicy(DecommitMode.FREE, 0, DECAY));
        assertThrows(IllegalArgumentException.class, () -> new LeanPolicy(DecommitMode.FREE, BUDGET, -1));
    }
}
