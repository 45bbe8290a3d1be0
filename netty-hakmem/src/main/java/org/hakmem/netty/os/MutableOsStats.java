/*
 * MutableOsStats: OsMemory's counters. Plain fields: every write happens under OsMemory's monitor.
 */
package org.hakmem.netty.os;

final class MutableOsStats {
    long mmapCalls;
    long mmapBytes;
    long munmapCalls;
    long munmapBytes;
    long madviseCalls;
    long madviseBytes;
    long mmapFailures;
    long munmapFailures;
    long madviseFailures;
    long capRefusals;
    long leanDecommits;
    long leanDecommitBytes;
    long leanRetires;
    long leanRetireBytes;
    long mappedBytes;
    long peakMappedBytes;

    OsStats snapshot(int mappings, boolean decommitDisabled, boolean freeRefused) {
        return new OsStats(mmapCalls, mmapBytes, munmapCalls, munmapBytes, madviseCalls, madviseBytes,
                mmapFailures, munmapFailures, madviseFailures, capRefusals,
                leanDecommits, leanDecommitBytes, leanRetires, leanRetireBytes,
                mappedBytes, peakMappedBytes, mappings, decommitDisabled, freeRefused);
    }
}
