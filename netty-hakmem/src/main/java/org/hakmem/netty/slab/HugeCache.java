/*
 * HugeCache: released huge blocks, kept mapped for the next buffers of about their size.
 *
 * A buffer over SizeClasses.MAX_SIZE has a mapping of its own. A new mapping costs an mmap, a page
 * fault for each 4 KiB page the buffer writes (the kernel zeroes every one) and an munmap when it is
 * released: 1-2 ms for a 2 MiB buffer written page by page on this project's machines, against
 * 70-150 us with Pooled and Adaptive, and 4 us once the mapping is kept (docs/BENCHMARKS.md,
 * "Buffers over 1 MiB"). A server that encodes large responses, or a decoder
 * whose cumulation outgrows 1 MiB, pays that on every one. So a released block is kept, and the next
 * huge request it fits takes it back as it is:
 *
 *     release:   block --keep--> [ b0 | b1 | ... ]   at most KEPT_BLOCKS blocks and maxBytes in all
 *                                                     (the setting keptHugeMB; SuperslabPool gives the default);
 *                                                     a block that does not fit is unmapped, as before
 *     allocate:  [ ... ] --take(size)--> the smallest block of size..size * 5/4 bytes (waste at most
 *                                       25%, as the size classes'), else a new mapping
 *     purge:     [ ... ] --takeDue--> unmapped, as the policy says of an empty superslab: FAST at
 *                                   trim() or when the cap needs room, LEAN after the decay
 *
 * A block is kept only once no buffer holds it: the buffer's last release, or a capacity change that
 * moved its bytes elsewhere. Its bytes are not cleared, as a slot's are not. Not thread-safe: the
 * pool's monitor guards it.
 */
package org.hakmem.netty.slab;

import java.util.ArrayList;
import java.util.List;

final class HugeCache {
    /** At most this many blocks are kept. */
    static final int KEPT_BLOCKS = 8;

    private final HugeBlock[] blocks = new HugeBlock[KEPT_BLOCKS];
    private final long[] keptAt = new long[KEPT_BLOCKS];
    private final long maxBytes;
    private int count;
    private long bytes;

    /** @param maxBytes at most this many bytes of blocks are kept; 0 keeps none */
    HugeCache(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: 0 or more)");
        }
        this.maxBytes = maxBytes;
    }

    /** The smallest kept block that serves size bytes with at most 25% to spare, taken out; or null. */
    HugeBlock take(long size) {
        int best = -1;
        for (int i = 0; i < count; i++) {
            long s = blocks[i].size;
            if (s >= size && s - size <= size / 4 && (best < 0 || s < blocks[best].size)) {
                best = i;
            }
        }
        return best < 0 ? null : removeAt(best);
    }

    /** Keeps a released block if there is room; false if the caller must unmap it. */
    boolean keep(HugeBlock block, long now) {
        if (count == KEPT_BLOCKS || block.size > maxBytes - bytes) {
            return false;
        }
        put(block, now);
        return true;
    }

    /**
     * Puts back a block taken out to be unmapped whose munmap was never tried (the purge stopped on a
     * JNA Error first): it is mapped and intact, so it stays usable, over the byte limit if need be. If
     * other releases filled every place meanwhile, it stays mapped and unused, as a released block
     * whose munmap failed does (counted in mappedBytes only).
     */
    void putBack(HugeBlock block, long now) {
        if (count < KEPT_BLOCKS) {
            put(block, now);
        }
    }

    private void put(HugeBlock block, long now) {
        blocks[count] = block;
        keptAt[count] = now;
        count++;
        bytes += block.size;
    }

    /** Takes out the blocks the test says are due, given how long each has been kept (nanoseconds). */
    List<HugeBlock> takeDue(long now, Due due) {
        List<HugeBlock> taken = new ArrayList<>();
        for (int i = count - 1; i >= 0; i--) {
            if (due.test(blocks[i], now - keptAt[i])) {
                taken.add(removeAt(i));
            }
        }
        return taken;
    }

    /** Whether a kept block should go back to the kernel now. */
    interface Due {
        boolean test(HugeBlock block, long keptNanos);
    }

    private HugeBlock removeAt(int i) {
        HugeBlock b = blocks[i];
        count--;
        blocks[i] = blocks[count];
        keptAt[i] = keptAt[count];
        blocks[count] = null;
        bytes -= b.size;
        return b;
    }

    /** Bytes of the blocks kept now. */
    long bytes() {
        return bytes;
    }

    /** Blocks kept now. */
    int count() {
        return count;
    }
}
