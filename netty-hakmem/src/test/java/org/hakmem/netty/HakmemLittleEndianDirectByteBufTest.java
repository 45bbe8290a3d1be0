package org.hakmem.netty;

import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import io.netty.buffer.ByteBuf;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertSame;

/** Netty's full ByteBuf contract suite over little-endian (swapped) direct buffers from netty-hakmem. */
@ResourceLock(value = WithoutLeakTracking.LEVEL, mode = ResourceAccessMode.READ)
class HakmemLittleEndianDirectByteBufTest extends HakmemDirectByteBufContract {
    @Override
    protected ByteBuf newBuffer(int capacity, int maxCapacity) {
        ByteBuf buffer = HakmemBigEndianDirectByteBufTest.ALLOC.directBuffer(capacity, maxCapacity)
                .order(ByteOrder.LITTLE_ENDIAN);
        assertSame(ByteOrder.LITTLE_ENDIAN, buffer.order());
        return buffer;
    }
}
