/*
 * DirectMemoryByteBuf: what every netty-hakmem direct buffer answers alike, whether it holds a slot
 * (HakmemDirectByteBuf) or views one (HakmemDerivedByteBuf): direct, contiguous memory with an
 * address, no array, big-endian by default. One place for these answers, so that a buffer and its
 * views cannot disagree about them. No fields: the buffer's layout is AbstractByteBuf's and its own.
 */
package org.hakmem.netty;

import io.netty.buffer.AbstractByteBuf;

import java.nio.ByteOrder;

abstract class DirectMemoryByteBuf extends AbstractByteBuf {

    DirectMemoryByteBuf(int maxCapacity) {
        super(maxCapacity);
    }

    @Override
    @SuppressWarnings("deprecation")
    public final ByteOrder order() {
        return ByteOrder.BIG_ENDIAN;
    }

    @Override
    public final boolean isDirect() {
        return true;
    }

    @Override
    public final boolean isContiguous() {
        return true;
    }

    @Override
    public final boolean hasArray() {
        return false;
    }

    @Override
    public final byte[] array() {
        throw new UnsupportedOperationException("direct buffer");
    }

    @Override
    public final int arrayOffset() {
        throw new UnsupportedOperationException("direct buffer");
    }

    @Override
    public final boolean hasMemoryAddress() {
        return true;
    }
}
