package org.hakmem.netty;

import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import io.netty.buffer.ByteBuf;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Netty's full ByteBuf contract suite over big-endian direct buffers from netty-hakmem. */
@ResourceLock(value = WithoutLeakTracking.LEVEL, mode = ResourceAccessMode.READ)
class HakmemBigEndianDirectByteBufTest extends HakmemDirectByteBufContract {
    static final HakmemByteBufAllocator ALLOC = HakmemByteBufAllocator.builder().build();

    @Override
    protected ByteBuf newBuffer(int capacity, int maxCapacity) {
        ByteBuf buffer = ALLOC.directBuffer(capacity, maxCapacity);
        assertSame(ByteOrder.BIG_ENDIAN, buffer.order());
        assertTrue(buffer.hasMemoryAddress());
        assertEquals(0, buffer.writerIndex());
        assertEquals(0, buffer.readerIndex());
        return buffer;
    }
}
