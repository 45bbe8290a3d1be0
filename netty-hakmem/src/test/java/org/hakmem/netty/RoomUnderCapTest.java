/*
 * RoomUnderCapTest: when the mapping cap refuses memory, free memory that sits where the pool cannot
 * cut from it (a heap's empty spare spans, an idle LEAN heap's spans, a wholly free superslab that
 * FAST keeps mapped) is given back and the allocation is tried once more, instead of failing while
 * the allocator holds enough. Live buffers are not touched on the way.
 *
 * Layout used throughout: one 2 MiB superslab (the smallest cap accepted) of 32 slabs of 64 KiB. A
 * 64 KiB buffer's span is 8 slabs (8 slots) and its class keeps up to two empty spare spans; a 1 MiB
 * buffer's span is 16 contiguous slabs.
 */
package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import org.hakmem.netty.os.DecommitMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(WithoutLeakTracking.LEVEL)
class RoomUnderCapTest {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;

    private static HakmemByteBufAllocator oneSuperslab(Profile profile) {
        return HakmemByteBufAllocator.builder().profile(profile).leanDecommit(DecommitMode.DONTNEED)
                .maxMappedBytes(2L * MIB).build();
    }

    /** Allocates n buffers of 64 KiB and releases them: their spans stay with the heap as spares. */
    private static void churn64k(HakmemByteBufAllocator alloc, int n) {
        List<ByteBuf> bufs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            bufs.add(alloc.directBuffer(64 * KIB));
        }
        bufs.forEach(ByteBuf::release);
    }

    /**
     * An allocation that must succeed. A refusal becomes a test failure with the allocator's message
     * (an OutOfMemoryError escaping a test would abort JUnit's whole engine instead).
     */
    private static ByteBuf mustAllocate(HakmemByteBufAllocator alloc, int capacity) {
        try {
            return alloc.directBuffer(capacity);
        } catch (OutOfMemoryError refused) {
            return fail("refused although the allocator holds enough free memory: " + refused.getMessage()
                    + "; " + alloc.metric());
        }
    }

    @Test
    void aHeapsOwnSpareSpansMakeRoomForAnotherClassWhileItsLiveBuffersStayIntact() {
        HakmemByteBufAllocator alloc = oneSuperslab(Profile.FAST);
        ByteBuf live = alloc.directBuffer(100); // keeps the thread from emptying: its spans stay put
        Patterns.fill(live, 7);
        churn64k(alloc, 24); // 3 spans, 24 slabs: the current one and two spares, all empty
        long mapped = alloc.metric().mappedBytes();

        // 7 slabs are free in the pool, and a 1 MiB span needs 16 in a row: the cap (one superslab)
        // refuses a second superslab. Before this fix, that was an OutOfMemoryError with 1.5 MiB empty.
        ByteBuf big = mustAllocate(alloc, MIB);
        Patterns.fill(big, 8);
        assertEquals(mapped, alloc.metric().mappedBytes(), "served from the spans given back, not a new mapping");
        Patterns.check(live, 7);
        Patterns.check(big, 8);
        live.release();
        big.release();
        assertEquals(0, alloc.metric().usedDirectMemory());
        assertEquals(alloc.metric().liveSpans(), alloc.metric().spansAcquired() - alloc.metric().spansReleased());
    }

    @Test
    void anIdleLeanThreadsSpansMakeRoomAtOnce() throws Exception {
        HakmemByteBufAllocator alloc = oneSuperslab(Profile.LEAN);
        CountDownLatch parked = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread idle = new Thread(() -> {
            try {
                churn64k(alloc, 32); // the whole superslab; it keeps 3 spans (1.5 MiB) and parks
                parked.countDown();
                done.await();
            } catch (Throwable t) {
                failure.set(t);
                parked.countDown();
            }
        }, "idle-lean-thread");
        idle.start();
        assertTrue(parked.await(30, TimeUnit.SECONDS));
        try {
            // The purger would give the idle heap's spans back within two rounds; the cap makes room now.
            ByteBuf big = mustAllocate(alloc, MIB);
            Patterns.fill(big, 9);
            Patterns.check(big, 9);
            big.release();
        } finally {
            done.countDown();
            idle.join();
        }
        assertEquals(null, failure.get());
        assertThat(alloc.metric().osStats().mappedBytes()).isLessThanOrEqualTo(2L * MIB);
    }

    @Test
    void aHugeBufferGetsTheRoomOfAWhollyFreeSuperslab() {
        HakmemByteBufAllocator alloc = oneSuperslab(Profile.FAST);
        alloc.directBuffer(16).release(); // FAST's give-back at an emptying is now a second away
        churn64k(alloc, 32); // the second emptying keeps its spans: one superslab mapped, all of it empty
        assertEquals(2L * MIB, alloc.metric().mappedBytes());

        // 1.5 MiB of its own does not fit beside the superslab; unmapping the free superslab makes room.
        ByteBuf huge = mustAllocate(alloc, 3 * MIB / 2);
        Patterns.fill(huge, 10);
        Patterns.check(huge, 10);
        huge.release();
        assertEquals(0, alloc.metric().usedDirectMemory());
        ByteBuf again = alloc.directBuffer(64 * KIB); // the slot path works after it
        again.release();
    }

    @Test
    void whenNothingCanBeGivenBackTheRefusalStillNamesTheCapAndLiveBuffersSurvive() {
        HakmemByteBufAllocator alloc = oneSuperslab(Profile.FAST);
        List<ByteBuf> held = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            ByteBuf b = alloc.directBuffer(64 * KIB);
            Patterns.fill(b, i);
            held.add(b);
        }
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> alloc.directBuffer(MIB));
        assertThat(e.getMessage()).contains("the cap is 2097152 bytes");
        e = assertThrows(OutOfMemoryError.class, () -> alloc.directBuffer(3 * MIB / 2));
        assertThat(e.getMessage()).contains("the cap is 2097152 bytes");
        for (int i = 0; i < held.size(); i++) {
            Patterns.check(held.get(i), i);
        }
        held.forEach(ByteBuf::release);
        ByteBuf big = alloc.directBuffer(MIB); // works again once the buffers are released
        big.release();
        assertEquals(0, alloc.metric().usedDirectMemory());
    }

    @Test
    void aBufferLargerThanTheCapItselfIsRefusedWithoutGivingAnythingBack() {
        HakmemByteBufAllocator alloc = oneSuperslab(Profile.FAST);
        alloc.directBuffer(64 * KIB).release(); // the first emptying hands the span to the pool
        assertEquals(2L * MIB, alloc.metric().mappedBytes(), "FAST keeps the empty superslab mapped");
        long munmaps = alloc.metric().osStats().munmapCalls();
        int trimEpoch = alloc.pool().trimEpoch();

        // No room made could fit 4 MiB under a 2 MiB cap: making room would only unmap what FAST
        // keeps and make every heap drop its spares, for nothing.
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> alloc.directBuffer(4 * MIB));
        assertThat(e.getMessage()).contains("the cap is 2097152 bytes");
        assertEquals(2L * MIB, alloc.metric().mappedBytes(), "the empty superslab stays mapped");
        assertEquals(munmaps, alloc.metric().osStats().munmapCalls(), "nothing was unmapped");
        assertEquals(trimEpoch, alloc.pool().trimEpoch(), "no heap was asked to give back its spans");
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void anIdleSharedLanesSpansMakeRoom() throws Exception {
        HakmemByteBufAllocator alloc = oneSuperslab(Profile.FAST);
        // A virtual thread allocates through a lane: 24 buffers of 64 KiB (3 spans, 24 slabs) that it
        // releases (remotely: no thread owns a lane). The lane is idle from then on; FAST has no
        // purger to empty it.
        Thread vt = (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null,
                (Runnable) () -> churn64k(alloc, 24));
        vt.join(30_000);
        assertTrue(alloc.metric().sharedHeaps() > 0, "the virtual thread allocated through a lane");

        // 8 slabs are free, a 1 MiB span needs 16: the lane's spans, all free, must make room.
        ByteBuf big = mustAllocate(alloc, MIB);
        Patterns.fill(big, 11);
        Patterns.check(big, 11);
        big.release();
        assertEquals(0, alloc.metric().usedDirectMemory());
    }
}
