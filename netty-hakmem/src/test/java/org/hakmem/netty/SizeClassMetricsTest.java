package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HakmemAllocatorMetric.sizeClasses() and hugeBytes(): the per-class rows add up to the totals. */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(WithoutLeakTracking.LEVEL)
class SizeClassMetricsTest {
    private static final int HUGE = (1 << 20) + 1;

    @Test
    void everyClassHasARowInOrderOfSlotSizeAndAFreshAllocatorHoldsNoSpan() {
        HakmemAllocatorMetric m = HakmemByteBufAllocator.builder().build().metric();
        List<HakmemSizeClassMetric> rows = m.sizeClasses();
        assertEquals(65, rows.size());
        assertEquals(16, rows.get(0).slotSize());
        assertEquals(1 << 20, rows.get(64).slotSize());
        for (int c = 0; c < rows.size(); c++) {
            HakmemSizeClassMetric row = rows.get(c);
            assertEquals(c, row.sizeClass());
            assertTrue(c == 0 || row.slotSize() > rows.get(c - 1).slotSize(), row::toString);
            assertEquals(0, row.spans(), row::toString);
            assertEquals(0, row.liveSlots(), row::toString);
        }
        assertThrows(UnsupportedOperationException.class, () -> rows.set(0, rows.get(1)));
    }

    @Test
    void liveBuffersCountInTheirClassAndTheRowsAddUpToTheTotals() {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(Profile.FAST).build();
        List<ByteBuf> live = new ArrayList<>();
        allocate(alloc, live, 10, 100);
        allocate(alloc, live, 3, 5000);
        allocate(alloc, live, 2, 40_000);
        allocate(alloc, live, 1, HUGE);
        HakmemAllocatorMetric m = alloc.metric();

        assertClass(m, 112, 10);
        assertClass(m, 5120, 3);
        assertClass(m, 40960, 2);
        assertEquals(hugeSize(), m.hugeBytes());
        assertTotals(m);

        live.forEach(ByteBuf::release);
        for (HakmemSizeClassMetric row : m.sizeClasses()) {
            assertEquals(0, row.liveSlots(), row::toString);
            assertEquals(row.slots(), row.freeSlots(), row::toString);
        }
        assertEquals(0, m.hugeBytes());
        assertTotals(m);
        alloc.trim();
        assertEquals(0, m.sizeClasses().stream().mapToInt(HakmemSizeClassMetric::spans).sum(), "trim gave every span back");
        assertTrue(rowOfSlot(m, 112).spansReleased() >= 1, () -> rowOfSlot(m, 112).toString());
        assertTotals(m);
    }

