package org.hakmem.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.util.IllegalReferenceCountException;
import org.hakmem.netty.slab.SizeClasses;
import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.FaultySyscalls;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllocatorBehaviourTest {
    private static final int MIB = 1 << 20;

    private final HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();

    @Test
    void badCapacitiesGetNettysExceptionsAndHarmNothing() {
        ByteBuf bystander = filled(alloc.directBuffer(100), 0x5A);
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> alloc.directBuffer(-1));
        assertThat(negative.getMessage()).contains("-1");
        IllegalArgumentException inverted = assertThrows(IllegalArgumentException.class, () -> alloc.directBuffer(10, 5));
        assertThat(inverted.getMessage()).contains("10").contains("5");
        assertThrows(IllegalArgumentException.class, () -> alloc.directBuffer(0, -1));
        ByteBuf b = alloc.directBuffer(16, 64);
        assertThrows(IllegalArgumentException.class, () -> b.capacity(65), "over maxCapacity");
        assertThrows(IllegalArgumentException.class, () -> b.capacity(-1));
        b.release();
        assertPattern(bystander, 0x5A);
        bystander.release();
        assertEquals(0, alloc.metric().usedDirectMemory());
        alloc.directBuffer(100).release();
    }

    @Test
    void doubleReleaseAndAccessAfterReleaseThrowAndHarmNothing() {
        ByteBuf bystander = filled(alloc.directBuffer(64), 0x33);
        ByteBuf b = alloc.directBuffer(64);
        b.writeLong(1);
        assertTrue(b.release());
        assertThrows(IllegalReferenceCountException.class, b::release);
        assertThrows(IllegalReferenceCountException.class, () -> b.getByte(0));
        assertThrows(IllegalReferenceCountException.class, () -> b.setByte(0, 1));
        assertThrows(IllegalReferenceCountException.class, b::memoryAddress);
        assertThrows(IllegalReferenceCountException.class, () -> b.nioBuffer(0, 1));
        assertPattern(bystander, 0x33);
        // The released slot is reused once, not twice: a double release must not free it again.
        ByteBuf x = alloc.directBuffer(64);
        ByteBuf y = alloc.directBuffer(64);
        assertNotEquals(x.memoryAddress(), y.memoryAddress());
        x.release();
        y.release();
        bystander.release();
        assertEquals(0, alloc.metric().usedDirectMemory());
    }

    @Test
    void capacityChangeMovesBytesToASlotOfTheRightClass() {
        ByteBuf b = alloc.directBuffer(100, 1 << 22);
        HakmemDirectByteBuf raw = unwrap(b);
        for (int i = 0; i < 100; i++) {
            b.writeByte(i);
        }
        long address = b.memoryAddress();
        int slot = raw.slotCapacity();
        b.capacity(slot);
        assertEquals(address, b.memoryAddress(), "same class: stays in place");
        b.capacity(5000);
        assertNotEquals(address, b.memoryAddress(), "larger class: moves");
        assertEquals(SizeClasses.slotSize(SizeClasses.classOf(5000)), raw.slotCapacity());
        b.capacity(3 * MIB);
        assertEquals(3 * MIB, b.capacity());
        b.capacity(50);
        assertEquals(56, raw.slotCapacity(), "shrinks back into the 56 B class");
        assertEquals(50, b.writerIndex());
        for (int i = 0; i < 50; i++) {
            assertEquals(i, b.getByte(i));
        }
        b.release();
        assertEquals(0, alloc.metric().usedDirectMemory());
    }

    /**
     * A write past the capacity but within the slot grows the buffer in place, to the end of its slot
     * (or its maxCapacity), as Pooled's do within their run: without maxFastWritableBytes saying how
     * far, Netty asked calculateNewCapacity for a power of two, 128 B for a 100 B buffer in a 112 B
     * slot, and the bytes moved to a new slot.
     */
    @Test
    void aWriteThatFitsTheSlotGrowsTheBufferInPlace() {
        ByteBuf b = alloc.directBuffer(100);
        assertEquals(12, b.writerIndex(100).maxFastWritableBytes(), "to the end of the 112 B slot");
        b.writerIndex(0);
        fill(b, 100, 0);
        long address = b.memoryAddress();
        fill(b, 5, 100);
        assertEquals(112, b.capacity(), "grown to its slot");
        assertEquals(address, b.memoryAddress(), "in place");
        assertFill(b, 105);
        fill(b, 8, 105);
        assertEquals(128, b.capacity(), "past the slot: calculateNewCapacity, as before");
        assertNotEquals(address, b.memoryAddress());
        assertFill(b, 113);
        b.release();

        ByteBuf capped = alloc.directBuffer(100, 108);
        fill(capped, 100, 0);
        fill(capped, 8, 100);
        assertEquals(108, capped.capacity(), "maxCapacity bounds the growth");
        assertEquals(0, capped.maxFastWritableBytes());
        capped.release();

        ByteBuf huge = alloc.directBuffer(MIB + 1);
        long hugeAddress = huge.memoryAddress();
        fill(huge, MIB + 11, 0);
        assertEquals(MIB + 4096, huge.capacity(), "a huge buffer grows to the end of its page-rounded mapping");
        assertEquals(hugeAddress, huge.memoryAddress());
        assertFill(huge, MIB + 11);
        huge.release();
        assertEquals(huge.writerIndex(), huge.capacity() - huge.maxFastWritableBytes(), "released: its capacity");
        assertEquals(0, alloc.metric().usedDirectMemory());
    }

    /**
     * What ByteToMessageDecoder's MERGE_CUMULATOR relies on when it writes into a cumulation that others
     * hold (refCnt above 1) because the bytes fit maxFastWritableBytes(): the growth leaves the memory
     * where it is, so a retained slice taken before still views the same bytes at the same address; and
     * a slot's growth changes no count (usedDirectMemory counts the slot, mappedBytes the superslab). A
     * released buffer still refuses the growth, whichever way it is asked.
     */
    @Test
    void growthInPlaceKeepsRetainedSlicesAndTheCountsAndARefusalAfterRelease() {
        ByteBuf cumulation = alloc.directBuffer(100);
        fill(cumulation, 100, 0);
        ByteBuf frame = cumulation.retainedSlice(90, 10);
        long frameAddress = frame.memoryAddress();
        long used = alloc.metric().usedDirectMemory();
        long mapped = alloc.metric().mappedBytes();
        int required = 12;
        assertTrue(cumulation.refCnt() > 1 && required <= cumulation.maxFastWritableBytes(), "written in, not replaced");
        cumulation.writeBytes(new byte[required]);
        assertEquals(112, cumulation.capacity());
        assertEquals(frameAddress, frame.memoryAddress(), "the frame views the same memory");
        for (int i = 0; i < 10; i++) {
            assertEquals((byte) ((90 + i) * 31), frame.getByte(i), "frame byte " + i);
        }
        assertEquals(used, alloc.metric().usedDirectMemory(), "the slot was counted whole already");
        assertEquals(mapped, alloc.metric().mappedBytes());
        frame.release();
        cumulation.release();

        ByteBuf released = alloc.directBuffer(100);
        released.release();
        assertThrows(IllegalReferenceCountException.class, () -> released.ensureWritable(5));
        assertThrows(IllegalReferenceCountException.class, () -> released.ensureWritable(5, true));
        assertThrows(IllegalReferenceCountException.class, () -> released.writeByte(1));
        assertEquals(0, alloc.metric().usedDirectMemory());
    }

    private static void fill(ByteBuf b, int count, int from) {
        for (int i = from; i < from + count; i++) {
            b.writeByte(i * 31);
        }
    }

    private static void assertFill(ByteBuf b, int count) {
        for (int i = 0; i < count; i++) {
            assertEquals((byte) (i * 31), b.getByte(i), "byte " + i);
        }
    }

    @Test
    void usedDirectMemoryCountsSlotsAndHugeMappings() {
        ByteBuf small = alloc.directBuffer(100);
        assertEquals(112, alloc.metric().usedDirectMemory(), "100 B lives in a 112 B slot");
        ByteBuf huge = alloc.directBuffer(3 * MIB + 1);
        assertEquals(112 + 3 * MIB + OsMemoryPage(), alloc.metric().usedDirectMemory());
        huge.writerIndex(huge.capacity());
        huge.setByte(3 * MIB, 9);
        assertEquals(9, huge.getByte(3 * MIB));
        long mapped = alloc.metric().mappedBytes();
        huge.release();
        assertEquals(112, alloc.metric().usedDirectMemory(), "the huge buffer's mapping is no longer used");
        assertEquals(mapped, alloc.metric().mappedBytes(), "and is kept for the next huge buffer (HugeCache)");
        small.release();
        assertEquals(0, alloc.metric().usedDirectMemory());
    }

    @Test
    void leanTouchesOnlyPagesThatAreWritten() {
        HakmemByteBufAllocator fresh = HakmemByteBufAllocator.builder().profile(Profile.LEAN).build();
        assertEquals(0, fresh.metric().mappedBytes(), "nothing is mapped before the first allocation");
        ByteBuf b = fresh.directBuffer(60_000); // a 64 KiB slot in a 512 KiB span of a 2 MiB superslab
        assertEquals(2L * MIB, fresh.metric().mappedBytes());
        assertEquals(0, fresh.metric().residentBytes(), "allocation itself touches no page");
        b.setByte(0, 1);
        assertEquals(OsMemoryPage(), fresh.metric().residentBytes(), "one write, one page");
        long touched = b.memoryAddress();
        b.release();
        ByteBuf again = fresh.directBuffer(60_000);
        assertEquals(touched, again.memoryAddress(), "the touched slot is reused before a new one");
        again.setByte(0, 2);
        assertEquals(OsMemoryPage(), fresh.metric().residentBytes(), "still one page");
        again.release();
    }

    @Test
    void fastPrewarmsEachNewSuperslab() {
        HakmemByteBufAllocator fresh = HakmemByteBufAllocator.builder().profile(Profile.FAST).build();
        assertEquals(0, fresh.metric().residentBytes(), "nothing is mapped before the first allocation");
        ByteBuf b = fresh.directBuffer(100);
        assertEquals(2L * MIB, fresh.metric().mappedBytes());
        assertEquals(2L * MIB, fresh.metric().residentBytes(), "the whole superslab is touched at once");
        b.release();
        fresh.trim();
        assertEquals(0, fresh.metric().mappedBytes(), "trim unmaps the empty superslab");
    }

    @Test
    void aHeapKeepsEmptySpansForThirtyTwoSlotsPerClassAtMostFourAndOneMebibyteOfThem() {
        HakmemByteBufAllocator fresh = HakmemByteBufAllocator.builder().profile(Profile.FAST).build();
        HakmemAllocatorMetric m = fresh.metric();
        // A live buffer of another class keeps the heap busy: a heap that holds nothing any more hands
        // all its empty spans to the pool (the next test); here only the spare rule applies.
        ByteBuf busy = fresh.directBuffer(64);
        assertEquals(1, m.spansAcquired());
        int size16k = 16 << 10; // 8 slots per 128 KiB span: four spares fit in 1 MiB
        List<ByteBuf> bufs = allocate(fresh, size16k, 6 * 8);
        assertEquals(1 + 6, m.spansAcquired());
        release(bufs);
        assertEquals(1, m.spansReleased(), "the current span and four spares stay, the sixth goes back");
        release(allocate(fresh, size16k, 6 * 8));
        assertEquals(1 + 7, m.spansAcquired(), "five of the six spans were at hand");
        assertEquals(1, m.spansReleased(),
                "FAST learned (SpareSpans): the span it gave back and cut again stays as a fifth spare");

        List<ByteBuf> huge = allocate(fresh, MIB, 4); // 1 MiB slots: one slot per 1 MiB span, one spare
        assertEquals(1 + 11, m.spansAcquired());
        release(huge);
        assertEquals(1 + 2, m.spansReleased(), "the current span and one spare stay, two go back");

        List<ByteBuf> small = allocate(fresh, 1024, 3 * 64); // 64 slots per 64 KiB span: no spare beyond one
        assertEquals(1 + 14, m.spansAcquired());
        release(small);
        assertEquals(3 + 1, m.spansReleased(), "the current span and one spare stay, the third goes back");
        busy.release();
        fresh.trim();
        assertEquals(0, m.mappedBytes());
    }

    /**
     * FAST: a heap whose thread releases its last buffer hands its empty spans to the pool, which
     * keeps them mapped and committed, and another thread cuts its spans from them. The hand-over
     * happens at most once a second per heap.
     */
    @Test
    void aThreadThatReleasesItsLastBufferHandsItsEmptySpansToThePool() throws Exception {
        HakmemByteBufAllocator fresh = HakmemByteBufAllocator.builder().profile(Profile.FAST).build();
        HakmemAllocatorMetric m = fresh.metric();
        int[] sizes = {100, 1000, 3000, 20 << 10};
        long[] mapped = new long[1];
        runOnNewThread(() -> {
            List<ByteBuf> bufs = allocateEach(fresh, sizes, 8);
            assertEquals(sizes.length, m.spansAcquired(), "one span per class");
            mapped[0] = m.mappedBytes();
            release(bufs);
            assertEquals(sizes.length, m.spansReleased(), "the last release handed every span to the pool");
            assertEquals(0, m.spanBytes());
            assertEquals(mapped[0], m.committedBytes(), "FAST: the pool keeps them mapped and committed");

            release(allocateEach(fresh, sizes, 8));
            assertEquals(2L * sizes.length, m.spansAcquired(), "cut again, from the same slabs");
            assertEquals(mapped[0], m.mappedBytes());
            assertEquals(sizes.length, m.spansReleased(), "a second hand-over within a second waits");
            assertThat(m.spanBytes()).isPositive();
        });
        runOnNewThread(() -> release(allocateEach(fresh, sizes, 8)));
        assertEquals(mapped[0], m.mappedBytes(), "another thread reused the spans: nothing new was mapped");
        fresh.trim();
        assertEquals(0, m.mappedBytes());
    }

    private static void runOnNewThread(Runnable body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    private static List<ByteBuf> allocateEach(HakmemByteBufAllocator alloc, int[] sizes, int count) {
        List<ByteBuf> bufs = new ArrayList<>();
        for (int size : sizes) {
            bufs.addAll(allocate(alloc, size, count));
        }
        return bufs;
    }

    private static List<ByteBuf> allocate(HakmemByteBufAllocator alloc, int size, int count) {
        List<ByteBuf> bufs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bufs.add(alloc.directBuffer(size));
        }
        return bufs;
    }

    private static void release(List<ByteBuf> bufs) {
        for (ByteBuf b : bufs) {
            assertTrue(b.release());
        }
    }

    @Test
    void committedBytesSplitIntoSpansAndFreeSlabsAndSpanTrafficIsCounted() {
        HakmemByteBufAllocator fresh = HakmemByteBufAllocator.builder().profile(Profile.FAST).build();
        HakmemAllocatorMetric m = fresh.metric();
        int slab = 64 << 10;
        ByteBuf small = fresh.directBuffer(100);            // one 1-slab span
        ByteBuf large = fresh.directBuffer(20 << 10);       // 20 KiB slots: a 3-slab span
        assertEquals(4L * slab, m.spanBytes());
        assertEquals(2, m.spansAcquired());
        assertEquals(0, m.spansReleased());
        assertEquals(2L * MIB - 4L * slab, m.freeCommittedBytes(), "the rest of the prewarmed superslab");
        assertEquals(m.committedBytes(), m.spanBytes() + m.freeCommittedBytes());
        assertThat(m.spanBytes() - m.usedDirectMemory()).as("free slots and rounding inside spans")
                .isEqualTo(4L * slab - SizeClasses.slotSize(SizeClasses.classOf(100)) - (20 << 10));

        small.release();
        large.release();
        fresh.trim(); // gives this thread's empty spans back, then unmaps the empty superslab
        assertEquals(0, m.spanBytes());
        assertEquals(0, m.freeCommittedBytes());
        assertEquals(2, m.spansReleased());
        assertThat(m.toString()).contains("committed: 0 (in spans: 0, free: 0, huge: 0)");
    }

    @Test
    void capOnMappedBytesThrowsNamingItAndTheAllocatorRecovers() {
        HakmemByteBufAllocator capped = HakmemByteBufAllocator.builder().maxMappedBytes(8L * MIB).build();
        List<ByteBuf> held = new ArrayList<>();
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> {
            while (true) {
                held.add(capped.directBuffer(MIB));
            }
        });
        assertThat(e.getMessage()).contains("cap is 8388608 bytes").contains("bytes are mapped now");
        assertThat(held).hasSizeGreaterThanOrEqualTo(4);
        HakmemAllocatorMetric m = capped.metric();
        assertEquals(m.liveSpans(), m.spansAcquired() - m.spansReleased(), "a refused span is not counted as taken");
        held.forEach(ByteBuf::release);
        held.clear();
        for (int i = 0; i < 4; i++) {
            held.add(capped.directBuffer(MIB));
        }
        held.forEach(ByteBuf::release);
        assertThat(capped.metric().osStats().capRefusals()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aBufferOfIntegerMaxValueBytesWorksAndGivesItsTwoGibibyteMappingBack() {
        // The page-rounded mapping is 2^31 bytes, one more than a ByteBuffer spans: it used to map, fail
        // to make the view, and stay mapped and counted against the cap for good.
        HakmemByteBufAllocator big = HakmemByteBufAllocator.builder().maxMappedBytes(4L << 30).build();
        for (int round = 0; round < 3; round++) {
            ByteBuf b = big.directBuffer(Integer.MAX_VALUE);
            assertEquals(Integer.MAX_VALUE, b.capacity());
            assertEquals(1L << 31, big.metric().mappedBytes());
            b.setByte(Integer.MAX_VALUE - 1, 0x7E);
            assertEquals(0x7E, b.getByte(Integer.MAX_VALUE - 1));
            assertEquals(1, b.nioBuffer(Integer.MAX_VALUE - 1, 1).remaining());
            b.release();
            assertEquals(0, big.metric().mappedBytes(), "round " + round);
        }
        ByteBuf grown = big.directBuffer(16);
        grown.writeLong(0x1122334455667788L);
        grown.capacity(Integer.MAX_VALUE);
        assertEquals(0x1122334455667788L, grown.getLong(0));
        grown.release();
        assertEquals(0, big.metric().usedDirectMemory());
    }

    @Test
    void heapBuffersAreNettysOwnWithCountedReusedArrays() {
        ByteBuf h = alloc.heapBuffer(1000);
        assertTrue(h.hasArray());
        assertSame(alloc, h.alloc());
        assertEquals(1000, alloc.metric().usedHeapMemory());
        byte[] array = h.array();
        h.release();
        assertEquals(0, alloc.metric().usedHeapMemory());
        ByteBuf again = alloc.heapBuffer(1000);
        assertSame(array, again.array(), "same-length array is reused");
        again.release();
    }

    /**
     * The JVM refuses an array of Integer.MAX_VALUE - 1 bytes at once ("exceeds VM limit"), whatever the
     * heap size: the refused length must not stay in usedHeapMemory, on allocation or on a capacity change.
     */
    @Test
    void aHeapArrayTheJvmRefusesIsNotCounted() {
        assertThrows(OutOfMemoryError.class, () -> alloc.heapBuffer(Integer.MAX_VALUE - 1));
        assertEquals(0, alloc.metric().usedHeapMemory(), "refused allocation");
        ByteBuf h = alloc.heapBuffer(10);
        h.writeLong(42);
        assertThrows(OutOfMemoryError.class, () -> h.capacity(Integer.MAX_VALUE - 1));
        assertEquals(10, h.capacity());
        assertEquals(42, h.getLong(0));
        assertEquals(10, alloc.metric().usedHeapMemory(), "refused capacity change");
        h.release();
        assertEquals(0, alloc.metric().usedHeapMemory());
    }

    @Test
    void invalidConfigurationFailsAtStartUpNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                HakmemByteBufAllocator.builder().sources(Map.of(), Map.of("HAKMEM_MAX_MAPPED_MB", "lots")).build());
        assertThat(e.getMessage()).contains("HAKMEM_MAX_MAPPED_MB").contains("lots").contains("an integer number of MiB from 2");
        e = assertThrows(IllegalArgumentException.class, () ->
                HakmemByteBufAllocator.builder().sources(Map.of("hakmem.ss.memLean", "yes"), Map.of()).build());
        assertThat(e.getMessage()).contains("hakmem.ss.memLean").contains("'yes'").contains("0 (FAST) or 1 (LEAN)");
        e = assertThrows(IllegalArgumentException.class, () ->
                HakmemByteBufAllocator.builder().sources(Map.of(), Map.of("HAKMEM_SS_MEM_LEAN", "2")).build());
        assertThat(e.getMessage()).contains("HAKMEM_SS_MEM_LEAN").contains("'2'");
        e = assertThrows(IllegalArgumentException.class, () -> HakmemByteBufAllocator.builder()
                .sources(Map.of(), Map.of("HAKMEM_SS_MEM_LEAN_TARGET_MB", "-3")).build());
        assertThat(e.getMessage()).contains("HAKMEM_SS_MEM_LEAN_TARGET_MB").contains("'-3'").contains("positive integer");
        e = assertThrows(IllegalArgumentException.class, () -> HakmemByteBufAllocator.builder()
                .sources(Map.of(), Map.of("HAKMEM_SS_MEM_LEAN_DECOMMIT", "PURGE")).build());
        assertThat(e.getMessage()).contains("HAKMEM_SS_MEM_LEAN_DECOMMIT").contains("'PURGE'")
                .contains("FREE, DONTNEED or OFF");
        e = assertThrows(IllegalArgumentException.class, () -> HakmemByteBufAllocator.builder()
                .sources(Map.of(), Map.of("HAKMEM_SS_OS_STATS", "true")).build());
        assertThat(e.getMessage()).contains("HAKMEM_SS_OS_STATS").contains("'true'").contains("0 or 1");
        e = assertThrows(IllegalArgumentException.class, () -> HakmemByteBufAllocator.builder()
                .sources(Map.of("hakmem.ss.memLeanDecayMs", "soon"), Map.of()).build());
        assertThat(e.getMessage()).contains("hakmem.ss.memLeanDecayMs").contains("'soon'");
        // The message lists every value parseBoolean accepts (the builder's Javadoc names 1 and 0 too).
        e = assertThrows(IllegalArgumentException.class, () -> HakmemByteBufAllocator.builder()
                .sources(Map.of(), Map.of("HAKMEM_PREFER_DIRECT", "yes")).build());
        assertThat(e.getMessage()).contains("HAKMEM_PREFER_DIRECT").contains("'yes'").contains("true, false, 1 or 0");
        assertFalse(HakmemByteBufAllocator.builder().sources(Map.of("hakmem.preferDirect", "0"), Map.of())
                .resolve().preferDirect());
        assertThrows(IllegalArgumentException.class, () -> HakmemByteBufAllocator.builder().leanTargetMB(0));
        assertThrows(IllegalArgumentException.class, () -> HakmemByteBufAllocator.builder().leanDecommit(null));
        assertThrows(IllegalArgumentException.class, () -> HakmemByteBufAllocator.builder().leanDecayMillis(-1));
        e = assertThrows(IllegalArgumentException.class, () ->
                HakmemByteBufAllocator.builder().sources(Map.of("hakmem.maxMappedMB", "0"), Map.of()).build());
        assertThat(e.getMessage()).contains("hakmem.maxMappedMB");
        assertThrows(IllegalArgumentException.class, () -> HakmemByteBufAllocator.builder().maxMappedBytes(-5));
    }

    /**
     * The edges of values from properties and variables: empty or blank is invalid, not unset; MiB
     * whose byte count would overflow a long are refused, not wrapped; surrounding blanks and the case
     * of the decommit mode do not matter.
     */
    @Test
    void emptyBlankAndOverflowingValuesFailNamingTheVariableAndSurroundingBlanksAreIgnored() {
        String[][] refused = {
            {"HAKMEM_SS_MEM_LEAN", ""}, {"HAKMEM_SS_MEM_LEAN_DECOMMIT", "   "},
            {"HAKMEM_MAX_MAPPED_MB", String.valueOf((Long.MAX_VALUE >> 20) + 1)},
            {"HAKMEM_MAX_MAPPED_MB", "99999999999999999999"}, {"HAKMEM_SS_MEM_LEAN_TARGET_MB", "0"},
            {"HAKMEM_SS_MEM_LEAN_TARGET_MB", "10MB"}, {"HAKMEM_SS_MEM_LEAN_DECAY_MS", "3600001"},
            {"HAKMEM_SS_MEM_LEAN_DECAY_MS", "1.5"}, {"HAKMEM_SS_MEM_LEAN", "LEAN"},
        };
        for (String[] c : refused) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                    HakmemByteBufAllocator.builder().sources(Map.of(), Map.of(c[0], c[1])).resolve(), c[0] + "=" + c[1]);
            assertThat(e.getMessage()).contains("invalid " + c[0] + "='" + c[1] + "' (expected: ");
        }
        HakmemConfig c = HakmemByteBufAllocator.builder().sources(Map.of(), Map.of("HAKMEM_SS_MEM_LEAN", " 1\n",
                "HAKMEM_SS_MEM_LEAN_DECOMMIT", " dontNeed ", "HAKMEM_MAX_MAPPED_MB",
                String.valueOf(Long.MAX_VALUE >> 20))).resolve();
        assertEquals(Profile.LEAN, c.profile());
        assertEquals(DecommitMode.DONTNEED, c.decommitMode());
        assertEquals((Long.MAX_VALUE >> 20) << 20, c.maxMappedBytes());
    }

    /**
     * A name that looks like one of ours without being it fails at start-up (SettingNames): in case,
     * separators or up to two edits, or an unknown property in our namespace. Our names, tools' own
     * hakmem.<tool>.<name> properties and other HAKMEM_ variables (the C allocator's) are left alone.
     */
    @Test
    void aMistypedSettingNameFailsAtStartUpNamingItAndWhatItMeant() {
        String[][] refused = { // kind, name, what the message says besides the name and value
            {"system property", "hakmem.ss.memlean", "did you mean hakmem.ss.memLean?"},
            {"system property", "HAKMEM_SS_MEM_LEAN", "did you mean hakmem.ss.memLean?"},
            {"system property", "hakmem.ss.memLeanTargetMb", "did you mean hakmem.ss.memLeanTargetMB?"},
            {"system property", "hakmem.maxMappedMiB", "did you mean hakmem.maxMappedMB?"},
            {"system property", "hakmem.ss.memLeanDecay", "did you mean hakmem.ss.memLeanDecayMs?"},
            {"system property", "hakmem.maxMappedBytes", "expected one of: hakmem.ss.memLean, hakmem.ss.memLeanTargetMB,"},
            {"system property", "hakmem.ss.prewarm", "hakmem.preferDirect, hakmem.keptHugeMB;"},
            {"environment variable", "HAKMEM_SS_MEM_LEAN_DECOMIT", "did you mean HAKMEM_SS_MEM_LEAN_DECOMMIT?"},
            {"environment variable", "HAKMEM_SS_MEMLEAN", "did you mean HAKMEM_SS_MEM_LEAN?"},
            {"environment variable", "hakmem_prefer_direct", "did you mean HAKMEM_PREFER_DIRECT?"},
            {"environment variable", "HAKMEM_MAX_MAPPED", "did you mean HAKMEM_MAX_MAPPED_MB?"},
            {"environment variable", "HAKMEN_SS_OS_STATS", "HAKMEM_SS_MEM_LEAN, HAKMEM_SS_MEM_LEAN_TARGET_MB,"},
        };
        for (String[] c : refused) {
            Map<String, String> set = Map.of(c[1], "7");
            boolean property = c[0].equals("system property");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HakmemByteBufAllocator
                    .builder().profile(Profile.FAST).sources(property ? set : Map.of(), property ? Map.of() : set)
                    .build(), c[1]);
            assertThat(e.getMessage()).contains("unknown " + c[0] + " " + c[1] + "='7'").contains(c[2]);
        }
        Map<String, String> fine = Map.of("hakmem.ss.memLean", "1", "hakmem.stress.seconds", "3",
                "hakmem.difftest.seed", "42", "hakmem.jvm.flags", "-Xmx1g", "java.home", "/jdk");
        Map<String, String> fineEnv = Map.of("HAKMEM_SS_MEM_LEAN_TARGET_MB", "20", "HAKMEM_TINY_CACHE_CAP", "64",
                "HAKMEM_SS_PREWARM_COUNT", "4", "HOME", "/root");
        HakmemConfig c = HakmemByteBufAllocator.builder().sources(fine, fineEnv).resolve();
        assertEquals(Profile.LEAN, c.profile());
        assertEquals(20L * MIB, c.leanTargetBytes());
    }

    @Test
    void aCapBelowOneSuperslabFailsAtStartUp() {
        // Every buffer up to 1 MiB lives in a 2 MiB superslab: a smaller cap could never serve one, so
        // it is refused when the allocator is built, not at the first buffer.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                HakmemByteBufAllocator.builder().sources(Map.of("hakmem.maxMappedMB", "1"), Map.of()).build());
        assertThat(e.getMessage()).contains("hakmem.maxMappedMB").contains("'1'").contains("from 2 (one superslab)");
        e = assertThrows(IllegalArgumentException.class, () ->
                HakmemByteBufAllocator.builder().sources(Map.of(), Map.of("HAKMEM_MAX_MAPPED_MB", "1")).build());
        assertThat(e.getMessage()).contains("HAKMEM_MAX_MAPPED_MB");
        e = assertThrows(IllegalArgumentException.class, () -> HakmemByteBufAllocator.builder().maxMappedBytes(MIB));
        assertThat(e.getMessage()).contains("maxMappedBytes: 1048576").contains("at least 2097152");
        HakmemByteBufAllocator smallest = HakmemByteBufAllocator.builder().maxMappedBytes(2 * MIB).build();
        ByteBuf b = smallest.directBuffer(1024);
        b.release();
    }

    @Test
    void precedenceIsBuilderThenPropertyThenEnvironmentThenDefault() {
        Map<String, String> props = Map.of("hakmem.maxMappedMB", "64");
        Map<String, String> env = Map.of("HAKMEM_MAX_MAPPED_MB", "32", "HAKMEM_PREFER_DIRECT", "false");
        HakmemConfig c = HakmemByteBufAllocator.builder().sources(props, env).resolve();
        assertEquals(64L * MIB, c.maxMappedBytes());
        assertEquals(false, c.preferDirect());
        c = HakmemByteBufAllocator.builder().sources(Map.of(), env).resolve();
        assertEquals(32L * MIB, c.maxMappedBytes());
        c = HakmemByteBufAllocator.builder().maxMappedBytes(16L * MIB).sources(props, env).resolve();
        assertEquals(16L * MIB, c.maxMappedBytes());
        c = HakmemByteBufAllocator.builder().sources(Map.of(), Map.of()).resolve();
        assertEquals(Profile.FAST, c.profile());
        assertEquals(10L * MIB, c.leanTargetBytes());
        assertEquals(DecommitMode.FREE, c.decommitMode());
        assertEquals(1000, c.leanDecayMillis());
        assertFalse(c.osStatsAtExit());
        assertTrue(c.preferDirect());
        assertTrue(c.maxMappedBytes() >= HakmemConfig.MIN_DEFAULT_MAPPED_BYTES);
    }

    @Test
    void leanSwitchesFollowTheSamePrecedence() {
        Map<String, String> env = Map.of("HAKMEM_SS_MEM_LEAN", "1", "HAKMEM_SS_MEM_LEAN_TARGET_MB", "20",
                "HAKMEM_SS_MEM_LEAN_DECOMMIT", "dontneed", "HAKMEM_SS_MEM_LEAN_DECAY_MS", "250", "HAKMEM_SS_OS_STATS", "1");
        Map<String, String> props = Map.of("hakmem.ss.memLean", "0", "hakmem.ss.memLeanDecommit", "OFF");
        HakmemConfig c = HakmemByteBufAllocator.builder().sources(Map.of(), env).resolve();
        assertEquals(Profile.LEAN, c.profile());
        assertEquals(20L * MIB, c.leanTargetBytes());
        assertEquals(DecommitMode.DONTNEED, c.decommitMode());
        assertEquals(250, c.leanDecayMillis());
        assertTrue(c.osStatsAtExit());
        c = HakmemByteBufAllocator.builder().sources(props, env).resolve();
        assertEquals(Profile.FAST, c.profile(), "property over environment");
        assertEquals(DecommitMode.OFF, c.decommitMode());
        assertEquals(20L * MIB, c.leanTargetBytes(), "environment where no property is set");
        c = HakmemByteBufAllocator.builder().profile(Profile.LEAN).leanDecommit(DecommitMode.FREE).leanTargetMB(3)
                .leanDecayMillis(0).osStatsAtExit(false).sources(props, env).resolve();
        assertEquals(Profile.LEAN, c.profile(), "builder over property");
        assertEquals(DecommitMode.FREE, c.decommitMode());
        assertEquals(3L * MIB, c.leanTargetBytes());
        assertEquals(0, c.leanDecayMillis());
        assertFalse(c.osStatsAtExit());
    }

    @Test
    void bootstrapHelperSetsParentAndChildAllocators() {
        ServerBootstrap sb = HakmemBootstraps.use(new ServerBootstrap(), alloc);
        assertSame(alloc, sb.config().options().get(ChannelOption.ALLOCATOR));
        assertSame(alloc, sb.config().childOptions().get(ChannelOption.ALLOCATOR));
        Bootstrap b = HakmemBootstraps.use(new Bootstrap());
        assertSame(HakmemByteBufAllocator.DEFAULT, b.config().options().get(ChannelOption.ALLOCATOR));
    }

    /**
     * Netty's option(key, null) removes the option: a null allocator (a field not set yet) used to
     * take away the allocator set before, and the channels silently got Netty's default one.
     */
    @Test
    void bootstrapHelperRefusesANullAllocatorAndReplacesOneSetBefore() {
        ServerBootstrap sb = new ServerBootstrap().option(ChannelOption.ALLOCATOR, alloc)
                .childOption(ChannelOption.ALLOCATOR, alloc);
        NullPointerException e = assertThrows(NullPointerException.class, () -> HakmemBootstraps.use(sb, null));
        assertThat(e.getMessage()).contains("allocator");
        assertSame(alloc, sb.config().options().get(ChannelOption.ALLOCATOR), "the server channel's is kept");
        assertSame(alloc, sb.config().childOptions().get(ChannelOption.ALLOCATOR), "the children's is kept");
        Bootstrap b = new Bootstrap().option(ChannelOption.ALLOCATOR, alloc);
        assertThrows(NullPointerException.class, () -> HakmemBootstraps.use(b, null));
        assertSame(alloc, b.config().options().get(ChannelOption.ALLOCATOR));
        e = assertThrows(NullPointerException.class, () -> HakmemBootstraps.use((ServerBootstrap) null));
        assertThat(e.getMessage()).contains("bootstrap");
        e = assertThrows(NullPointerException.class, () -> HakmemBootstraps.use((Bootstrap) null, alloc));
        assertThat(e.getMessage()).contains("bootstrap");
        assertSame(HakmemByteBufAllocator.DEFAULT, HakmemBootstraps.use(b).config().options().get(ChannelOption.ALLOCATOR),
                "an allocator set before is replaced");
    }

    @Test
    void nioBuffersExposeExactlyTheBuffersBytes() {
        ByteBuf a = filled(alloc.directBuffer(64), 1);
        ByteBuf b = filled(alloc.directBuffer(64), 2);
        java.nio.ByteBuffer nio = a.nioBuffer(8, 16);
        assertEquals(16, nio.remaining());
        assertTrue(nio.isDirect());
        while (nio.hasRemaining()) {
            nio.put((byte) 9);
        }
        assertEquals(9, a.getByte(8));
        assertEquals(1, a.getByte(24));
        assertPattern(b, 2);
        a.release();
        b.release();
    }

    static long OsMemoryPage() {
        return org.hakmem.netty.os.OsMemory.PAGE_SIZE;
    }

    static HakmemDirectByteBuf unwrap(ByteBuf b) {
        while (!(b instanceof HakmemDirectByteBuf)) {
            b = b.unwrap();
        }
        return (HakmemDirectByteBuf) b;
    }

    private static ByteBuf filled(ByteBuf b, int value) {
        for (int i = 0; i < b.capacity(); i++) {
            b.setByte(i, value);
        }
        return b;
    }

    private static void assertPattern(ByteBuf b, int value) {
        for (int i = 0; i < b.capacity(); i++) {
            assertEquals((byte) value, b.getByte(i), "byte " + i);
        }
    }

    /** A FAST allocator whose system calls fail when the test says so. */
    private static HakmemByteBufAllocator fastOver(FaultySyscalls faults) {
        return fastOver(faults, 256L * MIB);
    }

    private static HakmemByteBufAllocator fastOver(FaultySyscalls faults, long cap) {
        return new HakmemByteBufAllocator(HakmemByteBufAllocator.builder().profile(Profile.FAST).resolve(),
                faults.newOsMemory(cap));
    }

    /**
     * A FAST allocator that keeps no released 3 MiB mapping: under an 8 MiB cap it keeps at most 2 MiB
     * of them (a quarter of the cap, HugeCache), so such a buffer is unmapped at its release.
     */
    private static HakmemByteBufAllocator fastKeepingNo3MiBMapping(FaultySyscalls faults) {
        return fastOver(faults, 8L * MIB);
    }

    /**
     * A buffer over 1 MiB that the allocator does not keep for reuse is unmapped when it is released.
     * If the kernel refuses, release() says so
     * (loud) and the mapping stays (leaked, never reused: safe); no buffer holds it any more, so it
     * leaves usedDirectMemory() and stays in mappedBytes().
     */
    @Test
    void aHugeBufferWhoseUnmapFailsIsNoLongerCountedAsUsed() {
        FaultySyscalls faults = new FaultySyscalls();
        HakmemByteBufAllocator alloc = fastKeepingNo3MiBMapping(faults);
        ByteBuf huge = alloc.directBuffer(3 * MIB);
        huge.setByte(0, 1);
        long mapped = alloc.metric().mappedBytes();
        faults.munmapErrno = 22;
        IllegalStateException e = assertThrows(IllegalStateException.class, huge::release);
        faults.munmapErrno = 0;
        assertThat(e.getMessage()).contains("munmap of").contains("errno 22");
        assertEquals(1, alloc.metric().osStats().munmapFailures());
        assertEquals(0, alloc.metric().usedDirectMemory(), "no buffer holds the mapping any more");
        assertEquals(mapped, alloc.metric().mappedBytes(), "the mapping that failed to go stays counted as mapped");
        ByteBuf next = alloc.directBuffer(3 * MIB);
        next.setByte(3 * MIB - 1, 7);
        assertEquals(3L * MIB, alloc.metric().usedDirectMemory(), "the allocator works on");
        next.release();
        assertEquals(0, alloc.metric().usedDirectMemory());
    }

    /**
     * Shrinking a huge buffer moves it to a slot, then unmaps the old mapping. If the kernel refuses,
     * capacity(int) says so, and the buffer is left on its new slot with the new capacity: never with
     * its old capacity over a slot that small, whose neighbours it would then write into.
     */
    @Test
    void aHugeBufferShrunkWhileItsUnmapFailsKeepsToItsNewSlot() {
        FaultySyscalls faults = new FaultySyscalls();
        HakmemByteBufAllocator alloc = fastKeepingNo3MiBMapping(faults);
        ByteBuf huge = alloc.directBuffer(3 * MIB);
        huge.setLong(0, 0x0102030405060708L);
        alloc.directBuffer(16).release(); // the 16 B class has its span: the move maps nothing
        faults.munmapErrno = 22;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> huge.capacity(16));
        assertThat(e.getMessage()).contains("munmap of " + 3 * MIB + " bytes");
        faults.munmapErrno = 0;
        assertEquals(16, huge.capacity(), "the capacity of the slot the bytes moved to");
        assertEquals(0x0102030405060708L, huge.getLong(0), "the bytes moved");
        assertThrows(IndexOutOfBoundsException.class, () -> huge.setByte(100, 1), "nothing past the new slot");
        huge.release();
        assertEquals(0, alloc.metric().usedDirectMemory());
    }
}
