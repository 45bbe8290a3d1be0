package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.util.ArrayList;
import java.util.List;

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
