package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import org.hakmem.netty.os.DecommitMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Virtual threads share a few locked heaps (SharedCaches) instead of getting one each. The tests that
 * start virtual threads need JDK 21+ (CI runs them on JDK 25); the library is built for Java 17, so
 * they reach Executors.newVirtualThreadPerTaskExecutor() through its public method.
 */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(WithoutLeakTracking.LEVEL)
class VirtualThreadsTest {
    /**
     * Bursts of 32, 95% of sizes up to 4 KiB and the rest up to 1.2 MB (huge mappings too), 100 kept,
     * one buffer in 8 moved by capacity(int): on a virtual thread the move takes a lane too.
     */
    private static final BufferTrade.Shape SHAPE = new BufferTrade.Shape(32, 100, 95, 1_200_000, 8);

    /** A virtual-thread-per-task executor that try-with-resources shuts down (ExecutorService is not AutoCloseable on 17). */
    private record VirtualThreadExecutor(ExecutorService executor) implements AutoCloseable {
        <T> Future<T> submit(Callable<T> task) {
            return executor.submit(task);
        }

        void runAll(List<Callable<Void>> tasks) throws Exception {
            List<Future<Void>> futures = new ArrayList<>();
            for (Callable<Void> task : tasks) {
                futures.add(executor.submit(task));
            }
            for (Future<Void> f : futures) {
                f.get();
            }
        }

