package org.hakmem.netty.os;

import com.sun.jna.Pointer;
import org.hakmem.netty.CapturedLog;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A kernel older than 4.5 does not know MADV_FREE (the default decommit mode) and answers EINVAL.
 * That is not a failure to give memory back: MADV_DONTNEED does it. The refusal is counted, and the
 * gate uses DONTNEED from then on; any other failure still switches decommit off.
 */
class MadvFreeFallbackTest {
    private static final long MIB = 1 << 20;

    @Test
    void freeRefusedWithEinvalFallsBackToDontneedCountedOnce() {
        FaultySyscalls oldKernel = new FaultySyscalls();
        oldKernel.madviseFreeErrno = 22;
        OsMemory os = oldKernel.newOsMemory(64 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        Pointer p = new Pointer(a);
        for (long off = 0; off < 2 * MIB; off += OsMemory.PAGE_SIZE) {
            p.setByte(off, (byte) 7);
        }
        assertTrue(os.decommit(a, MIB, DecommitMode.FREE), "given back with DONTNEED");
        assertEquals(MIB, os.residentBytes(), "DONTNEED drops the pages at once");
        assertEquals(7, p.getByte(MIB), "the rest is untouched");
        OsStats s = os.stats();
        assertEquals(2, s.madviseCalls(), "the refused FREE and the DONTNEED");
        assertEquals(1, s.madviseFailures());
        assertEquals(MIB, s.madviseBytes());
        assertEquals(1, s.leanDecommits());
        assertFalse(s.decommitDisabled());
        assertTrue(s.freeRefused());
        assertTrue(oldKernel.decommitSwitch.freeRefused());

        assertTrue(os.decommit(a + MIB, MIB, DecommitMode.FREE));
        assertEquals(0, os.residentBytes());
        s = os.stats();
        assertEquals(3, s.madviseCalls(), "FREE is not tried again");
        assertEquals(1, s.madviseFailures());
        assertEquals(2, s.leanDecommits());
        assertEquals(2, oldKernel.realMadvises.get());
        os.unmap(a, 2 * MIB);
    }

    @Test
    void anyOtherRefusalOfFreeStillSwitchesDecommitOff() {
        FaultySyscalls seccomp = new FaultySyscalls();
        seccomp.madviseFreeErrno = 1; // EPERM: a filter, not an unknown advice
        OsMemory os = seccomp.newOsMemory(64 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        assertFalse(os.decommit(a, MIB, DecommitMode.FREE));
        OsStats s = os.stats();
        assertTrue(s.decommitDisabled());
        assertFalse(s.freeRefused());
        assertEquals(1, s.madviseCalls());
        os.unmap(a, 2 * MIB);
    }

    @Test
    void whenDontneedFailsTooDecommitIsSwitchedOff() {
        FaultySyscalls faults = new FaultySyscalls();
        faults.madviseErrno = 22; // every advice
        OsMemory os = faults.newOsMemory(64 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        new Pointer(a).setByte(0, (byte) 42);
        assertFalse(os.decommit(a, MIB, DecommitMode.FREE));
        assertFalse(os.decommit(a, MIB, DecommitMode.FREE));
        OsStats s = os.stats();
        assertTrue(s.decommitDisabled());
        assertEquals(2, s.madviseCalls(), "FREE, then DONTNEED, then nothing");
        assertEquals(2, s.madviseFailures());
        assertEquals(42, new Pointer(a).getByte(0), "data survives");
        os.unmap(a, 2 * MIB);
    }

    /** Both switches are logged once, at WARNING, through Netty's logger: the server's own log. */
    @Test
    void theFallbackAndTheSwitchOffAreLoggedOnceThroughNettysLogger() {
        FaultySyscalls faults = new FaultySyscalls();
        faults.madviseFreeErrno = 22;
        OsMemory os = faults.newOsMemory(64 * MIB);
        long a = os.map(2 * MIB, 2 * MIB);
        try (CapturedLog log = new CapturedLog(DecommitSwitch.class)) {
            assertTrue(os.decommit(a, MIB, DecommitMode.FREE));
            assertTrue(os.decommit(a, MIB, DecommitMode.FREE));
            faults.madviseErrno = 1;
            assertFalse(os.decommit(a, MIB, DecommitMode.DONTNEED));
            assertFalse(os.decommit(a, MIB, DecommitMode.DONTNEED));

            List<LogRecord> warnings = log.at(Level.WARNING);
            assertEquals(2, warnings.size(), log.toString());
            assertTrue(warnings.get(0).getMessage().contains("does not know MADV_FREE"), log.toString());
            assertTrue(warnings.get(1).getMessage().contains("giving memory back to the kernel is now disabled"),
                    log.toString());
        } finally {
            os.unmap(a, 2 * MIB);
        }
    }
}
