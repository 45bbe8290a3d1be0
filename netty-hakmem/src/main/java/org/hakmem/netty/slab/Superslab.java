/*
 * Superslab: one 2 MiB mapping, aligned to 2 MiB, cut into 32 slabs of 64 KiB.
 *
 *     base (multiple of 2 MiB)
 *     |<------------------------------- 2 MiB ------------------------------->|
 *     | slab 0 | slab 1 | slab 2 | slab 3 | ...                    | slab 31 |
 *       64 KiB   \____ span of 3 slabs ____/
 *                (one size class, one owner)
 *
 *     slabMask    (int): bit i set <=> slab i belongs to a live span
 *     dirtyMask   (int): bit i set <=> slab i is free and may be resident (touched, or prewarmed,
 *                        since it was last decommitted); freedAt[i] says since when it is free
 *     purgingMask (int): bit i set <=> slab i is being decommitted right now, outside the pool's
 *                        monitor; it is neither free nor dirty until the purge finishes
 *     layout[i]          the size class of the last span that held slab i, and the slab's index in it
 *
 *     a slab is in exactly one state:   live (slabMask) | dirty | purging | clean (none of them:
 *                                       free, and decommitted or never touched)
 *
 * Why 2 MiB: it is the x86-64 huge page size, so a superslab never straddles a huge page and a
 * kernel with THP can back a busy one with a single TLB entry; it holds 32 slabs, which fit a 32-bit
 * mask; it is small enough that one idle superslab is a cheap unit to keep (FAST) or give back
 * (LEAN), and large enough that mapping is rare (one mmap per 2 MiB of slots).
 *
 * Why 64 KiB slabs: the smallest class (16 B) gets 4096 slots per slab, the largest one-slab class
 * (8 KiB) gets 8; a slab index fits 5 bits; madvise on a slab covers 16 pages.
 *
 * All metadata lives on the Java heap; the mapped memory holds only user bytes. The memory is
 * reached through one direct ByteBuffer over the whole superslab, created once, so buffers work
 * without Unsafe (JDK 25 by default): absolute get/put on a ByteBuffer is intrinsified on JDK 17 and
 * JDK 25 alike. Where Netty has Unsafe, single values go through it (HakmemDirectByteBuf).
 *
 * The masks, freedAt and layout are guarded by the SuperslabPool's monitor.
 */
package org.hakmem.netty.slab;

import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

public final class Superslab {
    public static final int SLAB_SHIFT = 16;
    public static final int SLAB_SIZE = 1 << SLAB_SHIFT;
    public static final int SLABS = 32;
    public static final int SIZE = SLAB_SIZE * SLABS;

    final long base;
    final ByteBuffer memory;
    /** Bit i set when slab i is part of a live span. Guarded by the pool. */
    int slabMask;
    /** Bit i set when slab i is free and may be resident. Guarded by the pool. */
    int dirtyMask;
    /** Bit i set while slab i is being decommitted. Guarded by the pool. */
    int purgingMask;
    /** System.nanoTime() when slab i last became free (meaningful while it is dirty). */
    final long[] freedAt = new long[SLABS];
    /** System.nanoTime() when the superslab last became empty. */
    long emptySince;
    /**
     * Per slab: where it sat in the last span that held it, as (class << 8 | index of the slab in
     * that span) + 1; 0 if never in a span. Meaningful while the slab is dirty: its resident pages are
     * the ones that span's buffers wrote (see SuperslabPool, "same layout first").
     */
    final int[] layout = new int[SLABS];

    Superslab(long base) {
        this.base = base;
        // JNA hands out native-order views; Netty's buffers are big-endian.
        this.memory = new Pointer(base).getByteBuffer(0, SIZE).order(ByteOrder.BIG_ENDIAN);
    }

    /** No live span and no purge in progress. */
    boolean isEmpty() {
        return slabMask == 0 && purgingMask == 0;
    }

    /** findFreeRun: any free slabs. */
    static final int ANY = 0;
    /** findFreeRun: free slabs that may be resident (dirty) only. */
    static final int DIRTY = 1;
    /** findFreeRun: free slabs that are not resident (clean) only. */
    static final int CLEAN = 2;
    /**
     * findFreeRun: dirty slabs that last held a span of the requested class starting at the run's
     * first slab, each at the same place in it, so a span cut there has its slots where the old one
     * had them.
     */
    static final int SAME_LAYOUT = 3;

    /**
     * First index of a run of {@code count} free slabs, all of them of the given kind, or -1.
     * {@code sizeClass} matters only for SAME_LAYOUT.
     */
    int findFreeRun(int count, int kind, int sizeClass) {
        long run = bits(0, count) & 0xFFFF_FFFFL;
        long taken = (slabMask | purgingMask) & 0xFFFF_FFFFL;
        long dirty = dirtyMask & 0xFFFF_FFFFL;
        for (int i = 0; i + count <= SLABS; i++) {
            long r = run << i;
            if ((taken & r) == 0 && isKind(kind, (dirty & r) == r, (dirty & r) == 0, i, count, sizeClass)) {
                return i;
            }
        }
        return -1;
    }

    private boolean isKind(int kind, boolean allDirty, boolean allClean, int first, int count, int sizeClass) {
        switch (kind) {
            case DIRTY:
                return allDirty;
            case CLEAN:
                return allClean;
            case SAME_LAYOUT:
                return allDirty && sameLayout(first, count, sizeClass);
            default:
                return true;
        }
    }

    /** The slabs of a new span leave the free state (dirty or clean) and become live. */
    void markLive(Slab span) {
        int first = span.firstSlab;
        int count = span.slabCount;
        int b = bits(first, count);
        slabMask |= b;
        dirtyMask &= ~b;
        for (int j = 0; j < count; j++) {
            layout[first + j] = layoutOf(span.sizeClass, j);
        }
    }

    /** Whether slabs [first, first + count) sit as slabs 0..count-1 of a span of the class did. */
    private boolean sameLayout(int first, int count, int sizeClass) {
        for (int j = 0; j < count; j++) {
            if (layout[first + j] != layoutOf(sizeClass, j)) {
                return false;
            }
        }
        return true;
    }

    private static int layoutOf(int sizeClass, int indexInSpan) {
        return (sizeClass << 8 | indexInSpan) + 1;
    }

    /** The slabs of a released span become free and dirty, as of {@code now}. */
    void markFree(int first, int count, long now) {
        int b = bits(first, count);
        slabMask &= ~b;
        markDirty(b, now);
        if (slabMask == 0) {
            emptySince = now;
        }
    }

    /** Touches one byte per page of every free slab (prewarm), which makes them dirty. */
    void prewarm(long pageSize, long now) {
        for (int offset = 0; offset < SIZE; offset += (int) pageSize) {
            memory.put(offset, (byte) 0);
        }
        markDirty(~slabMask, now);
    }

    /** The slabs of {@code bits} are free and may be resident, as of {@code now}. */
    private void markDirty(int bits, long now) {
        dirtyMask |= bits;
        for (int i = 0; i < SLABS; i++) {
            if ((bits & (1 << i)) != 0) {
                freedAt[i] = now;
            }
        }
    }

    /** The bits of slabs [first, first + count). */
    static int bits(int first, int count) {
        long run = count == SLABS ? 0xFFFF_FFFFL : (1L << count) - 1;
        return (int) (run << first);
    }

    long slabAddress(int slab) {
        return base + ((long) slab << SLAB_SHIFT);
    }
}
