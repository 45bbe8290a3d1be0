/*
 * HakmemAllocatorMetric: what the allocator holds, in Netty's metric interface and beyond it.
 *
 *   usedDirectMemory  bytes of slots (and huge mappings) held by live direct buffers
 *   usedHeapMemory    bytes of arrays held by live heap buffers
 *   mappedBytes       address space mapped from the kernel (superslabs + huge mappings, live or kept)
 *   residentBytes     pages of those mappings that are resident now (mincore; costs a system call
 *                     per mapping, so call it from monitoring, not per request). Pages given back
 *                     with MADV_FREE count until the kernel reclaims them.
 *   committedBytes    bytes that may be resident by the allocator's own account: slabs in live
 *                     spans, free slabs not yet decommitted, huge blocks. No system call; LEAN's
 *                     budget is checked against it.
 *     = spanBytes          slabs cut into spans for thread heaps: used slots plus free ones
 *     + freeCommittedBytes free slabs waiting for the purge (LEAN) or kept (FAST), and
 *                          keptHugeBytes: released huge mappings kept for the next huge buffers
 *     + huge mappings      of live buffers (usedDirectMemory covers those too)
 *                     spanBytes - (usedDirectMemory - live huge blocks) is the fragmentation
 *                     inside spans: free slots and the rounding of requests up to their size class
 *                     (usedDirectMemory counts huge blocks, spanBytes does not).
 *   lazyFreeBytes     bytes given back with MADV_FREE that the kernel has not reclaimed yet
 *                     (LazyFree in /proc/self/smaps): still in RSS. Slow (reads smaps).
 *   hugeBytes         the mappings of live buffers over 1 MiB (usedDirectMemory counts them too)
 *   keptHugeBytes     mappings of released buffers over 1 MiB, kept for reuse (in freeCommittedBytes)
 *   sizeClasses       one row per size class (HakmemSizeClassMetric): spans, their bytes, live
 *                     slots, spans acquired and released; their live bytes plus hugeBytes are
 *                     usedDirectMemory
 *   spansAcquired/Released  spans heaps took from the pool and gave back since creation: their rate
 *                     is the span churn, the traffic that free slabs waiting for the purge absorb.
 *   threadHeaps       heaps of live platform threads (one each); sharedHeaps: the lanes virtual
 *                     threads share (SharedCaches), 0 until one allocates.
 *
 * Values read while other threads allocate are a consistent-enough snapshot for monitoring: each
 * number is exact once the threads that touched the allocator are quiet (or have been joined).
 */
package org.hakmem.netty;

import io.netty.buffer.ByteBufAllocatorMetric;
import org.hakmem.netty.os.OsStats;
import org.hakmem.netty.slab.SizeClasses;
import org.hakmem.netty.slab.SuperslabPool;

import java.util.List;

/**
 * What a {@link HakmemByteBufAllocator} holds: Netty's {@link ByteBufAllocatorMetric}, and beyond it
 * the memory the allocator maps, keeps resident or commits, and the system calls it made. Get it with
 * {@link HakmemByteBufAllocator#metric()}; every method reads current values. Any thread may call
 * them. Values read while other threads allocate are a snapshot good enough for monitoring; each is
 * exact once the threads that used the allocator are quiet (or have been joined). Unless a method says
 * otherwise, it makes no system call.
 */
public final class HakmemAllocatorMetric implements ByteBufAllocatorMetric {
    private final HakmemByteBufAllocator alloc;

