/*
 * Superslab: one 2 MiB mapping, aligned to 2 MiB, cut into 32 slabs of 64 KiB.
 *
 *     base (multiple of 2 MiB)
 *     |<------------------------------- 2 MiB ------------------------------->|
 *     | slab 0 | slab 1 | slab 2 | slab 3 | ...                    | slab 31 |
 *       64 KiB   \____ span of 3 slabs ____/
 *                (one size class, one owner)
 *
 *     slabMask (int): bit i set <=> slab i belongs to a live span
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
 * reached through one direct ByteBuffer over the whole superslab, created once, so buffers need no
 * Unsafe: absolute get/put on a ByteBuffer is intrinsified on JDK 17 and JDK 25 alike.
 *
 * The mask is guarded by the SuperslabPool's monitor.
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

    Superslab(long base) {
        this.base = base;
        // JNA hands out native-order views; Netty's buffers are big-endian.
        this.memory = new Pointer(base).getByteBuffer(0, SIZE).order(ByteOrder.BIG_ENDIAN);
    }

    boolean isEmpty() {
        return slabMask == 0;
    }

    /** First index of a run of {@code count} free slabs, or -1. */
    int findFreeRun(int count) {
        long run = count == SLABS ? 0xFFFF_FFFFL : (1L << count) - 1;
        long mask = slabMask & 0xFFFF_FFFFL;
        for (int i = 0; i + count <= SLABS; i++) {
            if ((mask & (run << i)) == 0) {
                return i;
            }
        }
        return -1;
    }

    void markUsed(int first, int count, boolean used) {
        long run = count == SLABS ? 0xFFFF_FFFFL : (1L << count) - 1;
        int bits = (int) (run << first);
        slabMask = used ? slabMask | bits : slabMask & ~bits;
    }
}
