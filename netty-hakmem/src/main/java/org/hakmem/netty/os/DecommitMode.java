/*
 * DecommitMode: how empty memory goes back to the kernel while staying mapped.
 */
package org.hakmem.netty.os;

public enum DecommitMode {
    /** madvise(MADV_FREE): cheap; the kernel reclaims the pages lazily, under memory pressure. They
     *  stay counted in RSS until then (LazyFree in /proc/self/smaps). */
    FREE,
    /** madvise(MADV_DONTNEED): the pages leave RSS at once; the next touch faults in a zero page. */
    DONTNEED,
    /** Never decommit. */
    OFF
}
