package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocal;
import org.hakmem.netty.os.DecommitMode;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A thread whose FastThreadLocals are removed while it lives on: FastThreadLocal.removeAll(), which a
 * pool may call between tasks so that one task's thread-locals do not leak into the next. The
 * allocator's removal hook then retires the thread's heap on the spot (its spans holding live buffers
 * become orphans), closes its cache, and the thread's next allocation makes a new heap, which may
 * adopt those very orphans while the thread and others still hold and release the buffers on them.
 * Every buffer carries its own pattern, checked before release (two live buffers on one slot break
 * it); once everything is released and the threads are gone, every figure is back at zero (nothing
 * stranded in a retired heap that its thread went on using).
 */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(WithoutLeakTracking.LEVEL)
class ThreadLocalRemovalTest {
    /** 2 s per profile by default; -Dhakmem.stress.seconds scales it (BufferTrade). */
    private static final long RUN_NANOS = BufferTrade.STRESS_NANOS / 4;

    /**
     * Step by step: a thread allocates in several classes, removes its thread-locals, another thread
     * releases half of its buffers (remote frees into the orphans), and the thread allocates the same
     * classes again - its new heap adopts the orphans that hold its own old buffers - then releases
     * everything on its own thread, old and new alike.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Profile.class)
    void aThreadAllocatesAgainAfterItsThreadLocalsWereRemoved(Profile profile) throws Exception {
        HakmemByteBufAllocator alloc = eager(profile);
        int[] sizes = {16, 100, 1000, 5000, 20_000, 200_000};
        try (TaskThread t = new TaskThread(new DefaultThreadFactory("removal"))) {
            List<Item> first = t.call(() -> allocate(alloc, sizes, 1));
            int heapsBefore = alloc.registry().registeredHeaps();
            t.call(() -> {
                FastThreadLocal.removeAll();
                return null;
            });
            assertEquals(heapsBefore - 1, alloc.registry().registeredHeaps(), "the removal retired the heap");
            assertThat(alloc.metric().orphanSpans()).as("spans holding live buffers became orphans").isPositive();
            for (int i = 0; i < first.size(); i += 2) {
                first.get(i).checkAndRelease(); // remote frees into the orphans
            }
            List<Item> second = t.call(() -> allocate(alloc, sizes, 2));
            assertEquals(0, alloc.metric().orphanSpans(), "the new heap adopted the orphans");
            t.call(() -> {
                for (int i = 1; i < first.size(); i += 2) {
                    first.get(i).checkAndRelease(); // local frees into adopted spans
                }
                second.forEach(Item::checkAndRelease);
                return null;
            });
        }
        alloc.trim();
        LifecycleStressTest.assertAllBackAtZero(alloc);
    }

    /**
     * FastThreadLocal.destroy() (for a container unloading an application) drops a plain thread's
     * thread-local map without calling any removal hook, so the thread's heap is not retired: the
     * thread lives on and allocates again, through the table entry while it holds, else (a thread with
     * a colliding id took the entry) through a cache made anew. Either way it must go on with the heap
     * it has, and its own trim() must reach it: frees other threads made into that heap's spans are
     * collected and its empty spans given back, as for any thread, however often the map is destroyed.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Profile.class)
    void aThreadWhoseThreadLocalMapWasDestroyedKeepsItsHeapAndTrimsIt(Profile profile) throws Exception {
        HakmemByteBufAllocator alloc = eager(profile);
        try (TaskThread t = new TaskThread(Thread::new)) {
            for (int round = 0; round < 3; round++) {
                long r = round;
                t.call(() -> allocate(alloc, new int[] {1000}, r)).forEach(Item::checkAndRelease); // remote frees
                t.call(() -> {
                    FastThreadLocal.destroy();
                    return null;
                });
                if (round > 0) {
                    allocateOnACollidingThread(alloc, t.thread);
                }
                t.call(() -> {
                    alloc.directBuffer(1000).release();
                    alloc.trim();
                    return null;
                });
                HakmemAllocatorMetric m = alloc.metric();
                assertEquals(1, m.threadHeaps(), () -> "one heap for the one live thread: " + m);
                assertEquals(0, m.liveSpans(), () -> "the thread's own trim() gave back every span: " + m);
            }
        }
        alloc.trim();
        LifecycleStressTest.assertAllBackAtZero(alloc);
    }

    /** Allocates on a new thread whose id takes the table entry of {@code other}, and joins it. */
    @SuppressWarnings("deprecation") // Thread.getId(): threadId() needs JDK 19
    private static void allocateOnACollidingThread(HakmemByteBufAllocator alloc, Thread other) throws Exception {
        Runnable body = () -> alloc.directBuffer(16).release();
        Thread colliding = new Thread(body);
        while ((colliding.getId() & 255) != (other.getId() & 255)) { // ThreadCacheTable's 256 entries
            colliding = new Thread(body);
        }
        colliding.start();
        colliding.join();
    }

