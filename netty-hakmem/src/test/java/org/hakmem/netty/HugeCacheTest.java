package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.FaultySyscalls;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Buffers over 1 MiB: a released one's mapping is kept for the next huge buffers of about its size
 * (slab.HugeCache), within its limits, and given back by trim(), by the cap when it needs room, and by
 * LEAN's purge after the decay.
 */
class HugeCacheTest {
    private static final int MIB = 1 << 20;

    private static HakmemByteBufAllocator fast(long cap) {
        return HakmemByteBufAllocator.builder().profile(Profile.FAST).maxMappedBytes(cap).build();
    }

    /** A FAST allocator over system calls the test can make fail. */
    private static HakmemByteBufAllocator fast(FaultySyscalls faults, long cap) {
        return new HakmemByteBufAllocator(HakmemByteBufAllocator.builder().profile(Profile.FAST).resolve(),
                faults.newOsMemory(cap));
    }

    @Test
    void aReleasedHugeBuffersMappingServesTheNextOfItsSizeWithNoSystemCall() {
        HakmemByteBufAllocator alloc = fast(256L * MIB);
        ByteBuf first = alloc.directBuffer(3 * MIB);
        long address = first.memoryAddress();
        Patterns.fill(first, 1);
        first.release();
        HakmemAllocatorMetric m = alloc.metric();
        assertEquals(0, m.usedDirectMemory());
        assertEquals(3L * MIB, m.keptHugeBytes(), () -> "kept: " + m);
        assertEquals(3L * MIB, m.freeCommittedBytes(), "kept mappings are free committed memory");
        assertEquals(3L * MIB, m.committedBytes());
        long calls = m.osStats().syscalls();

        ByteBuf second = alloc.directBuffer(3 * MIB);
        assertEquals(address, second.memoryAddress(), "the kept mapping");
        assertEquals(calls, alloc.metric().osStats().syscalls(), "no mmap, no munmap");
        assertEquals(0, alloc.metric().keptHugeBytes());
        assertEquals(3L * MIB, alloc.metric().usedDirectMemory());
        Patterns.fill(second, 2);
        Patterns.check(second, 2);
        second.release();

        assertEquals(3L * MIB, alloc.trim(), "trim() unmaps the kept mapping");
        assertEquals(0, alloc.metric().mappedBytes());
        assertEquals(0, alloc.metric().keptHugeBytes());
        assertEquals(0, alloc.metric().committedBytes());
    }

    @Test
    void aKeptMappingServesRequestsItFitsWithAtMostAQuarterToSpareSmallestFirst() {
        HakmemByteBufAllocator alloc = fast(256L * MIB);
        ByteBuf fourMiB = alloc.directBuffer(4 * MIB);
        ByteBuf threeAndAHalfMiB = alloc.directBuffer(7 * MIB / 2); // both live: two mappings
        long four = release(fourMiB);
        long threeAndAHalf = release(threeAndAHalfMiB);

        ByteBuf a = alloc.directBuffer(7 * MIB / 2 - 100 * 1024);
        assertEquals(threeAndAHalf, a.memoryAddress(), "the smallest kept mapping that fits");
        assertEquals(7 * MIB / 2, a.maxFastWritableBytes() + a.writerIndex(), "its whole mapping is the buffer's room");
        ByteBuf b = alloc.directBuffer(3 * MIB + 512 * 1024 - 4096);
        assertEquals(four, b.memoryAddress(), "4 MiB for 3.5 MiB less a page: 14% to spare");
        a.release();
        b.release();

        ByteBuf tooSmall = alloc.directBuffer(2 * MIB);
        assertNotEquals(four, tooSmall.memoryAddress(), "4 MiB would leave half unused");
        assertNotEquals(threeAndAHalf, tooSmall.memoryAddress(), "3.5 MiB would leave 43% unused");
        ByteBuf tooLarge = alloc.directBuffer(5 * MIB);
        assertNotEquals(four, tooLarge.memoryAddress());
        assertEquals(15L * MIB / 2, alloc.metric().keptHugeBytes(), "both kept mappings are still there");
        tooSmall.release();
        tooLarge.release();
        alloc.trim();
        assertEquals(0, alloc.metric().mappedBytes());
    }

    private static long release(ByteBuf b) {
        long address = b.memoryAddress();
        b.release();
        return address;
    }

