/*
 * OsStats: an immutable snapshot of what OsMemory asked of the kernel.
 */
package org.hakmem.netty.os;

public record OsStats(
        long mmapCalls, long mmapBytes, long munmapCalls, long munmapBytes,
        long madviseCalls, long madviseBytes,
        long mmapFailures, long munmapFailures, long madviseFailures, long capRefusals,
        long mappedBytes, long peakMappedBytes, int mappings, boolean decommitDisabled) {

    /** System calls of every kind, failed ones included. */
    public long syscalls() {
        return mmapCalls + munmapCalls + madviseCalls;
    }

    @Override
    public String toString() {
        return "mmap=" + mmapCalls + " (" + mmapBytes + " B), munmap=" + munmapCalls + " (" + munmapBytes
                + " B), madvise=" + madviseCalls + " (" + madviseBytes + " B), failures: mmap=" + mmapFailures
                + " munmap=" + munmapFailures + " madvise=" + madviseFailures + ", cap refusals=" + capRefusals
                + ", mapped=" + mappedBytes + " B (peak " + peakMappedBytes + " B) in " + mappings + " mappings"
                + (decommitDisabled ? ", decommit DISABLED" : "");
    }
}
