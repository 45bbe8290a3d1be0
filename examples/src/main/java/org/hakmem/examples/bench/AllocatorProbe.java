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

    /** netty-hakmem: mmap + munmap + madvise calls so far; -1 for other allocators. */
    public long syscalls() {
        return hakmem != null ? hakmem.osStats().syscalls() : -1;
    }
}
