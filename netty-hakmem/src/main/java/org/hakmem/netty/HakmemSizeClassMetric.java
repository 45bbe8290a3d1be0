/*
 * HakmemSizeClassMetric: one size class's share of what the allocator holds, a row of
 * HakmemAllocatorMetric.sizeClasses().
 *
 *     span of a class:  [live][free][live][live][free] ... [never handed out]
 *                        \_____________ slots() = spans() * slotsPerSpan _____/
 *     liveSlots()       slots held by live buffers (a remote release counts once it is made,
 *                       before the owning thread collects it)
 *     freeSlots()       the rest: free-listed slots and the tail never handed out, which this span
 *                       has not touched (resident all the same where FAST prewarmed the superslab,
 *                       or an earlier span's buffers wrote there and the slab was not given back)
 *     spanBytes()       the slabs the spans take (64 KiB each): the class's share of spanBytes()
 *     spansAcquired()   spans the class took from the pool since the allocator was built, and
 *     spansReleased()   gave back: their rate is the class's churn
 *
 * It is what Netty's pooled allocator spreads over its subpage and chunk metrics, folded into one row
 * per class: a class with many spans and few live slots is where the memory of a burst stayed, or
 * where buffers of one size are released by other threads faster than their owners collect them.
 */
package org.hakmem.netty;

import org.hakmem.netty.slab.SizeClasses;

/**
 * One size class of a {@link HakmemByteBufAllocator}: its slot size, how many spans it holds, and how
 * many of their slots live buffers hold. A snapshot, taken by {@link HakmemAllocatorMetric#sizeClasses()};
 * immutable.
 */
public final class HakmemSizeClassMetric {
    private final int sizeClass;
    private final int spans;
    private final long liveSlots;
    private final long spansAcquired;
    private final long spansReleased;

    HakmemSizeClassMetric(int sizeClass, int spans, long liveSlots, long spansAcquired, long spansReleased) {
        this.sizeClass = sizeClass;
        this.spans = spans;
        this.liveSlots = liveSlots;
        this.spansAcquired = spansAcquired;
        this.spansReleased = spansReleased;
    }

    /**
     * Returns the index of the class, from 0 (16 B) to 64 (1 MiB), in order of slot size.
     *
     * @return the class index
     */
    public int sizeClass() {
        return sizeClass;
    }

    /**
     * Returns the bytes of one slot: a buffer of this class takes this much whatever its capacity
     * (a 100-byte buffer takes a slot of 112).
     *
     * @return the slot size in bytes
     */
    public int slotSize() {
        return SizeClasses.slotSize(sizeClass);
    }

    /**
     * Returns how many spans of this class are cut now: held by thread heaps (empty spare spans
     * included), by the heaps virtual threads share, or orphaned by threads that died.
     *
     * @return the number of spans
     */
    public int spans() {
        return spans;
    }

    /**
     * Returns the bytes of the slabs those spans take, used slots or not.
     *
     * @return bytes in spans of this class
     */
    public long spanBytes() {
        return spans * SizeClasses.spanBytes(sizeClass);
    }

    /**
     * Returns how many slots the spans have in all.
     *
     * @return {@code spans() * slots per span}
     */
    public long slots() {
        return (long) spans * SizeClasses.slotsPerSpan(sizeClass);
    }

    /**
     * Returns how many slots live buffers hold.
     *
     * @return live slots
     */
    public long liveSlots() {
        return liveSlots;
    }

    /**
     * Returns the bytes live buffers hold in this class, counted at the slot size (as
     * {@link HakmemAllocatorMetric#usedDirectMemory()} counts them).
     *
     * @return {@code liveSlots() * slotSize()}
     */
    public long liveBytes() {
        return liveSlots * slotSize();
    }

    /**
     * Returns how many slots of the spans no live buffer holds.
     *
     * @return {@code slots() - liveSlots()}
     */
    public long freeSlots() {
        return slots() - liveSlots;
    }

    /**
     * Returns how many spans of this class thread heaps (and the lanes virtual threads share) have
     * taken from the allocator's pool since it was built.
     *
     * @return spans acquired so far
     */
    public long spansAcquired() {
        return spansAcquired;
    }

    /**
     * Returns how many empty spans of this class have gone back to the allocator's pool since it was
     * built. With {@link #spansAcquired()} it is the class's churn; their difference is
     * {@link #spans()}, also while threads work: the pool counts all three under its lock, and the row
     * reads them under it.
     *
     * @return spans released so far
     */
    public long spansReleased() {
        return spansReleased;
    }

    @Override
    public String toString() {
        return "class " + sizeClass + " (" + slotSize() + " B): spans " + spans + " (" + spanBytes() + " B), live slots "
                + liveSlots + " of " + slots() + " (" + liveBytes() + " B), spans acquired " + spansAcquired
                + ", released " + spansReleased;
    }
}
