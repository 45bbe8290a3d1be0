package org.hakmem.netty.os;

import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OsMemoryTest {
    private static final long MIB = 1 << 20;

    @Test
    void mapsAlignedZeroedNonResidentMemoryAndCountsEverything() {
        OsMemory os = new OsMemory(64 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        assertEquals(0, a % (2 * MIB));
        assertEquals(0, os.residentBytes(a, 2 * MIB), "fresh mapping must not be resident");
        Pointer p = new Pointer(a);
        assertEquals(0, p.getByte(0), "fresh memory reads as zero (this maps page 0)");
        p.setByte(0, (byte) 1);
        p.setByte(MIB, (byte) 1);
        assertEquals(2 * OsMemory.PAGE_SIZE, os.residentBytes(a, 2 * MIB));
        OsStats s = os.stats();
        assertEquals(1, s.mmapCalls());
        assertEquals(4 * MIB, s.mmapBytes(), "over-mapped by the alignment");
        assertEquals(2 * MIB, s.munmapBytes(), "the slack is trimmed");
        assertEquals(2 * MIB, s.mappedBytes());
        os.unmap(a, 2 * MIB);
        assertEquals(0, os.mappedBytes());
        assertEquals(0, os.stats().mappings());
    }

    @Test
    void refusesRangesItDidNotMap() {
        OsMemory os = new OsMemory(64 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        long before = os.stats().syscalls();
        assertThrows(IllegalStateException.class, () -> os.unmap(a, MIB), "part of a mapping");
        assertThrows(IllegalStateException.class, () -> os.unmap(a + 2 * MIB, 2 * MIB), "beyond it");
        assertThrows(IllegalStateException.class, () -> os.decommit(a + MIB, 2 * MIB, DecommitMode.DONTNEED));
        assertThrows(IllegalStateException.class, () -> os.residentBytes(a - OsMemory.PAGE_SIZE, OsMemory.PAGE_SIZE));
        assertThrows(IllegalArgumentException.class, () -> os.decommit(a + 1, OsMemory.PAGE_SIZE, DecommitMode.FREE));
        assertEquals(before, os.stats().syscalls(), "a refused call makes no system call");
        os.unmap(a, 2 * MIB);
        assertThrows(IllegalStateException.class, () -> os.unmap(a, 2 * MIB), "twice");
    }

    /**
     * mincore fails with EAGAIN when the kernel is short of memory, which is when an operator looks.
     * The metric's residentBytes() then threw JNA's LastErrorException ("[11] Resource temporarily
     * unavailable"), a type of a library the API does not expose, naming neither the call nor the range.
     */
    @Test
    void aRefusedMincoreIsAnIllegalStateExceptionNamingTheCallAndTheErrno() {
        FaultySyscalls faults = new FaultySyscalls();
        OsMemory os = faults.newOsMemory(64 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        faults.mincoreErrno = 11; // EAGAIN
        IllegalStateException whole = assertThrows(IllegalStateException.class, os::residentBytes);
        assertThat(whole.getMessage()).contains("mincore of 2097152 bytes at 0x" + Long.toHexString(a))
                .contains("errno 11");
        assertThrows(IllegalStateException.class, () -> os.residentBytes(a, MIB), "a range of a mapping too");
        faults.mincoreErrno = 0;
        assertEquals(0, os.residentBytes(), "the next scan works");
        os.unmap(a, 2 * MIB); // not left marked in use: an unmap would wait for good
    }

    @Test
    void capRefusesWithAMessageNamingCapAndUseThenRecovers() {
        OsMemory os = new OsMemory(4 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        long b = os.map(2 * MIB, 2 * MIB);
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> os.map(2 * MIB, 2 * MIB));
        assertThat(e.getMessage()).contains("cap is 4194304 bytes").contains("4194304 bytes are mapped now");
        assertEquals(1, os.stats().capRefusals());
        os.unmap(a, 2 * MIB);
        long c = os.map(2 * MIB, 2 * MIB);
        os.unmap(b, 2 * MIB);
        os.unmap(c, 2 * MIB);
    }

    @Test
    void decommitWithDontneedDropsResidencyAndZeroes() {
        OsMemory os = new OsMemory(64 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        Pointer p = touchEveryPage(a, 2 * MIB, (byte) 7);
        assertEquals(2 * MIB, os.residentBytes());
        assertTrue(os.decommit(a, MIB, DecommitMode.DONTNEED));
        assertEquals(MIB, os.residentBytes());
        assertEquals(0, p.getByte(0), "DONTNEED pages read back as zero");
        assertEquals(7, p.getByte(MIB), "the rest is untouched");
        assertEquals(1, os.stats().madviseCalls());
        assertEquals(MIB, os.stats().madviseBytes());
        assertFalse(os.decommit(a, MIB, DecommitMode.OFF));
        os.unmap(a, 2 * MIB);
    }

    @Test
    void aFailingMadviseIsCountedLoggedAndDisablesDecommitWithoutHarm() {
        FaultySyscalls failingMadvise = new FaultySyscalls();
        // EPERM, as a seccomp filter answers: EINVAL to MADV_FREE means an old kernel, which falls back
        // to DONTNEED instead (MadvFreeFallbackTest).
        failingMadvise.madviseErrno = 1;
        OsMemory os = failingMadvise.newOsMemory(64 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        new Pointer(a).setByte(0, (byte) 42);
        assertFalse(os.decommit(a, 2 * MIB, DecommitMode.FREE));
        assertFalse(os.decommit(a, 2 * MIB, DecommitMode.FREE), "disabled after the first failure");
        OsStats s = os.stats();
        assertEquals(1, s.madviseFailures());
        assertEquals(1, s.madviseCalls(), "no further calls once disabled");
        assertTrue(s.decommitDisabled());
        assertEquals(42, new Pointer(a).getByte(0), "data survives");
        os.unmap(a, 2 * MIB);
    }

    @Test
    void decommitAndRetireAreCountedAsLean() {
        OsMemory os = new OsMemory(64 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        long b = os.map(2 * MIB, 2 * MIB);
        assertTrue(os.decommit(a, MIB, DecommitMode.DONTNEED));
        assertTrue(os.retire(b, 2 * MIB));
        OsStats s = os.stats();
        assertEquals(1, s.leanDecommits());
        assertEquals(MIB, s.leanDecommitBytes());
        assertEquals(1, s.leanRetires());
        assertEquals(2 * MIB, s.leanRetireBytes());
        assertEquals(2 * MIB, os.mappedBytes());
        assertThrows(IllegalStateException.class, () -> os.retire(b, 2 * MIB), "b is no longer ours");
        assertThrows(IllegalStateException.class, () -> os.retire(a, MIB), "only whole mappings");
        os.unmap(a, 2 * MIB);
    }

    @Test
    void aFailingRetireIsCountedKeepsTheMappingIntactAndDisablesDecommit() {
        FaultySyscalls failingMunmap = new FaultySyscalls();
        OsMemory os = failingMunmap.newOsMemory(64 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        new Pointer(a).setByte(5, (byte) 99);
        failingMunmap.munmapErrno = 22;
        assertFalse(os.retire(a, 2 * MIB));
        OsStats s = os.stats();
        assertEquals(1, s.munmapFailures());
        assertEquals(0, s.leanRetires());
        assertTrue(s.decommitDisabled());
        assertEquals(2 * MIB, os.mappedBytes(), "still mapped and registered");
        assertEquals(99, new Pointer(a).getByte(5), "data survives");
        assertFalse(os.decommit(a, MIB, DecommitMode.DONTNEED), "decommit is off after the failure");
        assertEquals(0, os.stats().madviseCalls());
        failingMunmap.munmapErrno = 0;
        os.unmap(a, 2 * MIB);
    }

    @Test
    void pagesGivenBackWithFreeShowAsLazyFreeUntilTouchedAgain() {
        OsMemory os = new OsMemory(64 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        Pointer p = touchEveryPage(a, 2 * MIB, (byte) 7);
        assertEquals(0, os.lazyFreeBytes());
        assertTrue(os.decommit(a, 2 * MIB, DecommitMode.FREE));
        long lazy = os.lazyFreeBytes();
        // The kernel keeps them until it needs memory (this machine has plenty); mincore still counts
        // them, and the kernel's count may lag by a per-CPU batch of pages.
        assertThat(lazy).isBetween(MIB, 2 * MIB);
        assertEquals(2 * MIB, os.residentBytes(), "mincore still reports lazily freed pages");
        for (long off = 0; off < MIB; off += OsMemory.PAGE_SIZE) {
            p.setByte(off, (byte) 1); // a write cancels the free of its page
        }
        assertThat(os.lazyFreeBytes()).isLessThanOrEqualTo(lazy - MIB / 2);
        os.unmap(a, 2 * MIB);
        assertEquals(0, os.lazyFreeBytes());
    }

    @Test
    void aFailingMmapIsAnOutOfMemoryErrorAndReservesNothing() {
        FaultySyscalls failingMmap = new FaultySyscalls();
        failingMmap.mmapErrno = 12;
        OsMemory os = failingMmap.newOsMemory(64 * MIB);
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> os.map(2 * MIB, 2 * MIB));
        assertThat(e.getMessage()).contains("errno 12");
        assertEquals(1, os.stats().mmapFailures());
        assertEquals(0, os.mappedBytes());
    }

    @Test
    void rejectsBadArguments() {
        OsMemory os = new OsMemory(64 * MIB);
        assertThrows(IllegalArgumentException.class, () -> new OsMemory(0));
        assertThrows(IllegalArgumentException.class, () -> os.map(1000, OsMemory.PAGE_SIZE));
        assertThrows(IllegalArgumentException.class, () -> os.map(2 * MIB, 3 * OsMemory.PAGE_SIZE));
    }

    /** Writes {@code value} to the first byte of every page of [address, address + length). */
    private static Pointer touchEveryPage(long address, long length, byte value) {
        Pointer p = new Pointer(address);
        for (long off = 0; off < length; off += OsMemory.PAGE_SIZE) {
            p.setByte(off, value);
        }
        return p;
    }
}
