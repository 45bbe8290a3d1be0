/*
 * DecommitMode: how empty memory goes back to the kernel while staying mapped.
 */
package org.hakmem.netty.os;

/**
 * How free memory goes back to the kernel while staying mapped: the mode of a LEAN allocator's
 * background purge and of {@link org.hakmem.netty.HakmemByteBufAllocator#trim()} in either profile.
 * Set with {@link org.hakmem.netty.HakmemConfig.Builder#leanDecommit(DecommitMode)},
 * {@code -Dhakmem.ss.memLeanDecommit} or {@code HAKMEM_SS_MEM_LEAN_DECOMMIT}; the default is
 * {@link #FREE}.
 */
public enum DecommitMode {
    /** madvise(MADV_FREE): cheap; the kernel reclaims the pages lazily, under memory pressure. They
     *  stay counted in RSS until then (LazyFree in /proc/self/smaps). A kernel that does not know
     *  MADV_FREE (before Linux 4.5) gets MADV_DONTNEED instead, for the whole process from the first
     *  refusal on. */
    FREE,
    /** madvise(MADV_DONTNEED): the pages leave RSS at once; the next touch faults in a zero page. */
    DONTNEED,
    /** Never decommit: free slabs stay resident. A LEAN allocator then gives nothing back; it differs
     *  from FAST only in where pages come from (no prewarm, clean slabs first, no transparent huge
     *  pages) and in keeping idle threads' empty spans.
     *  {@link org.hakmem.netty.HakmemByteBufAllocator#trim()}, and a thread at the mapping cap making
     *  room, still unmap wholly free superslabs. */
    OFF
}
