package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.FaultySyscalls;
import org.hakmem.netty.slab.SizeClasses;
import org.hakmem.netty.slab.Superslab;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Memory's whole life off the hot path, in every profile and decommit mode: threads that die holding
 * buffers other threads release later, threads that allocate once and die, long-lived threads that
 * empty and idle (LEAN parks them), trim() in a loop and LEAN's purger at its most eager, while a
 * watcher reads the metric. Every buffer carries its own pattern (two live buffers on one slot, or a
 * live slab given back, break it). Once everything is released and trim() has run, every figure of
 * the metric is back at zero: nothing is stranded and the books agree with the kernel.
 */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(WithoutLeakTracking.LEVEL)
class LifecycleStressTest {
    /** 3 s by default; -Dhakmem.stress.seconds scales it (BufferTrade). */
    private static final long RUN_NANOS = BufferTrade.STRESS_NANOS * 3 / 8;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"FAST, FREE", "FAST, DONTNEED", "FAST, OFF", "LEAN, FREE", "LEAN, DONTNEED", "LEAN, OFF"})
    void everyFigureIsBackAtZeroOnceAllIsReleasedAndTrimmed(Profile profile, DecommitMode mode) throws Exception {
        HakmemByteBufAllocator alloc = eager(profile, mode);
        ThreadFactory nettyThreads = new DefaultThreadFactory("lifecycle");
        churn(alloc, (id, body) -> {
            Thread t = id % 2 == 0 ? nettyThreads.newThread(body) : new Thread(body);
            t.start();
            return t::join;
        });
        alloc.trim();
        assertAllBackAtZero(alloc);
    }

    /**
     * The same with virtual threads among the short lives (one in two): they allocate from the shared
     * lanes, which never retire, and which the purger (LEAN) and trim() must empty.
     */
    @ParameterizedTest(name = "{0}")
    @EnabledForJreRange(min = JRE.JAVA_21)
    @CsvSource({"FAST", "LEAN"})
    void virtualThreadsLanesAreEmptiedToo(Profile profile) throws Exception {
        HakmemByteBufAllocator alloc = eager(profile, DecommitMode.DONTNEED);
        ThreadFactory virtualThreads = (ThreadFactory) Class.forName("java.lang.Thread$Builder")
                .getMethod("factory").invoke(Thread.class.getMethod("ofVirtual").invoke(null));
        churn(alloc, (id, body) -> {
            Thread t = id % 2 == 0 ? virtualThreads.newThread(body) : new Thread(body);
            t.start();
            return t::join;
        });
        assertThat(alloc.metric().sharedHeaps()).as("virtual threads used the lanes").isPositive();
        alloc.trim();
        assertAllBackAtZero(alloc);
    }

    /**
     * The short lives run on event loops the allocator watches, one loop per life. A loop idles after
     * its task, for the next two batches of lives, which release what it left behind; meanwhile
     * trim() (in a loop) and LEAN's purger ask it to look at those frees, as a task on the loop. Then
     * it shuts down, a look pending or not (run before the loop's last removal of its thread-locals,
     * or refused). Nothing may be stranded in a heap asked to look as it dies.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"FAST", "LEAN"})
    void watchedEventLoopsThatDieWhileAskedToLookLeaveNothing(Profile profile) throws Exception {
        HakmemByteBufAllocator alloc = eager(profile, DecommitMode.DONTNEED);
        Queue<EventLoopGroup> idling = new ConcurrentLinkedQueue<>();
        churn(alloc, (id, body) -> {
            EventLoopGroup loop = new DefaultEventLoopGroup(1, new DefaultThreadFactory("watched-" + id));
            alloc.watchEventLoops(loop);
            Future<?> done = loop.submit(body);
            return () -> {
                done.syncUninterruptibly();
                idling.add(loop);
                while (idling.size() > 8) {
                    shutDown(idling.poll());
                }
            };
        });
        idling.forEach(LifecycleStressTest::shutDown);
        assertThat(alloc.ownerLooksAsked()).as("idle loops were asked to look").isPositive();
        alloc.trim();
        assertAllBackAtZero(alloc);
    }

    private static void shutDown(EventLoopGroup loop) {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * The kernel refuses madvise part-way (EPERM, as a seccomp filter would): the refusal is counted
     * once, giving back stops for the process's gate, and nothing is lost or half given back: every
     * pattern holds, every span and heap comes back, and what stays mapped is whole superslabs.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"FAST", "LEAN"})
    void aMadviseRefusedPartWayLosesNothing(Profile profile) throws Exception {
        FaultySyscalls faults = new FaultySyscalls();
        HakmemConfig config = HakmemByteBufAllocator.builder().profile(profile).leanDecommit(DecommitMode.DONTNEED)
                .leanDecayMillis(0).leanTargetMB(1).maxMappedBytes(1L << 30).resolve();
        HakmemByteBufAllocator alloc = new HakmemByteBufAllocator(config, faults.newOsMemory(1L << 30));
        Thread refuser = new Thread(() -> {
            LockSupport.parkNanos(RUN_NANOS / 3);
            faults.madviseErrno = 1;
        }, "refuser");
        refuser.start();
        churn(alloc, (id, body) -> {
            Thread t = new Thread(body);
            t.start();
            return t::join;
        });
        refuser.join();
        alloc.trim();
        HakmemAllocatorMetric m = alloc.metric();
        assertThat(m.osStats().decommitDisabled()).as("the refusal switched giving back off").isTrue();
        assertEquals(1, m.osStats().madviseFailures(), "counted once; no madvise after it");
        assertEquals(0, m.usedDirectMemory());
        assertEquals(0, m.liveSpans(), () -> "every span is back: " + m);
        assertEquals(0, m.orphanSpans());
        assertEquals(0, alloc.registry().registeredHeaps());
        assertEquals((long) m.superslabs() * Superslab.SIZE, m.mappedBytes(), "whole superslabs stay mapped");
        assertThat(m.committedBytes()).isLessThanOrEqualTo(m.mappedBytes());
    }

    /** LEAN at its most eager (no decay, a 1 MiB budget); FAST as it is. */
    private static HakmemByteBufAllocator eager(Profile profile, DecommitMode mode) {
        return HakmemByteBufAllocator.builder().profile(profile).leanDecommit(mode).leanDecayMillis(0)
                .leanTargetMB(1).maxMappedBytes(1L << 30).build();
    }

    /** Starts a thread for short life {@code id} and returns how to wait for it. */
    @FunctionalInterface
    private interface Spawner {
        Joinable start(int id, Runnable body) throws Exception;
    }

    @FunctionalInterface
    private interface Joinable {
        void join() throws InterruptedException;
    }

    /**
     * Batches of four short lives until the deadline, beside two idlers, a trimmer and a watcher;
     * then releases what the dead left behind. Fails with the first failure of any thread.
     */
    private static void churn(HakmemByteBufAllocator alloc, Spawner spawner) throws Exception {
        Queue<Item> leftBehind = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        long deadline = System.nanoTime() + RUN_NANOS;
        List<Thread> helpers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int me = t;
            helpers.add(guarded(failure, "idler-" + t, () -> idler(alloc, me, leftBehind, stop)));
        }
        helpers.add(guarded(failure, "trimmer", () -> {
            while (!stop.get()) {
                alloc.trim();
                LockSupport.parkNanos(200_000);
            }
        }));
        helpers.add(guarded(failure, "watcher", () -> {
            while (!stop.get()) {
                checkNoFigureIsNegative(alloc);
            }
        }));
        helpers.forEach(Thread::start);
        try {
            for (int id = 0; System.nanoTime() < deadline && failure.get() == null; id += 4) {
                List<Joinable> batch = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int me = id + t;
                    batch.add(spawner.start(me, () -> shortLife(alloc, me, leftBehind, failure)));
                }
                for (Joinable t : batch) {
                    t.join();
                }
            }
        } finally {
            stop.set(true);
            for (Thread t : helpers) {
                t.join();
            }
        }
        Item.rethrow(failure, "a thread");
        Item.drainAll(List.of(leftBehind));
    }

    /** A thread that lives a moment: releases some of what dead threads left, allocates, leaves some behind. */
    private static void shortLife(HakmemByteBufAllocator alloc, int id, Queue<Item> leftBehind,
                                  AtomicReference<Throwable> failure) {
        try {
            SplittableRandom rnd = new SplittableRandom(id);
            for (int i = rnd.nextInt(8); i > 0; i--) {
                Item item = leftBehind.poll();
                if (item != null) {
                    item.checkAndRelease();
                }
            }
            int count = id % 5 == 0 ? 1 : rnd.nextInt(1, 30); // every fifth allocates once
            for (int i = 0; i < count; i++) {
                ByteBuf b = alloc.directBuffer(size(rnd));
                long seed = (long) id << 20 | i;
                Patterns.fill(b, seed);
                Item item = new Item(b, seed);
                if (rnd.nextInt(3) == 0) {
                    leftBehind.add(item); // dies holding it; another thread releases it later
                } else {
                    item.checkAndRelease();
                }
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    /** A long-lived thread that fills, empties (a LEAN heap parks) and idles a moment, over and over. */
    private static void idler(HakmemByteBufAllocator alloc, int me, Queue<Item> leftBehind, AtomicBoolean stop) {
        SplittableRandom rnd = new SplittableRandom(1000 + me);
        long seed = (1000L + me) << 40;
        while (!stop.get()) {
            List<Item> mine = new ArrayList<>();
            for (int i = rnd.nextInt(1, 40); i > 0; i--) {
                ByteBuf b = alloc.directBuffer(size(rnd));
                Patterns.fill(b, ++seed);
                mine.add(new Item(b, seed));
            }
            for (Item item : mine) {
                if (rnd.nextInt(10) == 0) {
                    leftBehind.add(item);
                } else {
                    item.checkAndRelease();
                }
            }
            LockSupport.parkNanos(rnd.nextInt(10) == 0 ? 2_000_000 : 20_000);
        }
    }

    /** Mostly small, some up to 300 KB, a few huge (their own mapping). */
    private static int size(SplittableRandom rnd) {
        int kind = rnd.nextInt(100);
        return kind < 80 ? rnd.nextInt(1, 4097) : kind < 98 ? rnd.nextInt(4097, 300_000)
                : rnd.nextInt(SizeClasses.MAX_SIZE + 1, SizeClasses.MAX_SIZE * 3 / 2);
    }

    private static Thread guarded(AtomicReference<Throwable> failure, String name, Runnable body) {
        return new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, name);
    }

    static void checkNoFigureIsNegative(HakmemByteBufAllocator alloc) {
        HakmemAllocatorMetric m = alloc.metric();
        long[] figures = {m.usedDirectMemory(), m.mappedBytes(), m.committedBytes(), m.spanBytes(),
                m.freeCommittedBytes(), m.liveSpans(), m.orphanSpans(), m.superslabs()};
        for (long f : figures) {
            if (f < 0) {
                throw new AssertionError("a negative figure: " + m);
            }
        }
    }

    static void assertAllBackAtZero(HakmemByteBufAllocator alloc) {
        assertAllBackAtZero(alloc, 0);
    }

    /** As above, with {@code livingHeaps} heaps of threads still alive (the caller's, say). */
    static void assertAllBackAtZero(HakmemByteBufAllocator alloc, int livingHeaps) {
        HakmemAllocatorMetric m = alloc.metric();
        String state = m + ", " + m.osStats() + "\n" + alloc.pool().describe();
        assertEquals(0, m.usedDirectMemory(), () -> "used: " + state);
        assertEquals(0, m.orphanSpans(), () -> "orphans: " + state);
        assertEquals(0, m.liveSpans(), () -> "spans: " + state);
        assertEquals(livingHeaps, alloc.registry().registeredHeaps(), () -> "heaps: " + state);
        assertEquals(m.spansAcquired(), m.spansReleased(), () -> "span traffic: " + state);
        assertEquals(0, m.spanBytes(), () -> "span bytes: " + state);
        assertEquals(0, m.freeCommittedBytes(), () -> "free committed: " + state);
        assertEquals(0, m.committedBytes(), () -> "committed: " + state);
        assertEquals(0, m.mappedBytes(), () -> "mapped: " + state);
        assertEquals(0, m.superslabs(), () -> "superslabs: " + state);
        assertEquals(0, m.residentBytes(), () -> "resident: " + state);
    }
}
