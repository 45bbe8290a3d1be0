package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.FaultySyscalls;
import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.os.OsStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * On a host whose transparent huge pages are on by default (THP "always", the default of several
 * distributions), the kernel backs a 2 MiB-aligned mapping with one huge page at its first write. A
 * LEAN superslab would then be wholly resident for one 16-byte buffer, with its other slabs clean in
 * the pool's books, so that no purge would ever give them back. FaultySyscalls makes each mapping
 * eligible for huge pages as such a host does (this machine's THP is "madvise").
 */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(WithoutLeakTracking.LEVEL)
class HugePagesTest {
    private static final long MIB = 1 << 20;

    private final FaultySyscalls thpAlways = new FaultySyscalls();

    HugePagesTest() {
        thpAlways.hugePagesByDefault = true;
    }

    private HakmemByteBufAllocator onThisHost(Profile profile) {
        HakmemConfig config = HakmemByteBufAllocator.builder().profile(profile).leanDecommit(DecommitMode.DONTNEED)
                .leanDecayMillis(3_600_000).maxMappedBytes(64 * MIB).resolve();
        return new HakmemByteBufAllocator(config, thpAlways.newOsMemory(64 * MIB));
    }

    @Test
    void leanMakesOnlyThePagesBuffersWriteResidentAndTrimGivesBackTheRest() {
        HakmemByteBufAllocator alloc = onThisHost(Profile.LEAN);
        ByteBuf small = alloc.directBuffer(16);
        small.writeByte(1);
        assertThat(alloc.metric().residentBytes()).as("resident after one 16-byte buffer wrote a byte; " + alloc.metric())
                .isEqualTo(OsMemory.PAGE_SIZE);
        ByteBuf large = alloc.directBuffer(64 << 10);
        large.writerIndex(large.capacity());
        large.setByte(0, 1);
        large.setByte(large.capacity() - 1, 1);
        large.release();
        alloc.trim();
        assertThat(alloc.metric().residentBytes()).as("resident within the books after trim(); " + alloc.metric())
                .isLessThanOrEqualTo(alloc.metric().committedBytes());
        OsStats s = alloc.metric().osStats();
        assertEquals(1, s.mappings());
        assertEquals(s.leanDecommits() + 1, s.madviseCalls(), "one MADV_NOHUGEPAGE per mapping, besides the decommits");
        small.release();
        alloc.trim();
        assertEquals(0, alloc.metric().mappedBytes());
    }

    @Test
    void fastLeavesItsMappingsToTheKernelsDefault() {
        HakmemByteBufAllocator alloc = onThisHost(Profile.FAST);
        alloc.directBuffer(16).release();
        assertEquals(2 * MIB, alloc.metric().residentBytes(), "prewarmed, as without huge pages");
        assertEquals(0, alloc.metric().osStats().madviseCalls(), "no MADV_NOHUGEPAGE: prewarm touches every page");
        alloc.trim();
    }

    @Test
    void aRefusedMarkIsCountedAndLoggedOnceAndTheMemoryIsUsedAllTheSame() throws Exception {
        HakmemByteBufAllocator alloc = onThisHost(Profile.LEAN);
        try (CapturedLog log = new CapturedLog(Class.forName("org.hakmem.netty.os.HugePages"))) {
            thpAlways.madviseErrno = 1; // EPERM, as a seccomp filter answers
            ByteBuf slot = alloc.directBuffer(1 << 20); // a superslab
            ByteBuf huge = alloc.directBuffer(3 << 20); // a mapping of its own
            thpAlways.madviseErrno = 0;
            Patterns.fill(slot, 1);
            Patterns.fill(huge, 2);
            Patterns.check(slot, 1);
            Patterns.check(huge, 2);
            OsStats s = alloc.metric().osStats();
            assertEquals(2, s.mappings());
            assertEquals(2, s.madviseCalls());
            assertEquals(2, s.madviseFailures(), "each refused mark is counted");
            assertFalse(s.decommitDisabled(), "a refused hint does not stop giving memory back");
            assertEquals(1, log.at(Level.WARNING).size(), log.toString());
            assertThat(log.at(Level.WARNING).get(0).getMessage()).contains("MADV_NOHUGEPAGE").contains("errno 1");
            huge.release();
            slot.release();
        }
        assertEquals(2 * MIB + 3 * MIB, alloc.trim(), "the superslab and the kept huge mapping are unmapped");
        assertEquals(0, alloc.metric().mappedBytes());
    }
}
