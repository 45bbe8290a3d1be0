/*
 * OsStats: an immutable snapshot of what OsMemory asked of the kernel.
 *
 *   mmap / munmap / madvise   system calls made and bytes they covered (failed calls included in the
 *                             call counts, their bytes not); not counted: the mincore calls and
 *                             smaps reads that only monitoring makes (residentBytes, lazyFreeBytes)
 *   *Failures                 calls the kernel refused; capRefusals: maps refused by our own cap
 *   leanDecommits             decommits of free memory (madvise FREE or DONTNEED) by the release
 *                             policy or trim(), and the bytes they covered
 *   leanRetires               superslabs unmapped because they were empty (policy or trim()), and bytes
 *   mapped / peakMapped       bytes mapped now, and the most ever mapped at once
 *   decommitDisabled          true once a failed madvise or munmap has switched decommit off
 *   freeRefused               true once the kernel refused MADV_FREE as unknown (EINVAL, before
 *                             Linux 4.5): FREE then gives back with MADV_DONTNEED
 */
package org.hakmem.netty.os;

/**
 * An immutable snapshot of what one allocator asked of the kernel, from
 * {@link org.hakmem.netty.HakmemAllocatorMetric#osStats()}. Calls and bytes are totals since the
 * allocator was built; failed calls count in the calls, not in the bytes. What monitoring reads is not
 * counted: the {@code mincore} calls of {@code residentBytes()}, nor the reads of {@code /proc/self/smaps}.
 *
 * @param mmapCalls mmap calls, failed ones included
 * @param mmapBytes bytes that successful mmap calls mapped (alignment slack included)
 * @param munmapCalls munmap calls, failed ones included
 * @param munmapBytes bytes that successful munmap calls unmapped
 * @param madviseCalls madvise calls, failed ones included
 * @param madviseBytes bytes that successful madvise calls covered
 * @param mmapFailures mmap calls the kernel refused
 * @param munmapFailures munmap calls the kernel refused
 * @param madviseFailures madvise calls the kernel refused
 * @param capRefusals mappings refused by the allocator's own cap on mapped bytes, with no system call
 * @param leanDecommits decommits of free memory (madvise FREE or DONTNEED) by LEAN's purge or
 *        {@code trim()}
 * @param leanDecommitBytes bytes those decommits covered
 * @param leanRetires empty superslabs unmapped (by LEAN's purge, {@code trim()}, or to make room at
 *        the cap)
 * @param leanRetireBytes bytes those retires unmapped
 * @param mappedBytes bytes mapped now
 * @param peakMappedBytes the most bytes ever mapped at once
 * @param mappings mappings now: superslabs and huge buffers' blocks
 * @param decommitDisabled true once a decommit or retire failed (a refused MADV_FREE aside, see
 *        {@code freeRefused}) and so switched giving memory back off for every allocator of the process:
 *        free memory then stays mapped and resident
 * @param freeRefused true once the kernel refused MADV_FREE as unknown (before Linux 4.5), so that
 *        {@link DecommitMode#FREE} gives back with MADV_DONTNEED, for the whole process
 */
public record OsStats(
        long mmapCalls, long mmapBytes, long munmapCalls, long munmapBytes,
        long madviseCalls, long madviseBytes,
        long mmapFailures, long munmapFailures, long madviseFailures, long capRefusals,
        long leanDecommits, long leanDecommitBytes, long leanRetires, long leanRetireBytes,
        long mappedBytes, long peakMappedBytes, int mappings, boolean decommitDisabled,
        boolean freeRefused) {

    /**
     * Returns the mmap, munmap and madvise calls made, failed ones included.
     *
     * @return the number of system calls
     */
    public long syscalls() {
        return mmapCalls + munmapCalls + madviseCalls;
    }

    /**
     * Returns the counters in one line, for logs (as in the report printed at exit).
     *
     * @return a description of the counters
     */
    @Override
    public String toString() {
        return "mmap=" + mmapCalls + " (" + mmapBytes + " B), munmap=" + munmapCalls + " (" + munmapBytes
                + " B), madvise=" + madviseCalls + " (" + madviseBytes + " B), lean_decommit=" + leanDecommits
                + " (" + leanDecommitBytes + " B), lean_retire=" + leanRetires + " (" + leanRetireBytes
                + " B), failures: mmap=" + mmapFailures + " munmap=" + munmapFailures + " madvise="
                + madviseFailures + ", cap refusals=" + capRefusals + ", mapped=" + mappedBytes + " B (peak "
                + peakMappedBytes + " B) in " + mappings + " mappings"
                + (decommitDisabled ? ", decommit DISABLED" : "")
                + (freeRefused ? ", MADV_FREE refused by the kernel: DONTNEED used" : "");
    }
}
