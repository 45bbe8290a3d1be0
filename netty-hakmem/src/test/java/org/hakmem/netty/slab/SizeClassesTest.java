package org.hakmem.netty.slab;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizeClassesTest {
    @Test
    void everySizeMapsToTheSmallestClassThatHoldsIt() {
        for (int size = 0; size <= SizeClasses.MAX_SIZE; size++) {
            int c = SizeClasses.classOf(size);
            assertTrue(SizeClasses.slotSize(c) >= size, "class " + c + " too small for " + size);
            if (c > 0) {
                assertTrue(SizeClasses.slotSize(c - 1) < size, "class " + (c - 1) + " would hold " + size);
            }
        }
    }

    @Test
    void worstCaseInternalWasteIsBelowOneFifthFrom16Bytes() {
        double worst = 0;
        for (int size = SizeClasses.MIN_SIZE; size <= SizeClasses.MAX_SIZE; size++) {
            int slot = SizeClasses.slotSize(SizeClasses.classOf(size));
            worst = Math.max(worst, (slot - size) / (double) slot);
        }
        assertTrue(worst < 0.20, "worst waste " + worst);
        assertTrue(worst > 0.19, "the table changed: worst waste " + worst + ", update DESIGN.md");
    }

    @Test
    void tableRunsFrom16BytesTo1MiBIn65StrictlyIncreasingClasses() {
        assertEquals(16, SizeClasses.slotSize(0));
        assertEquals(1 << 20, SizeClasses.slotSize(SizeClasses.COUNT - 1));
        for (int c = 1; c < SizeClasses.COUNT; c++) {
            assertTrue(SizeClasses.slotSize(c) > SizeClasses.slotSize(c - 1));
            assertEquals(c, SizeClasses.classOf(SizeClasses.slotSize(c)));
        }
    }

    @Test
    void spansAreSmallRunsThatHoldEightSlotsWhereTheyFit() {
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            int size = SizeClasses.slotSize(c);
            int slabs = SizeClasses.spanSlabs(c);
            int slots = SizeClasses.slotsPerSpan(c);
            assertTrue(slots >= 1 && slots <= 4096, "class " + c + ": " + slots + " slots");
            assertTrue((long) slots * size <= (long) slabs * Superslab.SLAB_SIZE);
            if (size <= Superslab.SLAB_SIZE) {
                assertTrue(slabs <= SizeClasses.MAX_SPAN_SLABS, "class " + c + ": " + slabs + " slabs");
            } else {
                assertTrue(slabs <= Math.max(SizeClasses.MAX_SPAN_SLABS, (size + Superslab.SLAB_SIZE - 1) / Superslab.SLAB_SIZE));
            }
            if (size * SizeClasses.TARGET_SLOTS <= SizeClasses.MAX_SPAN_SLABS * Superslab.SLAB_SIZE) {
                assertTrue(slots >= SizeClasses.TARGET_SLOTS, "class " + c + ": " + slots + " slots");
            }
            // No span wastes a whole slot's worth of slabs: one slab fewer could not hold as many slots.
            assertTrue((long) (slabs - 1) * Superslab.SLAB_SIZE < (long) slots * size, "class " + c);
        }
    }
}
