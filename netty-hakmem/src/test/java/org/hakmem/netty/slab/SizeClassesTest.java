package org.hakmem.netty.slab;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

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

    /**
     * DESIGN.md, "Size classes": every row of the table (slot, requests, slabs and slots per span, worst
     * waste) is what the code computes, so the table cannot drift from SizeClasses unnoticed.
     */
    @Test
    void designsSizeClassTableIsWhatTheCodeComputes() throws IOException {
        List<String> rows = Files.readString(Path.of("..", "docs", "DESIGN.md"), StandardCharsets.UTF_8).lines()
                .dropWhile(l -> !l.startsWith("| class | slot | requests |")).skip(2)
                .takeWhile(l -> l.startsWith("| ")).collect(Collectors.toList());
        assertEquals(SizeClasses.COUNT, rows.size(), "one row per class");
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            int slot = SizeClasses.slotSize(c);
            int smallest = c == 0 ? 0 : SizeClasses.slotSize(c - 1) + 1;
            int worst = Math.max(smallest, SizeClasses.MIN_SIZE); // the waste counts from 16 B
            String expected = "| " + c + " | " + sizeText(slot) + " | " + smallest + ".." + slot + " | "
                    + SizeClasses.spanSlabs(c) + " | " + SizeClasses.slotsPerSpan(c) + " | "
                    + String.format(Locale.ROOT, "%.1f%%", 100.0 * (slot - worst) / slot) + " |";
            assertEquals(expected, rows.get(c), "DESIGN.md's row of class " + c);
        }
    }

    /** A slot size as the table writes it: in MiB or KiB where it is a whole number of them. */
    private static String sizeText(int bytes) {
        if (bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        return bytes % 1024 == 0 ? (bytes >> 10) + " KiB" : bytes + " B";
    }
}
