/*
 * MemoryFields: the memory figures every workload child reports at its measuring points, under the
 * same names: process RSS and peak (/proc/self/status), LazyFree (/proc/self/smaps_rollup), and the
 * allocator's own resident, mapped and used bytes (-1 where the allocator cannot tell).
 */
package org.hakmem.bench;

import org.hakmem.examples.bench.AllocatorProbe;
import org.hakmem.examples.bench.ProcStatus;

final class MemoryFields {
    private MemoryFields() {
    }

    /**
     * Adds rss_end_kib, hwm_kib, lazyfree_kib (process), resident_end, committed_end and its two
     * parts span_end and free_committed_end, mapped_end, used_direct_end (allocator) and the running
     * totals lean_decommits and lean_retires.
     */
    static void putEnd(ResultLine line, AllocatorProbe probe) {
        line.put("rss_end_kib", ProcStatus.statusKib("VmRSS"))
                .put("hwm_kib", ProcStatus.statusKib("VmHWM"))
                .put("lazyfree_kib", ProcStatus.smapsRollupKib("LazyFree"))
                .put("resident_end", probe.resident())
                .put("committed_end", probe.committed())
                .put("span_end", probe.spanBytes())
                .put("free_committed_end", probe.freeCommitted())
                .put("mapped_end", probe.mapped())
                .put("used_direct_end", probe.usedDirect())
                .put("lean_decommits", probe.leanDecommits())
                .put("lean_retires", probe.leanRetires());
    }

    /** Adds the sampler's peaks: rss_peak_kib (sampled VmRSS) and resident_peak. */
    static void putPeaks(ResultLine line, RssSampler sampler) {
        line.put("rss_peak_kib", sampler.peakRssKib()).put("resident_peak", sampler.peakResident());
    }
}
