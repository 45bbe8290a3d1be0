package org.hakmem.netty;

import org.junit.jupiter.api.parallel.ResourceLock;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.hakmem.netty.os.DecommitMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Stress tests that fail if the allocator ever hands out overlapping memory, loses a remote free, or
 * strands the memory of a thread that died. Duration: -Dhakmem.stress.seconds (default 8; BufferTrade).
 */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(WithoutLeakTracking.LEVEL)
class ConcurrencyStressTest {
    /** Bursts of 64, 90% of sizes up to 4 KiB and the rest up to 300 KB, 200 kept, no capacity moves. */
    private static final BufferTrade.Shape SHAPE = new BufferTrade.Shape(64, 200, 90, 300_000, 0);

    /**
     * FAST, and LEAN at its most aggressive: no decay and a 1 MiB budget, so the purger decommits and
     * retires all the time, while a fifth thread calls trim() in a loop. A decommit or retire of
     * memory a live buffer uses would break that buffer's pattern (DONTNEED reads back zeros) or
     * crash the JVM (an unmapped page).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FAST", "LEAN"})
    void fourThreadsAllocateAndReleaseEachOthersBuffersWithoutOverlap(String profile) throws Exception {
        boolean lean = profile.equals("LEAN");
        HakmemByteBufAllocator alloc = BufferTrade.fastOrEagerLean(lean);
        BufferTrade trade = new BufferTrade(alloc, 4);
        trade.run(SHAPE, lean, "stress");
        assertEquals(0, alloc.metric().usedDirectMemory());
        alloc.reapDeadThreads();
        assertEquals(0, alloc.metric().liveSpans(), "every span went back to the pool");
        assertEquals(0, alloc.registry().registeredHeaps(), "the workers' heaps were retired");
        if (lean) {
            assertThat(alloc.metric().osStats().leanDecommits()).as("the purge really ran").isPositive();
            assertThat(alloc.metric().osStats().leanRetires()).isPositive();
            alloc.trim();
            assertEquals(0, alloc.metric().mappedBytes(), () -> "everything unmapped once nothing is live; "
                    + alloc.metric().osStats() + "\n" + alloc.pool().describe());
        }
    }

    /**
     * LEAN owners that empty their heaps over and over park them (the give-back is not due), while a
     * claimer gives parked heaps' spans back on their behalf: trim() (at once) and reapDeadThreads()
     * (once the interval is over) in a loop, besides the purger. An owner that touched its spans
     * during a claim, or a claim of a heap whose owner woke up, would hand out a slot of a span the
     * pool took back: two live buffers on one slot, which the patterns catch.
     */
    @Test
    void ownersThatParkAndWakeWhileOthersGiveTheirSpansBackLoseNothing() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(Profile.LEAN)
                .leanDecommit(DecommitMode.DONTNEED).leanDecayMillis(0).build();
        long deadline = System.nanoTime() + BufferTrade.STRESS_NANOS / 2;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int me = t;
            threads.add(new Thread(() -> {
                try {
                    SplittableRandom rnd = new SplittableRandom(me);
                    long seed = (long) me << 40;
                    for (int round = 0; System.nanoTime() < deadline && failure.get() == null; round++) {
                        List<Item> live = new ArrayList<>();
                        for (int i = rnd.nextInt(1, 48); i > 0; i--) {
                            ByteBuf b = alloc.directBuffer(rnd.nextInt(10) > 0 ? rnd.nextInt(1, 4097)
                                    : rnd.nextInt(4097, 200_000));
                            Patterns.fill(b, ++seed);
                            live.add(new Item(b, seed));
                        }
                        live.forEach(Item::checkAndRelease); // zero live slots: a park, mostly
                        if (round % 2 == 0) {
                            LockSupport.parkNanos(20_000); // idle for a moment: a claimer may take the spans
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "parking-owner-" + t));
        }
        threads.add(new Thread(() -> {
            try {
                for (int round = 0; System.nanoTime() < deadline && failure.get() == null; round++) {
                    if (round % 2 == 0) {
                        alloc.trim();
                    } else {
                        alloc.reapDeadThreads();
                    }
                    Thread.onSpinWait();
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "claimer"));
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        Item.rethrow(failure, "an owner or the claimer");
        assertThat(alloc.registry().idleGiveBacks()).as("claims really happened").isPositive();
        assertEquals(0, alloc.metric().usedDirectMemory());
        alloc.reapDeadThreads();
        assertEquals(0, alloc.metric().liveSpans(), "every span went back to the pool");
        alloc.trim();
        assertEquals(0, alloc.metric().mappedBytes());
    }

    /**
     * Four threads trade buffers up to 1.5 MiB under a cap of 8 MiB (four superslabs), so the cap
     * refuses memory all the time and the refused threads make room (ThreadHeap.makeRoom: their own
     * empty spans, idle heaps' spans given back for them, wholly free superslabs unmapped) while the
     * others allocate, release remotely and capacity-move. A refusal that still reaches a worker is
     * an OutOfMemoryError naming the cap; the worker then drops what it holds and goes on (BufferTrade,
     * atTheCap). Making room that touched a live buffer's memory breaks its pattern, or unmaps it.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FAST", "LEAN"})
    void threadsAtTheCapMakeRoomWithoutTouchingLiveBuffers(String profile) throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder()
                .profile(profile.equals("LEAN") ? Profile.LEAN : Profile.FAST)
                .leanDecommit(DecommitMode.DONTNEED).maxMappedBytes(8L << 20).build();
        BufferTrade trade = new BufferTrade(alloc, 4).atTheCap(BufferTrade.STRESS_NANOS / 2);
        BufferTrade.Shape shape = new BufferTrade.Shape(1, 3, 25, 3 << 19, 8);
        trade.run(shape, false, "at-the-cap");
        assertThat(trade.served.get()).isPositive();
        long refusals = alloc.metric().osStats().capRefusals();
        assertThat(refusals).as("the cap refused memory").isPositive();
        // A refusal that reaches a worker was refused twice (before and after making room); one made
        // good was refused once. So this counts the refusals made good. Other threads' releases make
        // some good too: that making room does it is RoomUnderCapTest's to show, deterministically.
        long madeGood = refusals - 2 * trade.refusedToWorkers.get();
        assertThat(madeGood).as("refusals made good by the retry (" + refusals + " refusals, "
                + trade.refusedToWorkers + " reached a worker)").isPositive();
        assertEquals(0, alloc.metric().usedDirectMemory());
        alloc.reapDeadThreads();
        assertEquals(0, alloc.metric().liveSpans(), "every span went back to the pool");
        alloc.trim();
        assertEquals(0, alloc.metric().mappedBytes());
    }

    @Test
    void memoryFreedByAnotherThreadIsReusedByItsOwner() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        // Exactly three full spans of 1 KiB slots, so the owner has no untouched slot to bump into
        // and must reuse what the other thread freed.
        int n = 64 * 3;
        List<ByteBuf> first = new ArrayList<>();
        Set<Long> firstAddresses = new HashSet<>();
        for (int i = 0; i < n; i++) {
            ByteBuf b = alloc.directBuffer(1024);
            first.add(b);
            firstAddresses.add(b.memoryAddress());
        }
        long mapped = alloc.metric().mappedBytes();
        Thread releaser = new Thread(() -> first.forEach(ByteBuf::release));
        releaser.start();
        releaser.join();
        Set<Long> secondAddresses = new HashSet<>();
        List<ByteBuf> second = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ByteBuf b = alloc.directBuffer(1024);
            second.add(b);
            secondAddresses.add(b.memoryAddress());
        }
        assertEquals(firstAddresses, secondAddresses, "remotely freed slots are reused");
        assertEquals(mapped, alloc.metric().mappedBytes(), "nothing new was mapped");
        second.forEach(ByteBuf::release);
        assertEquals(0, alloc.metric().usedDirectMemory());
    }

    @Test
    void thousandShortLivedThreadsHandOverTheirMemoryWhenTheyDie() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        long usedAtStart = alloc.metric().usedDirectMemory();
        Queue<Item> handedOver = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ThreadFactory nettyThreads = new DefaultThreadFactory("ftl");
        int total = 1000;
        int parallel = 8;
        for (int started = 0; started < total; started += parallel) {
            CountDownLatch done = new CountDownLatch(parallel);
            List<Thread> batch = new ArrayList<>();
            for (int t = 0; t < parallel; t++) {
                int id = started + t;
                Runnable body = () -> {
                    try {
                        SplittableRandom rnd = new SplittableRandom(id);
                        // Release what earlier (now dead) threads handed over, down to a bound, so
                        // that live data stays small and mapped memory measures stranding alone.
                        while (handedOver.size() > 64) {
                            Item item = handedOver.poll();
                            if (item != null) {
                                item.checkAndRelease();
                            }
                        }
                        List<Item> mine = new ArrayList<>();
                        for (int i = 0; i < 20; i++) {
                            ByteBuf b = alloc.directBuffer(rnd.nextInt(1, rnd.nextInt(10) == 0 ? 200_000 : 2048));
                            long seed = (long) id << 32 | i;
                            Patterns.fill(b, seed);
                            mine.add(new Item(b, seed));
                        }
                        for (int i = 0; i < mine.size(); i++) {
                            if (i % 2 == 0) {
                                handedOver.add(mine.get(i));
                            } else {
                                mine.get(i).checkAndRelease();
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                };
                // Half are Netty threads (retired by FastThreadLocal's removal hook as they exit),
                // half plain threads (retired by the registry once it sees them dead).
                batch.add(id % 2 == 0 ? nettyThreads.newThread(body) : new Thread(body));
            }
            batch.forEach(Thread::start);
            for (Thread t : batch) {
                t.join();
            }
        }
        Item.rethrow(failure, "a thread");
        Item.drainAll(List.of(handedOver));
        alloc.reapDeadThreads();
        HakmemAllocatorMetric m = alloc.metric();
        assertEquals(usedAtStart, m.usedDirectMemory(), "used memory is back where it started");
        assertEquals(0, alloc.registry().registeredHeaps(), "every dead thread's heap was retired");
        assertEquals(0, m.orphanSpans(), "no orphan is left");
        assertEquals(0, m.liveSpans(), "every span went back to the pool");
        assertThat(m.mappedBytes()).as("memory is reused across threads, not stranded per thread")
                .isLessThanOrEqualTo(64L << 20);
    }
}