    @Test
    void atMostEightMappingsAreKept() {
        HakmemByteBufAllocator alloc = fast(256L * MIB);
        List<ByteBuf> live = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            live.add(alloc.directBuffer(2 * MIB));
        }
        long munmaps = alloc.metric().osStats().munmapCalls();
        live.forEach(ByteBuf::release);
        assertEquals(16L * MIB, alloc.metric().keptHugeBytes(), "8 of the 10 kept");
        assertEquals(munmaps + 2, alloc.metric().osStats().munmapCalls(), "the other 2 unmapped at their release");
        alloc.trim();
        assertEquals(0, alloc.metric().mappedBytes());
    }

    @Test
    void atMost64MiBOrAQuarterOfTheCapIsKept() {
        HakmemByteBufAllocator large = fast(1L << 30);
        List<ByteBuf> live = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            live.add(large.directBuffer(20 * MIB));
        }
        live.forEach(ByteBuf::release);
        assertEquals(60L * MIB, large.metric().keptHugeBytes(), "3 of 20 MiB: a fourth would pass 64 MiB");
        large.trim();

        HakmemByteBufAllocator small = fast(40L * MIB);
        ByteBuf a = small.directBuffer(4 * MIB);
        ByteBuf b = small.directBuffer(4 * MIB);
        ByteBuf c = small.directBuffer(4 * MIB);
        a.release();
        b.release();
        c.release();
        assertEquals(8L * MIB, small.metric().keptHugeBytes(), "a quarter of a 40 MiB cap is 10 MiB: two of 4 MiB");
        small.trim();
    }

    @Test
    void theCapMakesRoomByUnmappingKeptMappings() {
        HakmemByteBufAllocator alloc = fast(64L * MIB);
        alloc.directBuffer(12 * MIB).release();
        assertEquals(12L * MIB, alloc.metric().keptHugeBytes());
        ByteBuf big = alloc.directBuffer(56 * MIB); // 12 + 56 > 64: refused once, then room is made
        assertEquals(0, alloc.metric().keptHugeBytes(), "unmapped to make room");
        assertEquals(56L * MIB, alloc.metric().mappedBytes());
        big.setByte(56 * MIB - 1, 1);
        big.release();
        alloc.trim();
    }

    /**
     * A kept mapping that no huge request fits must not starve the superslabs: a refill the cap
     * refuses makes room, and that unmaps it. 8 MiB cap, 1 MiB + a page kept (a quarter of the cap
     * allows 2 MiB), then 7.5 MiB of 64 KiB buffers: four 2 MiB superslabs, the whole cap.
     */
    @Test
    void aRefillTheCapRefusesUnmapsKeptMappings() {
        HakmemByteBufAllocator alloc = fast(8L * MIB);
        alloc.directBuffer(MIB + 1).release();
        assertEquals(MIB + 4096L, alloc.metric().keptHugeBytes());
        List<ByteBuf> live = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            live.add(alloc.directBuffer(64 << 10, 64 << 10));
        }
        assertEquals(0, alloc.metric().keptHugeBytes(), "unmapped to make room for the fourth superslab");
        assertEquals(8L * MIB, alloc.metric().mappedBytes());
        live.forEach(ByteBuf::release);
        alloc.trim();
    }

    @Test
    void aBufferReleasedOnAnotherThreadLeavesItsMappingForThisOne() throws Exception {
        HakmemByteBufAllocator alloc = fast(256L * MIB);
        ByteBuf b = alloc.directBuffer(2 * MIB);
        long address = b.memoryAddress();
        Thread releaser = new Thread(b::release);
        releaser.start();
        releaser.join();
        ByteBuf again = alloc.directBuffer(2 * MIB);
        assertEquals(address, again.memoryAddress());
        again.release();
        alloc.trim();
    }

    @Test
    void leanGivesAKeptMappingBackAfterTheDecay() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(Profile.LEAN)
                .leanDecommit(DecommitMode.DONTNEED).leanDecayMillis(50).build();
        ByteBuf b = alloc.directBuffer(3 * MIB);
        Patterns.fill(b, 3);
        b.release();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (alloc.metric().keptHugeBytes() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, alloc.metric().keptHugeBytes(), () -> "given back by the purger: " + alloc.metric());
        assertEquals(0, alloc.metric().mappedBytes());
        assertEquals(1, alloc.metric().osStats().munmapCalls());
    }

    /**
     * A kept mapping whose munmap the kernel refuses at trim(): trim() says so, the failure is counted,
     * and the mapping is never handed out again (it may be half gone); the allocator works on.
     */
    @Test
    void aKeptMappingWhoseMunmapFailsIsReportedAndNeverReused() {
        FaultySyscalls faults = new FaultySyscalls();
        HakmemByteBufAllocator alloc = fast(faults, 256L * MIB);
        ByteBuf b = alloc.directBuffer(3 * MIB);
        long address = b.memoryAddress();
        b.release();
        faults.munmapErrno = 22;
        IllegalStateException e = assertThrows(IllegalStateException.class, alloc::trim);
        faults.munmapErrno = 0;
        assertThat(e.getMessage()).contains("munmap of " + 3 * MIB + " bytes").contains("errno 22");
        assertEquals(1, alloc.metric().osStats().munmapFailures());
        assertEquals(0, alloc.metric().keptHugeBytes());
        ByteBuf next = alloc.directBuffer(3 * MIB);
        assertNotEquals(address, next.memoryAddress(), "a new mapping");
        Patterns.fill(next, 4);
        Patterns.check(next, 4);
        next.release();
    }

    /**
     * The cap makes room for an allocation by unmapping kept mappings, and the kernel refuses one of
     * those munmaps: the refusal is counted and the mapping stays, never handed out again, but the
     * others are gone and the allocation fits. It must get its buffer, not the refusal of a mapping it
     * never held (an allocation under the cap, small or huge, is no trim()).
     */
    @Test
    void aRefusedMunmapWhileTheCapMakesRoomDoesNotFailAnAllocationThatThenFits() {
        FaultySyscalls faults = new FaultySyscalls();
        HakmemByteBufAllocator alloc = fast(faults, 64L * MIB);
        ByteBuf small = alloc.directBuffer(4 * MIB);
        ByteBuf large = alloc.directBuffer(12 * MIB);
        long refused = release(small);
        large.release();
        assertEquals(16L * MIB, alloc.metric().keptHugeBytes(), "a quarter of the cap: both kept");
        faults.beforeMunmap = address -> faults.munmapErrno = address == refused ? 22 : 0;

        ByteBuf big = alloc.directBuffer(52 * MIB); // 16 + 52 > 64: room is made; 4 + 52 fits
        faults.beforeMunmap = null;
        faults.munmapErrno = 0;
        assertEquals(1, alloc.metric().osStats().munmapFailures());
        assertEquals(56L * MIB, alloc.metric().mappedBytes(), "the refused 4 MiB and the new 52");
        assertNotEquals(refused, big.memoryAddress());
        big.setByte(52 * MIB - 1, 1);
        big.release();
        assertEquals(0, alloc.metric().usedDirectMemory());
    }

    /**
     * Room was made but not enough, and a kept mapping's munmap was refused on the way: the
     * allocation fails as the cap says (OutOfMemoryError), with the refusal attached to it.
     */
    @Test
    void aRefusedMunmapWhileTheCapMakesRoomInVainIsAttachedToTheRefusal() {
        FaultySyscalls faults = new FaultySyscalls();
        HakmemByteBufAllocator alloc = fast(faults, 64L * MIB);
        ByteBuf kept = alloc.directBuffer(12 * MIB);
        kept.release();
        faults.munmapErrno = 22;
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> alloc.directBuffer(56 * MIB));
        faults.munmapErrno = 0;
        assertEquals(1, e.getSuppressed().length, () -> "suppressed: " + Arrays.toString(e.getSuppressed()));
        assertThat(e.getSuppressed()[0].getMessage()).contains("munmap of " + 12 * MIB + " bytes").contains("errno 22");
        assertEquals(1, alloc.metric().osStats().munmapFailures());
    }

    /**
     * A JNA Error (a fault in native code) from the munmap of the first kept mapping trim() tries: the
     * one that threw may or may not be mapped, so it is never handed out again; the one not tried
     * yet is kept again, mapped and intact, and serves the next buffer of its size.
     */
    @Test
    void anErrorFromAKeptMappingsMunmapKeepsTheMappingsNotTriedYet() {
        FaultySyscalls faults = new FaultySyscalls();
        HakmemByteBufAllocator alloc = fast(faults, 256L * MIB);
        ByteBuf a = alloc.directBuffer(3 * MIB);
        ByteBuf b = alloc.directBuffer(3 * MIB);
        List<Long> addresses = List.of(release(a), release(b));
        AtomicReference<Long> threw = new AtomicReference<>();
        faults.beforeMunmap = address -> faults.munmapThrows =
                threw.compareAndSet(null, address) ? new Error("Invalid memory access (injected)") : null;

        assertThrows(Error.class, alloc::trim);
        faults.beforeMunmap = null;
        faults.munmapThrows = null;
        assertEquals(3L * MIB, alloc.metric().keptHugeBytes(), "the mapping not tried is kept again");
        assertEquals(6L * MIB, alloc.metric().mappedBytes(), "the one that threw stays in the books");
        ByteBuf next = alloc.directBuffer(3 * MIB);
        long untried = addresses.get(0).equals(threw.get()) ? addresses.get(1) : addresses.get(0);
        assertEquals(untried, next.memoryAddress(), "the mapping not tried serves the next buffer");
        ByteBuf another = alloc.directBuffer(3 * MIB);
        assertNotEquals(threw.get(), another.memoryAddress(), "the one that threw is never handed out");
        next.release();
        another.release();
    }

    /**
     * A JNA Error from retiring an empty superslab, which trim() does before it unmaps kept mappings:
     * those were never tried, so they stay kept (and a later trim() unmaps them).
     */
    @Test
    void anErrorWhileRetiringASuperslabKeepsTheKeptMappings() {
        FaultySyscalls faults = new FaultySyscalls();
        HakmemByteBufAllocator alloc = fast(faults, 256L * MIB);
        alloc.directBuffer(4096).release(); // an empty superslab for trim() to retire
        long kept = release(alloc.directBuffer(3 * MIB));
        faults.munmapThrows = new Error("Invalid memory access (injected)");
        assertThrows(Error.class, alloc::trim);
        faults.munmapThrows = null;
        assertEquals(3L * MIB, alloc.metric().keptHugeBytes(), "not tried: kept again");
        ByteBuf next = alloc.directBuffer(3 * MIB);
        assertEquals(kept, next.memoryAddress());
        next.release();
        assertEquals(3L * MIB, alloc.trim());
        assertEquals(0, alloc.metric().keptHugeBytes());
    }

    /**
     * While trim()'s munmap of a kept mapping is in the kernel (held there by the test), the mapping
     * is neither kept nor committed, only still mapped, and a buffer of its size allocated meanwhile
     * gets a new mapping: never the one going away.
     */
    @Test
    void aKeptMappingBeingUnmappedIsNeitherCountedNorHandedOut() throws Exception {
        FaultySyscalls faults = new FaultySyscalls();
        HakmemByteBufAllocator alloc = fast(faults, 256L * MIB);
        long going = release(alloc.directBuffer(3 * MIB));
        CountDownLatch inMunmap = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        faults.beforeMunmap = address -> {
            if (address == going) {
                inMunmap.countDown();
                awaitUninterruptibly(letGo);
            }
        };
        Thread trimmer = new Thread(alloc::trim);
        trimmer.setDaemon(true);
        trimmer.start();
        ByteBuf meanwhile = null;
        try {
            assertTrue(inMunmap.await(20, TimeUnit.SECONDS), "trim() reached the munmap");
            HakmemAllocatorMetric m = alloc.metric();
            assertEquals(0, m.keptHugeBytes(), () -> "being unmapped: " + m);
            assertEquals(0, m.committedBytes(), () -> "being unmapped: " + m);
            assertEquals(3L * MIB, m.mappedBytes(), "mapped until the munmap returns");
            meanwhile = alloc.directBuffer(3 * MIB);
            assertNotEquals(going, meanwhile.memoryAddress(), "the mapping being unmapped was handed out");
        } finally {
            letGo.countDown();
            trimmer.join();
            faults.beforeMunmap = null;
        }
        Patterns.fill(meanwhile, 5);
        Patterns.check(meanwhile, 5);
        meanwhile.release();
        alloc.trim();
        assertEquals(0, alloc.metric().mappedBytes());
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Threads allocate huge buffers of sizes that kept mappings serve (1 to 4 MiB), fill each with a
     * pattern of its own, and release half of them on another thread; every buffer's pattern is
     * checked before its release, so two live buffers handed the same mapping fail the test.
     */
    @Test
    void keptMappingsAreNeverHandedToTwoLiveBuffers() throws Exception {
        HakmemByteBufAllocator alloc = fast(512L * MIB);
        BlockingQueue<Object[]> handOff = new ArrayBlockingQueue<>(8);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                Random random = new Random(id);
                try {
                    for (long seed = id * 1_000_000L; System.nanoTime() < end; seed++) {
                        ByteBuf b = alloc.directBuffer(MIB + 1 + random.nextInt(3 * MIB));
                        Patterns.fill(b, seed);
                        Object[] other = handOff.poll();
                        if (other != null) {
                            Patterns.check((ByteBuf) other[0], (Long) other[1]);
                            ((ByteBuf) other[0]).release();
                        }
                        if (random.nextBoolean() && handOff.offer(new Object[] {b, seed})) {
                            continue;
                        }
                        Patterns.check(b, seed);
                        b.release();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "huge-" + t));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        for (Object[] left; (left = handOff.poll()) != null; ) {
            Patterns.check((ByteBuf) left[0], (Long) left[1]);
            ((ByteBuf) left[0]).release();
        }
        assertNull(failure.get(), () -> "a thread failed: " + failure.get());
        assertEquals(0, alloc.metric().usedDirectMemory());
        assertTrue(alloc.metric().keptHugeBytes() > 0, "mappings were kept");
        alloc.trim();
        assertEquals(0, alloc.metric().mappedBytes());
    }
}
