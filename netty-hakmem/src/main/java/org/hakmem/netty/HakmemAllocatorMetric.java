/*
 * HakmemAllocatorMetric: what the allocator holds, in Netty's metric interface and beyond it.
 *
 *   usedDirectMemory  bytes of slots (and huge mappings) held by live direct buffers
 *   usedHeapMemory    bytes of arrays held by live heap buffers
 *   mappedBytes       address space mapped from the kernel (superslabs + huge mappings)
 *   residentBytes     pages of those mappings that are resident now (mincore; costs a system call
 *                     per mapping, so call it from monitoring, not per request). Pages given back
 *                     with MADV_FREE count until the kernel reclaims them.
 *   committedBytes    bytes that may be resident by the allocator's own account: slabs in live
 *                     spans, free slabs not yet decommitted, huge blocks. No system call; LEAN's
 *                     budget is checked against it.
 *     = spanBytes          slabs cut into spans for thread heaps: used slots plus free ones
 *     + freeCommittedBytes free slabs waiting for the purge (LEAN) or kept (FAST)
 *     + huge mappings      (usedDirectMemory covers those too)
 *                     spanBytes - (usedDirectMemory - live huge blocks) is the fragmentation
 *                     inside spans: free slots and the rounding of requests up to their size class
 *                     (usedDirectMemory counts huge blocks, spanBytes does not).
 *   lazyFreeBytes     bytes given back with MADV_FREE that the kernel has not reclaimed yet
 *                     (LazyFree in /proc/self/smaps): still in RSS. Slow (reads smaps).
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

public final class HakmemAllocatorMetric implements ByteBufAllocatorMetric {
    private final HakmemByteBufAllocator alloc;

    HakmemAllocatorMetric(HakmemByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    @Override
    public long usedHeapMemory() {
        return alloc.usedHeapBytes();
    }

    @Override
    public long usedDirectMemory() {
        return alloc.pool().liveBytes();
    }

    public long mappedBytes() {
        return alloc.os().mappedBytes();
    }

    public long residentBytes() {
        return alloc.os().residentBytes();
    }

    public long committedBytes() {
        return alloc.pool().committedBytes();
    }

    public long spanBytes() {
        return alloc.pool().spanBytes();
    }

    public long freeCommittedBytes() {
        return alloc.pool().freeCommittedBytes();
    }

    public long spansAcquired() {
        return alloc.pool().spansAcquired();
    }

    public long spansReleased() {
        return alloc.pool().spansReleased();
    }

    public long lazyFreeBytes() {
        return alloc.os().lazyFreeBytes();
    }

    public OsStats osStats() {
        return alloc.os().stats();
    }

    public int superslabs() {
        return alloc.pool().superslabCount();
    }

    public int liveSpans() {
        return alloc.pool().liveSpanCount();
    }

    public int orphanSpans() {
        return alloc.pool().orphanCount();
    }

    public int threadHeaps() {
        return alloc.registry().liveHeaps();
    }

    /** Heaps virtual threads share (SharedCaches): 0 until a virtual thread allocates, then one per CPU. */
    public int sharedHeaps() {
        return alloc.shared().created();
    }

    @Override
    public String toString() {
        return "HakmemAllocatorMetric(usedDirect: " + usedDirectMemory() + ", usedHeap: " + usedHeapMemory()
                + ", mapped: " + mappedBytes() + ", committed: " + committedBytes() + " (in spans: " + spanBytes()
                + ", free: " + freeCommittedBytes() + "), superslabs: " + superslabs() + ", spans: " + liveSpans()
                + ", orphans: " + orphanSpans() + ", heaps: " + threadHeaps() + ", shared heaps: " + sharedHeaps() + ")";
    }
}
