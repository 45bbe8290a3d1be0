/*
 * DirectMemoryByteBuf: what every netty-hakmem direct buffer answers alike, whether it holds a slot
 * (HakmemDirectByteBuf) or views one (HakmemDerivedByteBuf): direct, contiguous memory with an
 * address, no array, big-endian by default. One place for these answers, so that a buffer and its
 * views cannot disagree about them. No fields: the buffer's layout is AbstractByteBuf's and its own.
 *
 * The same holds for the writes that may grow the buffer that holds the memory (writeBytes from a
 * ByteBuf, ByteBuffer, stream or channel, on the buffer or a duplicate of it): growing moves the bytes
 * and frees the old memory, which the source may view (b.writeBytes(b.nioBuffer())), so the holder
 * keeps it until the write is done (HakmemDirectByteBuf.holdingOldMemory). A write that fits costs one
 * comparison and goes straight through.
 */
package org.hakmem.netty;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.util.internal.MathUtil;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ScatteringByteChannel;

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

    /**
     * The range check alone, without the reference count's that checkIndex makes first (AbstractByteBuf's
     * checkIndex0 is package-private): for calls that Netty's buffers answer in that order.
     */
    final void checkRange(int index, int length) {
        if (MathUtil.isOutOfBounds(index, length, capacity())) {
            throw new IndexOutOfBoundsException("index: " + index + ", length: " + length + " (expected: range(0, "
                    + capacity() + "))");
        }
    }

    /** The buffer that holds this buffer's memory and moves it when it grows: itself, or a view's root. */
    abstract HakmemDirectByteBuf memoryHolder();

    // ---- copies between two of our buffers: absolute, no ByteBuffer view per call ----
    //
    // setBytes/getBytes with a ByteBuf peer (and so writeBytes, readBytes, copy, ByteToMessageDecoder's
    // cumulator) used to hand the peer a fresh slice of this buffer's memory: 64 bytes of garbage per
    // copy. Where the peer is one of ours, the two memories are copied with ByteBuffer's absolute bulk
    // put instead, which moves no position (so several threads may copy through views at once) and copies
    // as if through an intermediate buffer where both sides share memory (overlapping ranges). Both need
    // no Unsafe. These check exactly what getBytes(int, ByteBuffer) and setBytes(int, ByteBuffer) check,
    // in the same order: the peer's answer is the one the slice gave.

    /**
     * Copies length bytes from index into dst at dstIndex (an absolute index of dst), checked as
     * getBytes(int, ByteBuffer): released, IllegalReferenceCountException; then the range (also a view's
     * parent's, if it shrank), IndexOutOfBoundsException.
     */
    abstract void getBytesTo(int index, ByteBuffer dst, int dstIndex, int length);

    /** Copies length bytes of src from srcIndex (absolute) to index, checked as setBytes(int, ByteBuffer). */
    abstract void setBytesFrom(int index, ByteBuffer src, int srcIndex, int length);

    /**
     * peer as one of ours for such a copy: itself, or the buffer of ours a wrapper holds at the same
     * indices (its memoryAddress is the wrapped one's), as Netty's leak detector wraps about one buffer in
     * 128 at SIMPLE and every one at PARANOID; else null. A read-only wrapper is not looked through when
     * written to (toWrite), so that its setBytes still refuses the write; nor is a wrapper without an
     * address, such as that of a slice whose parent shrank under it: the copy then goes through the
     * wrapper, which checks the range against the parent as before.
     */
    static DirectMemoryByteBuf ourPeer(ByteBuf peer, boolean toWrite) {
        if (peer instanceof DirectMemoryByteBuf ours) {
            return ours;
        }
        if (toWrite && peer.isReadOnly() || !peer.hasMemoryAddress()) {
            return null;
        }
        ByteBuf wrapped = peer.unwrap();
        if (!(wrapped instanceof DirectMemoryByteBuf ours)) {
            return null;
        }
        try {
            return ours.memoryAddress() == peer.memoryAddress() ? ours : null;
        } catch (IndexOutOfBoundsException noAddress) {
            return null;
        }
    }

    // ---- writes that may grow: the old memory is freed after the write (see the banner) ----

    @Override
    public final ByteBuf writeBytes(ByteBuf src, int srcIndex, int length) {
        if (length <= writableBytes()) {
            return super.writeBytes(src, srcIndex, length);
        }
        return memoryHolder().holdingOldMemory(() -> super.writeBytes(src, srcIndex, length));
    }

    @Override
    public final ByteBuf writeBytes(ByteBuffer src) {
        if (src.remaining() <= writableBytes()) {
            return super.writeBytes(src);
        }
        return memoryHolder().holdingOldMemory(() -> super.writeBytes(src));
    }

    @Override
    public final int writeBytes(InputStream in, int length) throws IOException {
        if (length <= writableBytes()) {
            return super.writeBytes(in, length);
        }
        return memoryHolder().holdingOldMemory(() -> super.writeBytes(in, length));
    }

    @Override
    public final int writeBytes(ScatteringByteChannel in, int length) throws IOException {
        if (length <= writableBytes()) {
            return super.writeBytes(in, length);
        }
        return memoryHolder().holdingOldMemory(() -> super.writeBytes(in, length));
    }
}
