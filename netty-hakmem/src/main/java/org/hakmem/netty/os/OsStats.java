/*
 * OsStats: an immutable snapshot of what OsMemory asked of the kernel.
 *
 *   mmap / munmap / madvise   system calls made and bytes they covered (failed calls included in the
 *                             call counts, their bytes not)
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

public record OsStats(
        long mmapCalls, long mmapBytes, long munmapCalls, long munmapBytes,
        long madviseCalls, long madviseBytes,
        long mmapFailures, long munmapFailures, long madviseFailures, long capRefusals,
        long leanDecommits, long leanDecommitBytes, long leanRetires, long leanRetireBytes,
        long mappedBytes, long peakMappedBytes, int mappings, boolean decommitDisabled,
        boolean freeRefused) {

    /** System calls of every kind, failed ones included. */
    public long syscalls() {
        return mmapCalls + munmapCalls + madviseCalls;
    }

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
