/*
 * AllocatorProbe: the allocator-side numbers a benchmark reports, for any ByteBufAllocator. Only
 * netty-hakmem can say how much of its memory is resident and how many system calls it made;
 * for Netty's allocators those read -1 ("not available"), never 0.
 */
package org.hakmem.examples.bench;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.hakmem.netty.HakmemAllocatorMetric;
import org.hakmem.netty.HakmemByteBufAllocator;

public final class AllocatorProbe {
    private final HakmemAllocatorMetric hakmem;
    private final ByteBufAllocatorMetricProvider netty;

    public AllocatorProbe(ByteBufAllocator alloc) {
        this.hakmem = alloc instanceof HakmemByteBufAllocator ? ((HakmemByteBufAllocator) alloc).metric() : null;
        this.netty = alloc instanceof ByteBufAllocatorMetricProvider ? (ByteBufAllocatorMetricProvider) alloc : null;
    }

    /** Bytes held by live direct buffers as the allocator counts them (Netty's metric); -1 if none. */
    public long usedDirect() {
        return netty != null ? netty.metric().usedDirectMemory() : -1;
    }

    /** netty-hakmem: bytes mapped from the kernel; -1 for other allocators. */
    public long mapped() {
        return hakmem != null ? hakmem.mappedBytes() : -1;
    }

    /** netty-hakmem: resident pages of its own mappings (mincore), in bytes; -1 for other allocators. */
    public long resident() {
        return hakmem != null ? hakmem.residentBytes() : -1;
    }

    /** netty-hakmem: bytes that may be resident by its own account (no system call); -1 for others. */
    public long committed() {
        return hakmem != null ? hakmem.committedBytes() : -1;
    }

    /** netty-hakmem: bytes of slabs cut into spans (used slots and free ones); -1 for others. */
    public long spanBytes() {
        return hakmem != null ? hakmem.spanBytes() : -1;
    }

    /** netty-hakmem: free slabs not yet decommitted (waiting for the purge, or kept); -1 for others. */
    public long freeCommitted() {
        return hakmem != null ? hakmem.freeCommittedBytes() : -1;
    }

    /** netty-hakmem: spans thread heaps took from the pool so far (span churn); -1 for others. */
    public long spansAcquired() {
        return hakmem != null ? hakmem.spansAcquired() : -1;
    }

    /** netty-hakmem: bytes given back with MADV_FREE the kernel has not reclaimed yet; -1 for others. */
    public long lazyFree() {
        return hakmem != null ? hakmem.lazyFreeBytes() : -1;
    }

    /** netty-hakmem: mmap + munmap + madvise calls so far; -1 for other allocators. */
    public long syscalls() {
        return hakmem != null ? hakmem.osStats().syscalls() : -1;
    }

    /** netty-hakmem: decommits (madvise) of free memory by the LEAN policy or trim(); -1 for others. */
    public long leanDecommits() {
        return hakmem != null ? hakmem.osStats().leanDecommits() : -1;
    }

    /** netty-hakmem: empty superslabs unmapped by the LEAN policy or trim(); -1 for others. */
    public long leanRetires() {
        return hakmem != null ? hakmem.osStats().leanRetires() : -1;
    }
}
