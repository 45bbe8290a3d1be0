package org.hakmem.netty;

import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import io.netty.buffer.AbstractByteBufTest;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertSame;

/** Netty's full ByteBuf contract suite over little-endian (swapped) direct buffers from netty-hakmem. */
@ResourceLock(value = WithoutLeakTracking.LEVEL, mode = ResourceAccessMode.READ)
class HakmemLittleEndianDirectByteBufTest extends AbstractByteBufTest {
    @Override
    protected ByteBuf newBuffer(int capacity, int maxCapacity) {
        ByteBuf buffer = HakmemBigEndianDirectByteBufTest.ALLOC.directBuffer(capacity, maxCapacity)
                .order(ByteOrder.LITTLE_ENDIAN);
        assertSame(ByteOrder.LITTLE_ENDIAN, buffer.order());
        return buffer;
    }

    /** The room left in the slot, not the default "fast writable == writable": see SlotGrowthContract. */
    @Override
    @Test
    public void testMaxFastWritableBytes() {
        SlotGrowthContract.assertMaxFastWritableBytes(newBuffer(150, 500));
    }

    /** Netty's pooled-buffer suites' test of the same name: see SlotGrowthContract. */
    @Test
    public void testEnsureWritableDoesntGrowTooMuch() {
        SlotGrowthContract.assertEnsureWritableGrowsToTheSlot(() -> newBuffer(150, 500));
    }
}