    /**
     * Pool threads (Netty's and plain ones) reused across many small tasks, each of which may end
     * with FastThreadLocal.removeAll(), trade patterned buffers with each other while a trimmer runs
     * and, in LEAN, the purger gives memory back at its most eager.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Profile.class)
    void pooledThreadsThatRemoveTheirThreadLocalsBetweenTasksLoseNothing(Profile profile) throws Exception {
        HakmemByteBufAllocator alloc = eager(profile);
        Queue<Item> traded = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        DefaultThreadFactory nettyThreads = new DefaultThreadFactory("removal-pool");
        for (int w = 0; w < 3; w++) {
            int me = w;
            Runnable body = () -> {
                try {
                    SplittableRandom rnd = new SplittableRandom(me);
                    for (long task = 0; !stop.get() && failure.get() == null; task++) {
                        oneTask(alloc, rnd, (long) me << 40 | task << 8, traded);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            };
            threads.add(me == 0 ? new Thread(body, "removal-plain") : nettyThreads.newThread(body));
        }
        threads.add(new Thread(() -> {
            try {
                while (!stop.get()) {
                    alloc.trim();
                    LockSupport.parkNanos(300_000);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "removal-trimmer"));
        threads.forEach(Thread::start);
        LockSupport.parkNanos(RUN_NANOS);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        Item.rethrow(failure, "a pool thread");
        Item.drainAll(List.of(traded));
        alloc.trim();
        LifecycleStressTest.assertAllBackAtZero(alloc);
    }

    /**
     * One task: releases some of what other tasks traded, allocates a burst, trades some of it, keeps
     * some across the removal of its thread-locals and releases that after it (its heap is new by
     * then), then maybe removes its thread-locals, as a pool may between tasks.
     */
    private static void oneTask(HakmemByteBufAllocator alloc, SplittableRandom rnd, long seedBase, Queue<Item> traded) {
        for (int i = rnd.nextInt(6); i > 0; i--) {
            Item item = traded.poll();
            if (item != null) {
                item.checkAndRelease();
            }
        }
        List<Item> kept = new ArrayList<>();
        for (int i = rnd.nextInt(1, 24); i > 0; i--) {
            int size = rnd.nextInt(10) == 0 ? rnd.nextInt(4097, 300_000) : rnd.nextInt(1, 4097);
            ByteBuf b = alloc.directBuffer(size);
            long seed = seedBase | i;
            Patterns.fill(b, seed);
            Item item = new Item(b, seed);
            int fate = rnd.nextInt(3);
            if (fate == 0) {
                traded.add(item);
            } else if (fate == 1) {
                kept.add(item);
            } else {
                item.checkAndRelease();
            }
        }
        if (rnd.nextInt(3) == 0) {
            FastThreadLocal.removeAll();
        }
        kept.forEach(Item::checkAndRelease);
        while (traded.size() > 200) { // bounded: the trade keeps a few hundred buffers live at most
            Item item = traded.poll();
            if (item != null) {
                item.checkAndRelease();
            }
        }
    }

    private static List<Item> allocate(HakmemByteBufAllocator alloc, int[] sizes, long round) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < sizes.length * 4; i++) {
            ByteBuf b = alloc.directBuffer(sizes[i % sizes.length]);
            long seed = round << 32 | i;
            Patterns.fill(b, seed);
            items.add(new Item(b, seed));
        }
        return items;
    }

    /** LEAN at its most eager (no decay, a 1 MiB budget, DONTNEED: a slab given back reads zero); FAST as it is. */
    private static HakmemByteBufAllocator eager(Profile profile) {
        return HakmemByteBufAllocator.builder().profile(profile).leanDecommit(DecommitMode.DONTNEED)
                .leanDecayMillis(0).leanTargetMB(1).maxMappedBytes(1L << 30).build();
    }

    /** One thread that runs the tasks it is given in turn, as a pool's worker does; joined on close. */
    private static final class TaskThread implements AutoCloseable {
        private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
        final Thread thread;

        TaskThread(java.util.concurrent.ThreadFactory factory) {
            thread = factory.newThread(() -> {
                try {
                    for (Runnable task; (task = tasks.take()) != STOP; ) {
                        task.run();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            thread.start();
        }

        private static final Runnable STOP = () -> { };

        /** Runs the task on the thread and returns its result, or throws what it threw. */
        <T> T call(Callable<T> task) throws Exception {
            SynchronousQueue<Object[]> answer = new SynchronousQueue<>();
            tasks.add(() -> {
                Object[] outcome;
                try {
                    outcome = new Object[] {task.call(), null};
                } catch (Throwable e) {
                    outcome = new Object[] {null, e};
                }
                try {
                    answer.put(outcome);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Object[] outcome = answer.take();
            if (outcome[1] != null) {
                throw new AssertionError("the task failed", (Throwable) outcome[1]);
            }
            @SuppressWarnings("unchecked")
            T result = (T) outcome[0];
            return result;
        }

        @Override
        public void close() throws InterruptedException {
            tasks.add(STOP);
            thread.join();
        }
    }
}
