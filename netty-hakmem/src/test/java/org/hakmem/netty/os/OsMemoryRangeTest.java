package org.hakmem.netty.os;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** OsMemory refuses ranges it did not map, also where start + length does not fit a long. */
class OsMemoryRangeTest {
    private static final long MIB = 1 << 20;

    @Test
    void aLengthWhoseEndOverflowsIsRefusedBeforeAnySystemCall() {
        FaultySyscalls faults = new FaultySyscalls();
        // Had the range passed the check, a real madvise(DONTNEED) would have zeroed every mapping above
        // ours (the JVM's heap, code...); with madvise failing, nothing is touched either way.
        faults.madviseErrno = 1;
        OsMemory os = faults.newOsMemory(64 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        long huge = Long.MIN_VALUE - OsMemory.PAGE_SIZE; // 2^63 - page: positive, a page multiple
        long before = os.stats().syscalls();
        assertThrows(IllegalStateException.class, () -> os.decommit(a, huge, DecommitMode.DONTNEED));
        assertThrows(IllegalStateException.class, () -> os.decommit(a + MIB, huge, DecommitMode.FREE));
        assertThrows(IllegalStateException.class, () -> os.residentBytes(a, Long.MAX_VALUE));
        assertEquals(before, os.stats().syscalls(), "a refused call makes no system call");
        assertEquals(0, os.stats().madviseFailures());
        os.unmap(a, 2 * MIB);
    }

    @Test
    void rangesAtTheEdgesOfAMappingAndAcrossTwoAreJudgedExactly() {
        OsMemory os = new OsMemory(64 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        long b = os.map(2 * MIB, 2 * MIB);
        long page = OsMemory.PAGE_SIZE;
        assertEquals(0, os.residentBytes(a + 2 * MIB - page, page), "the last page is inside");
        assertThrows(IllegalStateException.class, () -> os.residentBytes(a + 2 * MIB - page, 2 * page),
                "one page past the end");
        long lo = Math.min(a, b);
        long hi = Math.max(a, b);
        assertThrows(IllegalStateException.class, () -> os.decommit(lo, hi + 2 * MIB - lo, DecommitMode.DONTNEED),
                "two mappings (and whatever lies between them)");
        assertThrows(IllegalStateException.class, () -> os.decommit(lo + 2 * MIB, page, DecommitMode.DONTNEED),
                "just past the lower mapping");
        assertEquals(0, os.stats().madviseCalls());
        os.unmap(a, 2 * MIB);
        os.unmap(b, 2 * MIB);
    }

    @Test
    void aMappingTooLargeForTheCapIsACapRefusalEvenWhereTheSumOverflows() {
        FaultySyscalls faults = new FaultySyscalls();
        OsMemory os = faults.newOsMemory(64 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        faults.mmapErrno = 12; // no real mmap of 2^63 bytes is tried, whatever happens
        long huge = Long.MIN_VALUE - OsMemory.PAGE_SIZE; // 2^63 - page
        long calls = os.stats().mmapCalls();
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> os.map(huge, OsMemory.PAGE_SIZE));
        assertThat(e.getMessage()).contains("the cap is " + 64 * MIB + " bytes").contains(2 * MIB + " bytes are mapped now");
        OutOfMemoryError aligned = assertThrows(OutOfMemoryError.class, () -> os.map(huge, 2 * MIB));
        assertThat(aligned.getMessage()).contains("the cap is");
        assertEquals(2, os.stats().capRefusals());
        assertEquals(calls, os.stats().mmapCalls(), "refused by the cap, not by the kernel");
        assertEquals(0, os.stats().mmapFailures());
        faults.mmapErrno = 0;
        os.unmap(a, 2 * MIB);
    }

    /**
     * map() over-maps by the alignment and trims both ends with munmap. A munmap that cuts into a
     * mapping the kernel merged with a neighbour splits it, and fails with ENOMEM once the process is
     * at vm.max_map_count. What stays mapped then is ours for good, and must count against the cap,
     * or every retry maps 4 MiB more with nothing to stop it.
     */
    @Test
    void whatAFailedTrimLeavesMappedCountsAgainstTheCap() {
        FaultySyscalls faults = new FaultySyscalls();
        OsMemory os = faults.newOsMemory(8 * MIB);
        faults.munmapErrno = 12;
        for (int i = 0; i < 10; i++) {
            assertThrows(Throwable.class, () -> os.map(2 * MIB, 2 * MIB));
        }
        OsStats s = os.stats();
        long leftMapped = s.mmapBytes() - s.munmapBytes();
        assertThat(leftMapped).as("bytes left mapped, cap 8 MiB: " + s).isLessThanOrEqualTo(8 * MIB);
        assertEquals(leftMapped, os.mappedBytes(), "and counted as mapped");
        assertThat(s.capRefusals()).isPositive();
    }

    /**
     * The kernel ran out of map entries: the allocation is refused as any other out-of-memory is, so
     * that the room-making retry (which unmaps empty superslabs, and so frees entries) runs and the
     * caller gets the error map() documents, with the failed munmap as its cause.
     */
    @Test
    void aFailedTrimIsAnOutOfMemoryErrorNamingTheMunmap() {
        FaultySyscalls faults = new FaultySyscalls();
        OsMemory os = faults.newOsMemory(64 * MIB);
        faults.munmapErrno = 12;
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> os.map(2 * MIB, 2 * MIB));
        assertThat(e.getMessage()).contains("cannot trim a new mapping to its alignment").contains("errno 12");
        assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void residentBytesOfARangeThatIsNotPageAlignedCountsThePagesItTouches() {
        OsMemory os = new OsMemory(64 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        long page = OsMemory.PAGE_SIZE;
        new com.sun.jna.Pointer(a).setByte(page, (byte) 1); // page 1 resident
        assertEquals(0, os.residentBytes(a + 1, 10), "inside page 0");
        assertEquals(page, os.residentBytes(a + page + 5, 1), "inside page 1");
        assertEquals(page, os.residentBytes(a + page - 1, 2), "the last byte of page 0 and the first of page 1");
        assertEquals(page, os.residentBytes(a + 1, page), "a length of one page, across two");
        assertEquals(0, os.stats().mmapFailures());
        os.unmap(a, 2 * MIB);
    }
}