    /** A slot released on another thread stops counting at once, before its owner collects it. */
    @Test
    void aRemoteReleaseCountsBeforeTheOwnerCollectsIt() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        List<ByteBuf> live = new ArrayList<>();
        allocate(alloc, live, 5, 300);
        Thread releaser = new Thread(() -> live.forEach(ByteBuf::release));
        releaser.start();
        releaser.join();
        HakmemSizeClassMetric row = rowOfSlot(alloc.metric(), 320);
        assertEquals(0, row.liveSlots(), row::toString);
        assertEquals(1, row.spans(), row::toString);
        assertTotals(alloc.metric());
    }

    /** The spans of a thread that died holding buffers stay in their class's row until released. */
    @Test
    void spansADeadThreadLeftHoldingBuffersStayInTheirRow() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        List<ByteBuf> live = new ArrayList<>();
        Thread t = new Thread(() -> allocate(alloc, live, 3, 200));
        t.start();
        t.join();
        alloc.reapDeadThreads();
        assertTrue(alloc.metric().orphanSpans() > 0, () -> alloc.metric().toString());
        HakmemSizeClassMetric row = rowOfSlot(alloc.metric(), 224);
        assertEquals(3, row.liveSlots(), row::toString);
        assertEquals(1, row.spans(), row::toString);
        assertTotals(alloc.metric());

        live.forEach(ByteBuf::release);
        alloc.reapDeadThreads();
        row = rowOfSlot(alloc.metric(), 224);
        assertEquals(0, row.liveSlots(), row::toString);
        assertEquals(0, row.spans(), () -> "the emptied orphan went back: " + alloc.metric());
    }

    /**
     * Read while three threads allocate (every class, and huge buffers), grow in place, move and release
     * their own buffers and each other's, in FAST and in LEAN with no decay and a thread trimming: every
     * read answers with 65 rows, none negative, none with more live slots than slots, each with exactly
     * its acquired less released spans (all three are counted under the pool's lock, and read under it).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Profile.class)
    void readWhileThreadsAllocateAndReleaseEveryRowHoldsTogether(Profile profile) throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(profile).leanDecayMillis(0).build();
        readWhileWorking(alloc, work -> {
            List<Thread> threads = new ArrayList<>();
            for (Runnable r : work) {
                threads.add(new Thread(r));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
        });
    }

    /** The same with the workers on virtual threads, which share a few locked heaps (JDK 21+). */
    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void readWhileVirtualThreadsAllocateAndReleaseEveryRowHoldsTogether() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        readWhileWorking(alloc, work -> {
            ExecutorService virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                    .invoke(null);
            List<Future<?>> done = new ArrayList<>();
            for (Runnable r : work) {
                done.add(virtual.submit(r));
            }
            for (Future<?> f : done) {
                f.get();
            }
            virtual.shutdown();
        });
    }

    private interface Runner {
        void runAll(List<Runnable> work) throws Exception;
    }

    private static void readWhileWorking(HakmemByteBufAllocator alloc, Runner runner) throws Exception {
        int workers = 3;
        List<Queue<ByteBuf>> inboxes = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            inboxes.add(new ConcurrentLinkedQueue<>());
        }
        AtomicBoolean working = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong reads = new AtomicLong();
        Thread reader = new Thread(() -> {
            try {
                while (working.get() || reads.get() == 0) {
                    assertRowsHoldTogether(alloc.metric());
                    if (reads.incrementAndGet() % 16 == 0) {
                        alloc.trim();
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "metric-reader");
        List<Runnable> work = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int me = w;
            work.add(() -> trade(alloc, inboxes, me));
        }
        reader.start();
        try {
            runner.runAll(work);
        } finally {
            working.set(false);
            reader.join();
        }
        inboxes.forEach(q -> q.forEach(ByteBuf::release));
        if (failure.get() != null) {
            throw new AssertionError("a read of sizeClasses() failed after " + reads.get() + " reads", failure.get());
        }
        alloc.reapDeadThreads();
        assertEquals(0, alloc.metric().usedDirectMemory());
        assertTotals(alloc.metric());
    }

    /** 3000 buffers of every class and some huge ones: grown, moved, half released by another worker. */
    private static void trade(HakmemByteBufAllocator alloc, List<Queue<ByteBuf>> inboxes, int me) {
        SplittableRandom rnd = new SplittableRandom(me);
        List<ByteBuf> mine = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            int size = rnd.nextInt(50) == 0 ? rnd.nextInt(HUGE, 3 << 20) : 1 + rnd.nextInt(1 << rnd.nextInt(1, 21));
            ByteBuf b = alloc.directBuffer(size);
            b.writerIndex(size).ensureWritable(rnd.nextInt(1, 2 * size)); // in place or moved
            (rnd.nextBoolean() ? mine : inboxes.get(rnd.nextInt(inboxes.size()))).add(b);
            for (ByteBuf in; (in = inboxes.get(me).poll()) != null; ) {
                in.release();
            }
            while (mine.size() > 20) {
                mine.remove(rnd.nextInt(mine.size())).release();
            }
        }
        mine.forEach(ByteBuf::release);
    }

    private static void assertRowsHoldTogether(HakmemAllocatorMetric m) {
        List<HakmemSizeClassMetric> rows = m.sizeClasses();
        assertEquals(65, rows.size());
        for (HakmemSizeClassMetric row : rows) {
            assertTrue(row.spans() >= 0 && row.liveSlots() >= 0 && row.freeSlots() >= 0
                    && row.liveSlots() <= row.slots() && row.spansReleased() >= 0, row::toString);
            assertEquals(row.spans(), row.spansAcquired() - row.spansReleased(), row::toString);
        }
        assertTrue(m.hugeBytes() >= 0, () -> "huge bytes " + m.hugeBytes());
    }

    private static void allocate(HakmemByteBufAllocator alloc, List<ByteBuf> into, int count, int capacity) {
        for (int i = 0; i < count; i++) {
            into.add(alloc.directBuffer(capacity));
        }
    }

    private static void assertClass(HakmemAllocatorMetric m, int slotSize, int liveSlots) {
        HakmemSizeClassMetric row = rowOfSlot(m, slotSize);
        assertEquals(liveSlots, row.liveSlots(), row::toString);
        assertEquals((long) liveSlots * slotSize, row.liveBytes(), row::toString);
        assertTrue(row.spans() >= 1 && row.slots() >= liveSlots, row::toString);
        assertEquals(row.slots() - liveSlots, row.freeSlots(), row::toString);
        assertEquals(0, row.spanBytes() % (row.spans() * 65536L), row::toString);
    }

    private static HakmemSizeClassMetric rowOfSlot(HakmemAllocatorMetric m, int slotSize) {
        return m.sizeClasses().stream().filter(r -> r.slotSize() == slotSize).findFirst()
                .orElseThrow(() -> new AssertionError("no class of " + slotSize + " B"));
    }

    /**
     * Live bytes of the rows plus huge bytes are usedDirectMemory; span bytes, spans and the spans
     * acquired and released are the totals'; in each class, the spans acquired less those released
     * are the spans it has.
     */
    private static void assertTotals(HakmemAllocatorMetric m) {
        List<HakmemSizeClassMetric> rows = m.sizeClasses();
        for (HakmemSizeClassMetric row : rows) {
            assertEquals(row.spans(), row.spansAcquired() - row.spansReleased(), row::toString);
        }
        assertEquals(m.spansAcquired(), rows.stream().mapToLong(HakmemSizeClassMetric::spansAcquired).sum(), m::toString);
        assertEquals(m.spansReleased(), rows.stream().mapToLong(HakmemSizeClassMetric::spansReleased).sum(), m::toString);
        assertEquals(m.usedDirectMemory(), rows.stream().mapToLong(HakmemSizeClassMetric::liveBytes).sum() + m.hugeBytes(),
                m::toString);
        assertEquals(m.spanBytes(), rows.stream().mapToLong(HakmemSizeClassMetric::spanBytes).sum(), m::toString);
        assertEquals(m.liveSpans(), rows.stream().mapToInt(HakmemSizeClassMetric::spans).sum(), m::toString);
    }

    private static long hugeSize() {
        return (HUGE + 4095) & -4096L;
    }
}
