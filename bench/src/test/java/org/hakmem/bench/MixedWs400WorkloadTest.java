/*
 * MixedWs400WorkloadTest: MixedWs400Benchmark's two steps do what their names say. The allocating
 * step releases the buffer in each slot it picks and stores a new one of a size in [16, maxSize],
 * marked at its first and last byte; the touching step (the loop's floor) allocates and releases
 * nothing, and leaves every slot's buffer where it was, live.
 */
package org.hakmem.bench;

import io.netty.buffer.ByteBuf;
import org.hakmem.examples.bench.Allocators;
import org.hakmem.netty.HakmemByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.IdentityHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MixedWs400WorkloadTest {
    private static final int MAX_SIZE = 1024;

    @Test
    void theAllocatingStepReleasesWhatEachPickedSlotHeldAndStoresANewMarkedBuffer() throws Exception {
        // Unpooled: a released buffer stays released (no recycling hands the object out again).
        MixedWs400Benchmark.Workload w = new MixedWs400Benchmark.Workload(Allocators.create("unpooled"), MAX_SIZE);
        w.fill();
        ByteBuf[] before = slots(w);
        long bytes = MixedWs400Benchmark.batchOf(w, "allocate").call();

        assertTrue(bytes >= (long) MixedWs400Benchmark.BATCH * MixedWs400Benchmark.MIN_SIZE
                && bytes <= (long) MixedWs400Benchmark.BATCH * MAX_SIZE, "bytes asked for: " + bytes);
        Map<ByteBuf, Boolean> live = new IdentityHashMap<>();
        for (int i = 0; i < MixedWs400Benchmark.SLOTS; i++) {
            // 100,000 picks of 400 slots: the chance that one slot is never picked is e^-250.
            assertEquals(0, before[i].refCnt(), "the buffer slot " + i + " held before the batch was released");
            ByteBuf b = w.slot(i);
            int size = b.capacity();
            assertEquals(1, b.refCnt(), "slot " + i);
            assertTrue(size >= MixedWs400Benchmark.MIN_SIZE && size <= MAX_SIZE, "slot " + i + " capacity " + size);
            assertEquals((byte) size, b.getByte(0), "slot " + i + ": first byte");
            if (size > 1) {
                assertEquals((byte) (size >>> 8), b.getByte(size - 1), "slot " + i + ": last byte");
            }
            live.put(b, Boolean.TRUE);
        }
        assertEquals(MixedWs400Benchmark.SLOTS, live.size(), "distinct live buffers");
        w.releaseAll();
    }

    @Test
    void theTouchingStepAllocatesAndReleasesNothing() throws Exception {
        HakmemByteBufAllocator alloc = (HakmemByteBufAllocator) Allocators.create("hakmem");
        MixedWs400Benchmark.Workload w = new MixedWs400Benchmark.Workload(alloc, MAX_SIZE);
        w.fill();
        ByteBuf[] before = slots(w);
        long used = alloc.metric().usedDirectMemory();
        long bytes = MixedWs400Benchmark.batchOf(w, "touch").call();

        assertTrue(bytes >= (long) MixedWs400Benchmark.BATCH * MixedWs400Benchmark.MIN_SIZE, "bytes: " + bytes);
        for (int i = 0; i < MixedWs400Benchmark.SLOTS; i++) {
            assertSame(before[i], w.slot(i), "slot " + i);
            assertEquals(1, w.slot(i).refCnt(), "slot " + i);
        }
        assertEquals(used, alloc.metric().usedDirectMemory(), "used direct memory");
        w.releaseAll();
        assertEquals(0, alloc.metric().usedDirectMemory(), "used direct memory after releaseAll");
    }

    @Test
    void anUnknownStepIsRefusedByName() {
        MixedWs400Benchmark.Workload w = new MixedWs400Benchmark.Workload(Allocators.create("unpooled"), MAX_SIZE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MixedWs400Benchmark.batchOf(w, "free"));
        assertEquals("step must be allocate or touch: free", e.getMessage());
    }

    private static ByteBuf[] slots(MixedWs400Benchmark.Workload w) {
        ByteBuf[] copy = new ByteBuf[MixedWs400Benchmark.SLOTS];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = w.slot(i);
        }
        return copy;
    }
}