        @Override
        public void close() throws InterruptedException {
            executor.shutdown();
            if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                throw new AssertionError("virtual threads still running after 60 s");
            }
        }
    }

    private static VirtualThreadExecutor virtualThreads() throws ReflectiveOperationException {
        return new VirtualThreadExecutor(
                (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null));
    }

    @Test
    void platformThreadsAreNotVirtualAndTheCheckExistsFromJdk21() {
        assertFalse(VirtualThreads.isVirtual(Thread.currentThread()));
        assertEquals(Runtime.version().feature() >= 21, VirtualThreads.supported());
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void thousandsOfVirtualThreadsShareAFewHeapsAndKeepTheirBytes() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        int threads = 5000;
        CountDownLatch allHold = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
        Queue<Item> handedOver = new ConcurrentLinkedQueue<>();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            long seed = i + 1;
            tasks.add(() -> {
                ByteBuf b = alloc.directBuffer(1 + (int) (seed * 7919 % 4096));
                Patterns.fill(b, seed);
                allHold.countDown();
                release.await();
                Item item = new Item(b, seed);
                if (seed % 2 == 0) {
                    item.checkAndRelease();
                } else {
                    handedOver.add(item); // released below, by the test's platform thread
                }
                return null;
            });
        }
        try (VirtualThreadExecutor executor = virtualThreads()) {
            List<Future<Void>> futures = new ArrayList<>();
            for (Callable<Void> task : tasks) {
                futures.add(executor.submit(task));
            }
            allHold.await();
            HakmemAllocatorMetric m = alloc.metric();
            assertEquals(0, m.threadHeaps(), "no virtual thread got a heap of its own");
            assertEquals(Runtime.getRuntime().availableProcessors(), m.sharedHeaps());
            // A heap per thread would cut at least one 64 KiB span per thread: 312 MiB here. Lanes
            // cost twice the live bytes at most (slot rounding, free slots), plus a few spans each.
            assertThat(m.mappedBytes()).as("mapped for %d live bytes in %d lanes", m.usedDirectMemory(),
                    m.sharedHeaps()).isLessThanOrEqualTo(2 * m.usedDirectMemory() + m.sharedHeaps() * (4L << 20));
            release.countDown();
            for (Future<Void> f : futures) {
                f.get();
            }
        }
        Item.drainAll(List.of(handedOver));
        assertEquals(0, alloc.metric().usedDirectMemory());
        assertEquals(0, alloc.registry().registeredHeaps(), "no virtual thread ever got a heap of its own");
    }

    /**
     * Virtual threads and platform threads allocate, resize and release each other's buffers, with
     * a pattern per buffer: lanes under contention must never hand out a slot twice, and the remote
     * frees into lanes must all come back.
     */
    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void virtualAndPlatformThreadsTradeBuffersWithoutOverlap() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        int workers = 8;
        BufferTrade trade = new BufferTrade(alloc, workers);
        runTrade(trade, workers, workers / 2, SHAPE, List.of()); // half on platform threads, half virtual
        assertEquals(0, alloc.metric().usedDirectMemory());
        alloc.trim();
        assertEquals(0, alloc.metric().mappedBytes(), () -> "trim() empties the lanes too: " + alloc.metric());
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void heapBuffersAndCapacityChangesWorkOnAVirtualThread() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        byte[] data = new byte[3000];
        new SplittableRandom(7).nextBytes(data);
        try (VirtualThreadExecutor executor = virtualThreads()) {
            executor.submit(() -> {
                ByteBuf direct = alloc.directBuffer(100);
                direct.writeBytes(data, 0, 100);
                direct.capacity(3000); // another size class: the bytes move
                direct.writeBytes(data, 100, 2900);
                byte[] back = new byte[3000];
                direct.getBytes(0, back);
                assertArrayEquals(data, back);
                ByteBuf heap = alloc.heapBuffer(1000);
                heap.writeBytes(data, 0, 1000);
                assertEquals(1000, alloc.metric().usedHeapMemory());
                heap.release();
                direct.release();
                return null;
            }).get();
        }
        assertEquals(0, alloc.metric().usedDirectMemory());
        assertEquals(0, alloc.metric().usedHeapMemory());
        assertEquals(0, alloc.registry().registeredHeaps(), "no virtual thread ever got a heap of its own");
    }

    /**
     * A virtual thread refused at the mapping cap holds a lane's lock when the OutOfMemoryError is
     * thrown: the lock must be released and the lane left whole, so that the same lane serves again
     * once memory is free, trim() (which waits for every lane's lock) returns, and a platform thread
     * can move that buffer by capacity(int).
     */
    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void aVirtualThreadRefusedAtTheCapLeavesItsLaneUsable() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().maxMappedBytes(2L << 20).build();
        ByteBuf moved;
        try (VirtualThreadExecutor executor = virtualThreads()) {
            moved = executor.submit(() -> {
                List<Item> held = new ArrayList<>();
                try {
                    for (long seed = 1; ; seed++) {
                        ByteBuf b = alloc.directBuffer(64 << 10);
                        Patterns.fill(b, seed);
                        held.add(new Item(b, seed));
                    }
                } catch (OutOfMemoryError refused) {
                    assertThat(refused.getMessage()).contains("cap");
                }
                assertThat(held).as("the cap holds one superslab of 64 KiB buffers").hasSizeGreaterThan(16);
                held.forEach(Item::checkAndRelease);
                ByteBuf big = alloc.directBuffer(1 << 20); // the lane's own spans, all free, make room
                Patterns.fill(big, 99);
                return big;
            }).get();
        }
        moved.capacity(3000); // a platform thread moves a lane's buffer into its own heap
        assertEquals(3000, moved.capacity());
        Patterns.check(moved, 99);
        moved.release();
        assertEquals(0, alloc.metric().usedDirectMemory());
        alloc.trim();
        assertEquals(0, alloc.metric().mappedBytes(), () -> "trim() took every lane's lock: " + alloc.metric());
    }

    /**
     * Virtual threads (on the lanes) and platform threads trade buffers of up to 1.5 MiB under a cap
     * of 8 MiB, moving some by capacity(int), while a trimmer empties the lanes under their locks and,
     * in LEAN, the purger gives back idle lanes' spans at its most eager. A refused thread makes room
     * (ThreadHeap.makeRoom): a virtual thread from its own lane, holding that lane's lock, and from the
     * lanes whose lock is free; a platform thread from those lanes too. Making room that touched a
     * live buffer's slot, or a lane used by two threads at once, breaks a pattern; a refusal other than
     * the cap's, or a lane left locked, fails or hangs the test; afterwards nothing is left.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Profile.class)
    @EnabledForJreRange(min = JRE.JAVA_21)
    void virtualAndPlatformThreadsAtTheCapMakeRoomWithoutTouchingLiveBuffers(Profile profile) throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(profile)
                .leanDecommit(DecommitMode.DONTNEED).leanDecayMillis(0).leanTargetMB(1)
                .maxMappedBytes(8L << 20).build();
        int workers = 6;
        BufferTrade trade = new BufferTrade(alloc, workers).atTheCap(BufferTrade.STRESS_NANOS / 4);
        AtomicReference<Throwable> trimFailure = new AtomicReference<>();
        Thread trimmer = new Thread(() -> {
            try {
                while (trade.running()) {
                    alloc.trim();
                    LockSupport.parkNanos(500_000);
                }
            } catch (Throwable e) {
                trimFailure.set(e);
            }
        }, "lane-trimmer");
        runTrade(trade, workers, 2, new BufferTrade.Shape(1, 3, 25, 3 << 19, 8), List.of(trimmer));
        Item.rethrow(trimFailure, "the trimmer");
        assertThat(alloc.metric().osStats().capRefusals()).as("the cap refused memory").isPositive();
        assertEquals(0, alloc.metric().usedDirectMemory());
        alloc.trim();
        LifecycleStressTest.assertAllBackAtZero(alloc);
    }

    /**
     * Runs the trade's workers, the first {@code platformWorkers} on platform threads and the rest on
     * virtual threads, beside {@code others} (started here too), and returns once all have ended and
     * the trade is finished.
     */
    private static void runTrade(BufferTrade trade, int workers, int platformWorkers, BufferTrade.Shape shape,
                                 List<Thread> others) throws Exception {
        List<Thread> platform = new ArrayList<>(others);
        List<Callable<Void>> virtual = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int me = w;
            if (w < platformWorkers) {
                platform.add(new Thread(() -> trade.work(me, shape), "platform-" + w));
            } else {
                virtual.add(() -> {
                    trade.work(me, shape);
                    return null;
                });
            }
        }
        platform.forEach(Thread::start);
        try (VirtualThreadExecutor executor = virtualThreads()) {
            executor.runAll(virtual);
        }
        for (Thread t : platform) {
            t.join();
        }
        trade.finish();
    }

    /**
     * LEAN: once virtual threads stop allocating, the purger gives back what the lanes hold. Without
     * it, each lane would keep its current spans until the next virtual thread allocates.
     */
    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void leanGivesBackWhatLanesHoldOnceVirtualThreadsStop() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(Profile.LEAN)
                .leanDecommit(DecommitMode.DONTNEED).leanTargetMB(1024).leanDecayMillis(50).build();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long seed = i + 1;
            tasks.add(() -> {
                List<Item> held = new ArrayList<>();
                for (int k = 0; k < 20; k++) {
                    ByteBuf b = alloc.directBuffer(1 + (int) ((seed * 31 + k) * 7919 % 16384));
                    Patterns.fill(b, seed << 8 | k);
                    held.add(new Item(b, seed << 8 | k));
                }
                held.forEach(Item::checkAndRelease);
                return null;
            });
        }
        try (VirtualThreadExecutor executor = virtualThreads()) {
            executor.runAll(tasks);
        }
        assertEquals(0, alloc.metric().usedDirectMemory());
        long deadline = System.currentTimeMillis() + 10_000;
        while (alloc.metric().committedBytes() > 0) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("lanes still hold memory after 10 s: " + alloc.metric());
            }
            Thread.sleep(10);
        }
        assertEquals(0, alloc.metric().residentBytes());
    }
}
