/*
 * SizeClasses: the table that turns a requested capacity into a slot size, and a slot size into the
 * span of slabs that serves it.
 *
 * Classes grow by four steps per power of two, starting at 16 B (the first group has 4-byte steps):
 *
 *     class  0: 16
 *     group 0 (17..32):      20  24  28  32        step 4
 *     group 1 (33..64):      40  48  56  64        step 8
 *     group 2 (65..128):     80  96 112 128        step 16
 *     ...
 *     group g (2^(g+4)+1 .. 2^(g+5)):  2^(g+4) + i * 2^(g+2),  i = 1..4
 *     ...
 *     group 15:  640K 768K 896K 1M                 step 128 KiB
 *
 * 65 classes, 16 B .. 1 MiB. A request of s > 16 bytes lands in the smallest class >= s. The worst
 * case is s = 2^k + 1, which gets 2^k + 2^(k-2): internal waste below 1/5 (20%) of the slot, for every
 * size from 16 B to 1 MiB. Requests above 1 MiB are "huge" and get a mapping of their own.
 *
 * The index is computed, not looked up: for s > 16, with k = floor(log2(s - 1)),
 *
 *     class = 4 * (k - 4) + ((s - 1) >> (k - 2)) - 3
 *
 * which is a leading-zero count, two shifts and an add on the hot path.
 *
 * Spans: every class is served from spans of whole 64 KiB slabs inside a superslab. A class up to
 * 8 KiB uses one slab (8 slots or more); a larger class uses the smallest run of slabs that holds
 * 8 slots, but no more than MAX_SPAN_SLABS (512 KiB), unless one slot needs more; a span then ends
 * at the slab of its last slot:
 *
 *     slot size      slabs per span   slots per span
 *     16 B .. 8 KiB        1            4096 .. 8
 *     10 KiB .. 64 KiB     2 .. 8       8 .. 12 (whole slabs: 12 slots of 10 KiB in 2 slabs)
 *     80 KiB .. 512 KiB    5 .. 8       6 .. 1  (cut after the last slot: 4 of 112 KiB in 7 slabs)
 *     640 KiB .. 1 MiB     10 .. 16     1
 *
 * The cap keeps what one thread holds per class small: a span is owned by one thread heap until it
 * is empty, so a span of 8 slots of 1 MiB would pin 8 MiB of address space to a thread that uses one
 * such buffer. Slots are handed out lazily, so the untouched tail of a span never becomes resident.
 */
package org.hakmem.netty.slab;

public final class SizeClasses {
    public static final int MIN_SIZE = 16;
    public static final int MAX_SIZE = 1 << 20;
    public static final int COUNT = 65;
    /** Slots a span of a large class aims to hold. */
    static final int TARGET_SLOTS = 8;
    /** Largest span, in slabs, unless a single slot needs more. */
    static final int MAX_SPAN_SLABS = 8;

    private static final int[] SLOT_SIZE = new int[COUNT];
    private static final int[] SPAN_SLABS = new int[COUNT];

    static {
        for (int c = 0; c < COUNT; c++) {
            int size = computeSlotSize(c);
            SLOT_SIZE[c] = size;
            int slabs = Math.max(slabsFor(size), Math.min(MAX_SPAN_SLABS, slabsFor((long) size * TARGET_SLOTS)));
            int slots = slabs * Superslab.SLAB_SIZE / size;
            SPAN_SLABS[c] = slabsFor((long) slots * size); // drop trailing slabs no slot reaches
        }
        if (SLOT_SIZE[COUNT - 1] != MAX_SIZE) {
            throw new AssertionError("size class table does not end at " + MAX_SIZE);
        }
    }

    private SizeClasses() {
    }

    /** The class of a capacity in [0, MAX_SIZE]. */
    public static int classOf(int size) {
        if (size <= MIN_SIZE) {
            return 0;
        }
        int k = 31 - Integer.numberOfLeadingZeros(size - 1);
        return 4 * (k - 4) + ((size - 1) >>> (k - 2)) - 3;
    }

    public static int slotSize(int sizeClass) {
        return SLOT_SIZE[sizeClass];
    }

    /** Number of 64 KiB slabs in a span of this class. */
    public static int spanSlabs(int sizeClass) {
        return SPAN_SLABS[sizeClass];
    }

    /** Bytes of one span of this class (its slabs, whole). */
    public static long spanBytes(int sizeClass) {
        return (long) SPAN_SLABS[sizeClass] * Superslab.SLAB_SIZE;
    }

    public static int slotsPerSpan(int sizeClass) {
        return SPAN_SLABS[sizeClass] * Superslab.SLAB_SIZE / SLOT_SIZE[sizeClass];
    }

    private static int slabsFor(long bytes) {
        return (int) ((bytes + Superslab.SLAB_SIZE - 1) / Superslab.SLAB_SIZE);
    }

    private static int computeSlotSize(int c) {
        if (c == 0) {
            return MIN_SIZE;
        }
        int group = (c - 1) >>> 2;
        int step = (c - 1) & 3;
        return (MIN_SIZE << group) + (step + 1) * (4 << group);
    }
}