    HakmemAllocatorMetric(HakmemByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /**
     * Returns the bytes of the arrays held by live heap buffers of this allocator (array lengths).
     * Released arrays that a thread keeps for its next heap buffers of the same length (at most 4 MiB a
     * thread, until it exits or calls {@link HakmemByteBufAllocator#trim()}) are not counted: unlike
     * Netty's pooled allocator, whose figure counts its arenas' chunks whole, free space included.
     *
     * @return bytes of heap memory in use, never -1
     */
    @Override
    public long usedHeapMemory() {
        return alloc.usedHeapBytes();
    }

    /**
     * Returns the bytes held by live direct buffers: their slots, counted at the size of their size
     * class (a 100-byte buffer counts 112), and the page-rounded mappings of buffers over 1 MiB. Unlike
     * Netty's pooled allocator, memory mapped but not held by a buffer is not counted here: see
     * {@link #mappedBytes()}.
     *
     * @return bytes of direct memory in use, never -1
     */
    @Override
    public long usedDirectMemory() {
        return alloc.pool().liveBytes();
    }

    /**
     * Returns the bytes of the mappings of live buffers over 1 MiB (each has a mapping of its own,
     * page-rounded). With {@link #sizeClasses()}' live bytes they make up {@link #usedDirectMemory()}.
     *
     * @return bytes of huge buffers in use
     */
    public long hugeBytes() {
        return alloc.pool().hugeBytes();
    }

    /**
     * Returns one row per size class, all 65 in order of slot size (16 B to 1 MiB), with its spans, the
     * slots live buffers hold, and the spans the class has acquired and released (its churn): where
     * {@link #spanBytes()} and the slot part of {@link #usedDirectMemory()} are, class by class. Walks the live spans while holding the lock
     * threads take for new spans: for monitoring, not per request. A snapshot in the sense of this
     * class: exact once the threads that used the allocator are quiet.
     *
     * @return an immutable list of {@code 65} rows, indexed by {@link HakmemSizeClassMetric#sizeClass()}
     */
    public List<HakmemSizeClassMetric> sizeClasses() {
        SuperslabPool.ClassCounts counts = alloc.pool().countByClass();
        HakmemSizeClassMetric[] rows = new HakmemSizeClassMetric[SizeClasses.COUNT];
        for (int c = 0; c < rows.length; c++) {
            rows[c] = new HakmemSizeClassMetric(c, counts.spans[c], counts.liveSlots[c], counts.spansAcquired[c],
                    counts.spansReleased[c]);
        }
        return List.of(rows);
    }

    /**
     * Returns the address space mapped from the kernel now: superslabs and the mappings of huge buffers.
     * This is what the cap ({@link HakmemConfig#maxMappedBytes()}) bounds.
     *
     * @return mapped bytes
     */
    public long mappedBytes() {
        return alloc.os().mappedBytes();
    }

    /**
     * Returns the bytes of this allocator's mappings that are resident now, from {@code mincore}:
     * exact while no mapping comes or goes (one that goes during the call may be counted or not). One
     * system call per mapping, so call it from monitoring, not per request; the calls hold up no
     * allocation. Pages given back with {@code MADV_FREE} count until the kernel reclaims them. These
     * calls are not counted in {@link #osStats()}, so monitoring does not change the allocator's figures.
     *
     * @return resident bytes
     * @throws IllegalStateException if the kernel refuses a {@code mincore} call (it answers
     *         {@code EAGAIN} when short of memory); the message names the call and the errno
     */
    public long residentBytes() {
        return alloc.os().residentBytes();
    }

    /**
     * Returns the bytes that may be resident by the allocator's own account: {@link #spanBytes()} plus
     * {@link #freeCommittedBytes()} plus the mappings of huge buffers. LEAN's budget
     * ({@link HakmemConfig#leanTargetBytes()}) is checked against it.
     *
     * @return committed bytes
     */
    public long committedBytes() {
        return alloc.pool().committedBytes();
    }

    /**
     * Returns the bytes of the slabs cut into spans for thread heaps (or left by dead threads): used
     * slots, free slots and untouched pages alike. Less the slot part of {@link #usedDirectMemory()},
     * it is the fragmentation inside spans.
     *
     * @return bytes in spans
     */
    public long spanBytes() {
        return alloc.pool().spanBytes();
    }

    /**
     * Returns the bytes of free memory that may still be resident: free slabs, in no span, that have not
     * been decommitted (what LEAN's purge waits to give back, or what FAST keeps), plus
     * {@link #keptHugeBytes()}.
     *
     * @return bytes of free memory that may still be resident
     */
    public long freeCommittedBytes() {
        return alloc.pool().freeCommittedBytes();
    }

    /**
     * Returns the bytes of the mappings of released buffers over 1 MiB that the allocator keeps for its
     * next buffers of about their size: up to 8 mappings and {@link HakmemConfig#keptHugeBytes()} (by
     * default 64 MiB, at most a quarter of the mapping cap and, in LEAN, the budget). FAST keeps them
     * until {@link HakmemByteBufAllocator#trim()} or until the cap needs room; LEAN gives them back as it does free memory, after the decay (100 ms while over the budget).
     * Part of {@link #freeCommittedBytes()}.
     *
     * @return bytes of released huge mappings kept for reuse
     */
    public long keptHugeBytes() {
        return alloc.pool().keptHugeBytes();
    }

    /**
     * Returns how many spans thread heaps have taken from the allocator's pool since it was built. Its
     * rate, with {@link #spansReleased()}'s, is the span churn.
     *
     * @return spans acquired so far
     */
    public long spansAcquired() {
        return alloc.pool().spansAcquired();
    }

    /**
     * Returns how many empty spans have gone back to the allocator's pool since it was built.
     *
     * @return spans released so far
     */
    public long spansReleased() {
        return alloc.pool().spansReleased();
    }

    /**
     * Returns the bytes given back with {@code MADV_FREE} that the kernel has not reclaimed yet, so
     * still counted in RSS: the {@code LazyFree} of the areas of {@code /proc/self/smaps} that overlap
     * this allocator's mappings (an area the kernel merged with a neighbour counts whole). Reads that
     * file, so it is slow: for monitoring only.
     *
     * @return lazily freed bytes; 0 if {@code /proc/self/smaps} is not readable
     * @throws IllegalStateException if reading {@code /proc/self/smaps} fails
     */
    public long lazyFreeBytes() {
        return alloc.os().lazyFreeBytes();
    }

    /**
     * Returns a snapshot of the system calls this allocator has made (mmap, munmap, madvise), their
     * bytes and failures, and what it has given back.
     *
     * @return an immutable snapshot of the counters
     */
    public OsStats osStats() {
        return alloc.os().stats();
    }

    /**
     * Returns how many superslabs (the 2 MiB mappings that slots come from) are mapped now.
     *
     * @return the number of superslabs
     */
    public int superslabs() {
        return alloc.pool().superslabCount();
    }

    /**
     * Returns how many spans are cut now: held by thread heaps, by the heaps virtual threads share, or
     * orphaned.
     *
     * @return the number of live spans
     */
    public int liveSpans() {
        return alloc.pool().liveSpanCount();
    }

    /**
     * Returns how many spans dead threads left holding live buffers, not yet adopted by another thread
     * nor released once empty.
     *
     * @return the number of orphaned spans
     */
    public int orphanSpans() {
        return alloc.pool().orphanCount();
    }

    /**
     * Returns how many heaps belong to live platform threads: one for each that has used this
     * allocator. Walks the heaps: for monitoring only.
     *
     * @return the number of thread heaps
     */
    public int threadHeaps() {
        return alloc.registry().liveHeaps();
    }

    /**
     * Returns how many heaps virtual threads share: 0 until a virtual thread allocates, then one per CPU.
     *
     * @return the number of shared heaps
     */
    public int sharedHeaps() {
        return alloc.shared().created();
    }

    /**
     * Returns the main figures in one line, for logs (not {@link #residentBytes()} nor
     * {@link #lazyFreeBytes()}, which cost system calls or file reads). Committed bytes are shown with
     * their parts, read together so that they add up: in spans, free, and the mappings of huge buffers.
     *
     * @return a description of what the allocator holds
     */
    @Override
    public String toString() {
        long[] committed = alloc.pool().committedParts();
        return "HakmemAllocatorMetric(usedDirect: " + usedDirectMemory() + ", usedHeap: " + usedHeapMemory()
                + ", mapped: " + mappedBytes() + ", committed: " + (committed[0] + committed[1] + committed[2])
                + " (in spans: " + committed[0] + ", free: " + committed[1] + ", huge: " + committed[2]
                + "), superslabs: " + superslabs() + ", spans: " + liveSpans()
                + ", orphans: " + orphanSpans() + ", heaps: " + threadHeaps() + ", shared heaps: " + sharedHeaps() + ")";
    }
}
