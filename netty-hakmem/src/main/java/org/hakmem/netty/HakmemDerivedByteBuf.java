/*
 * HakmemDerivedByteBuf: what the slices and duplicates of a HakmemDirectByteBuf are, a view of the
 * parent's memory. Retained ones (retainedSlice(), retainedDuplicate()) have a reference count of their
 * own, as Netty's pooled buffers give (PooledSlicedByteBuf, PooledDuplicatedByteBuf); plain ones
 * (slice(), duplicate(), readSlice()) share the count of the buffer they were taken from (below).
 *
 * Netty's AbstractByteBuf makes a retained slice a plain slice plus parent.retain(): the slice shares
 * the parent's count. Once released it still reads and writes the parent's memory, and a second
 * release() releases the parent. Over a recycled object that means a stale slice reads the next
 * owner's bytes and can free the next owner's buffer. Here the view takes one reference on its owner
 * (the parent, or the derived buffer it was derived from) and gives it back when its own count
 * reaches 0; from then on it throws, as Netty's pooled derived buffers do.
 *
 * release() returns true only if the parent's memory went with it, as Netty's unpooled derived
 * buffers do; Netty's pooled ones return true whenever their own count reaches 0. The reason: Netty's
 * leak detector wraps a retained slice of a tracked buffer in a wrapper that shares the parent's leak
 * record and closes it when release() returns true (SimpleLeakAwareByteBuf.unwrappedDerived; only
 * Netty's own package-private derived class gets a record of its own). Returning true while the
 * parent lives would close the parent's record early, and the parent's own release would then
 * close it a second time (an AssertionError under -ea).
 *
 * A plain slice() or duplicate(), of a HakmemDirectByteBuf or of a derived buffer, is a
 * HakmemDerivedByteBuf without a count of its own (sharesCount): retain, release and refCnt go to the
 * buffer it was taken from, and release() answers true only when the parent's memory went, as with
 * Netty's plain views; unwrap() is the parent, its indexes and marks are its own, a slice's capacity is
 * fixed and a duplicate's follows the parent's. Of a derived buffer this is what Pooled gives too
 * (PooledNonRetainedSlicedByteBuf, PooledNonRetainedDuplicateByteBuf); of the parent itself, Pooled
 * gives Netty's UnpooledSlicedByteBuf and UnpooledDuplicatedByteBuf, and so did HakmemDirectByteBuf
 * until session 20. Ours instead, because (1) a write through Netty's duplicate grows the parent from Netty's code,
 * around the parent's holdingOldMemory, so a source over the parent's old memory was read after it was
 * freed (a crash, for a huge buffer whose mapping is not kept), and (2) Netty's slice hands out
 * memoryAddress() and does its _get/_set unchecked, so once the parent shrank to a smaller slot it read
 * and wrote the next slot's buffer (through Unsafe copies, ByteBufUtil's string writers, epoll's writes).
 * A retained slice or duplicate taken from a plain view has a count of its own again (Netty's sliced
 * buffer would make it share the parent's, with the consequences above; Pooled's plain views of a
 * parent do).
 *
 * Not on any hot path: no recycling, and every change of the count is a CAS (RefCounts).
 */
package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.internal.ObjectUtil;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.charset.Charset;

final class HakmemDerivedByteBuf extends DirectMemoryByteBuf {
    private static final VarHandle REF_CNT;

    static {
        try {
            REF_CNT = MethodHandles.lookup().findVarHandle(HakmemDerivedByteBuf.class, "refCnt", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The buffer whose memory this views. */
    private final HakmemDirectByteBuf buf;
    /**
     * The buffer this holds one reference of: buf, or the derived buffer this was derived from. For a
     * plain view (sharesCount), the buffer whose count this shares.
     */
    private final ByteBuf owner;
    /**
     * True for a plain slice or duplicate: no count of its own, its owner's, as with Pooled's
     * PooledNonRetainedSlicedByteBuf and PooledNonRetainedDuplicateByteBuf. Then its retained slices and
     * duplicates are HakmemDerivedByteBufs with counts of their own; a view of Netty's
     * (AbstractByteBuf.slice()) would make them plain views sharing this count.
     */
    private final boolean sharesCount;
    /** Index in buf of this buffer's index 0. */
    private final int adjustment;
    /** This buffer's capacity, or -1 for a duplicate of the whole of buf (buf's capacity, also after a move). */
    private final int length;
    /**
     * References held of this view (not read for a plain view, sharesCount). Read volatile, written
     * through REF_CNT: a volatile initializer would cost every view, plain ones too, a full fence.
     */
    private volatile int refCnt;

    /** A retained slice: takes one reference of owner. */
    static HakmemDerivedByteBuf slice(HakmemDirectByteBuf buf, ByteBuf owner, int adjustment, int length) {
        owner.retain();
        return sliceOf(buf, owner, adjustment, length, false);
    }

    /** A retained duplicate of owner (a view of the whole of buf, with owner's indexes); takes one reference of owner. */
    static HakmemDerivedByteBuf duplicate(HakmemDirectByteBuf buf, ByteBuf owner) {
        owner.retain();
        return duplicateOf(buf, owner, owner, false);
    }

    /**
     * A plain slice, sharing owner's count (sharesCount); its holder checks the range. A negative length
     * is an IllegalArgumentException here (the maxCapacity), as for the sliced buffers of Netty's own.
     */
    static HakmemDerivedByteBuf plainSlice(HakmemDirectByteBuf buf, ByteBuf owner, int adjustment, int length) {
        return sliceOf(buf, owner, adjustment, length, true);
    }

    private static HakmemDerivedByteBuf sliceOf(HakmemDirectByteBuf buf, ByteBuf owner, int adjustment, int length,
                                                boolean sharesCount) {
        HakmemDerivedByteBuf slice = new HakmemDerivedByteBuf(buf, owner, adjustment, length, length, sharesCount);
        slice.writerIndex(length);
        return slice;
    }

    /** A plain duplicate of the whole of buf with of's indexes, sharing owner's count (sharesCount). */
    static HakmemDerivedByteBuf plainDuplicate(HakmemDirectByteBuf buf, ByteBuf owner, ByteBuf of) {
        return duplicateOf(buf, owner, of, true);
    }

    /** A duplicate's maxCapacity is buf's, and its capacity follows buf's (length -1). */
    private static HakmemDerivedByteBuf duplicateOf(HakmemDirectByteBuf buf, ByteBuf owner, ByteBuf of,
                                                    boolean sharesCount) {
        return new HakmemDerivedByteBuf(buf, owner, 0, -1, buf.maxCapacity(), sharesCount).indexesOf(of);
    }

    private HakmemDerivedByteBuf(HakmemDirectByteBuf buf, ByteBuf owner, int adjustment, int length, int maxCapacity,
                                 boolean sharesCount) {
        super(maxCapacity);
        this.buf = buf;
        this.owner = owner;
        this.adjustment = adjustment;
        this.length = length;
        this.sharesCount = sharesCount;
        if (!sharesCount) {
            REF_CNT.setRelease(this, 1);
        }
    }

    /** Takes b's indexes, marked, as a duplicate does. */
    private HakmemDerivedByteBuf indexesOf(ByteBuf b) {
        setIndex(b.readerIndex(), b.writerIndex());
        markReaderIndex();
        markWriterIndex();
        return this;
    }

    private int idx(int index) {
        return index + adjustment;
    }

    // ---- reference count ----

    @Override
    public int refCnt() {
        return sharesCount ? owner.refCnt() : refCnt;
    }

    @Override
    public ByteBuf retain() {
        return retain(1);
    }

    @Override
    public ByteBuf retain(int increment) {
        ObjectUtil.checkPositive(increment, "increment");
        if (sharesCount) {
            owner.retain(increment);
            return this;
        }
        RefCounts.retain(REF_CNT, this, increment);
        return this;
    }

    @Override
    public boolean release() {
        return release(1);
    }

    @Override
    public boolean release(int decrement) {
        ObjectUtil.checkPositive(decrement, "decrement");
        if (sharesCount) {
            return owner.release(decrement);
        }
        // See the head comment for why this is the owner's answer rather than true.
        return RefCounts.release(REF_CNT, this, decrement, refCnt) && owner.release();
    }

    @Override
    public ByteBuf touch() {
        return this;
    }

    @Override
    public ByteBuf touch(Object hint) {
        return this;
    }

    // ---- derived buffers of this one ----

    @Override
    public ByteBuf retainedSlice() {
        return retainedSlice(readerIndex(), readableBytes());
    }

    @Override
    public ByteBuf retainedSlice(int index, int length) {
        checkIndex(index, length);
        return slice(buf, this, idx(index), length);
    }

    /**
     * Of a slice, a retained slice of the whole with this one's indexes, as Pooled's and Netty's sliced
     * buffers give: its marks are at 0, where a duplicate's are at the indexes it was taken at.
     */
    @Override
    public ByteBuf retainedDuplicate() {
        if (length >= 0) {
            return retainedSlice(0, length).setIndex(readerIndex(), writerIndex());
        }
        ensureAccessible();
        return duplicate(buf, this);
    }

    /**
     * A plain view sharing this buffer's count (see sharesCount). Of a slice, the range is checked first,
     * as Pooled's PooledSlicedByteBuf does; of a duplicate, a negative length is an
     * IllegalArgumentException, as for Pooled's duplicate and the buffers of Netty's own.
     */
    @Override
    public ByteBuf slice(int index, int length) {
        if (this.length >= 0) {
            checkIndex(index, length);
        } else {
            ensureAccessible();
        }
        HakmemDerivedByteBuf view = plainSlice(buf, countHolder(), idx(index), length);
        checkIndex(index, length);
        return view;
    }

    /** A plain view sharing this buffer's count; of a slice, a slice of the whole (as Netty's sliced buffers). */
    @Override
    public ByteBuf duplicate() {
        if (length >= 0) {
            return slice(0, length).setIndex(readerIndex(), writerIndex());
        }
        ensureAccessible();
        return plainDuplicate(buf, countHolder(), this);
    }

    /** The buffer whose count a plain view of this one shares: this one's, or the one this shares. */
    private ByteBuf countHolder() {
        return sharesCount ? owner : this;
    }

    /**
     * A plain slice checks the range first, as the Netty sliced buffers it stands for do (Pooled's plain
     * slices are such): AbstractByteBuf decodes an empty range at any index, and for a negative length
     * ByteBufUtil throws NegativeArraySizeException. Then, as any view, that it is not released
     * (decodingFrom; an empty range decodes "" released too, as Netty's sliced buffers do).
     */
    @Override
    public CharSequence getCharSequence(int index, int length, Charset charset) {
        if (sharesCount && this.length >= 0) {
            checkRange(index, length);
        }
        decodingFrom(length);
        return super.getCharSequence(index, length, charset);
    }

    @Override
    public String toString(int index, int length, Charset charset) {
        decodingFrom(length);
        return super.toString(index, length, charset);
    }

    /**
     * A released view throws IllegalReferenceCountException before Netty's ByteBufUtil takes a temporary
     * array of the length (a negative one: NegativeArraySizeException) or checks the range against the
     * capacity, which a released view still answers. A length of 0 decodes "" without a check, as on
     * every buffer of Netty's.
     */
    private void decodingFrom(int length) {
        if (length != 0) {
            ensureAccessible();
        }
    }

    // ---- capacity and properties ----

    @Override
    public int capacity() {
        return length < 0 ? buf.capacity() : length;
    }

    @Override
    public ByteBuf capacity(int newCapacity) {
        if (length >= 0) {
            throw new UnsupportedOperationException("sliced buffer");
        }
        checkNewCapacity(newCapacity);
        buf.capacity(newCapacity);
        return this;
    }

    @Override
    public ByteBufAllocator alloc() {
        return buf.alloc();
    }

    @Override
    public ByteBuf unwrap() {
        return buf;
    }

    /**
     * Throws IndexOutOfBoundsException where this buffer reaches past buf's end (buf shrank since this
     * slice was taken, or since this duplicate took indexes past its new end): an address is used
     * without bounds checks (Netty's ByteBufUtil writes a String's UTF-8 or an AsciiString at
     * memoryAddress() + index where it has Unsafe; epoll writes memoryAddress() + readerIndex() up to
     * writerIndex()), and past buf's end lies the memory of whichever buffer holds the next slot. A
     * duplicate's capacity is buf's, but its indexes are its own and buf's shrinking leaves them.
     */
    @Override
    public long memoryAddress() {
        ensureAccessible();
        int extent = Math.max(capacity(), writerIndex());
        if (adjustment + extent > buf.capacity()) {
            throw new IndexOutOfBoundsException("derived buffer: index " + adjustment + ", length " + capacity()
                    + ", writerIndex " + writerIndex() + " reaches past its parent's capacity(" + buf.capacity() + ")");
        }
        return buf.memoryAddress() + adjustment;
    }

    // ---- primitives (index checked against this buffer by AbstractByteBuf) ----
    //
    // Through buf's checked methods, not its _get/_set: buf's holder may have shrunk it (capacity(int),
    // maybe into a smaller slot) since this slice was taken, and an unchecked access would then reach
    // the memory of whichever buffer holds the next slot. (Netty's own derived buffers do not check.)

    @Override
    protected byte _getByte(int index) {
        return buf.getByte(idx(index));
    }

    @Override
    protected short _getShort(int index) {
        return buf.getShort(idx(index));
    }

    @Override
    protected short _getShortLE(int index) {
        return buf.getShortLE(idx(index));
    }

    @Override
    protected int _getUnsignedMedium(int index) {
        return buf.getUnsignedMedium(idx(index));
    }

    @Override
    protected int _getUnsignedMediumLE(int index) {
        return buf.getUnsignedMediumLE(idx(index));
    }

    @Override
    protected int _getInt(int index) {
        return buf.getInt(idx(index));
    }

    @Override
    protected int _getIntLE(int index) {
        return buf.getIntLE(idx(index));
    }

    @Override
    protected long _getLong(int index) {
        return buf.getLong(idx(index));
    }

    @Override
    protected long _getLongLE(int index) {
        return buf.getLongLE(idx(index));
    }

    @Override
    protected void _setByte(int index, int value) {
        buf.setByte(idx(index), value);
    }

    @Override
    protected void _setShort(int index, int value) {
        buf.setShort(idx(index), value);
    }

    @Override
    protected void _setShortLE(int index, int value) {
        buf.setShortLE(idx(index), value);
    }

    @Override
    protected void _setMedium(int index, int value) {
        buf.setMedium(idx(index), value);
    }

    @Override
    protected void _setMediumLE(int index, int value) {
        buf.setMediumLE(idx(index), value);
    }

    @Override
    protected void _setInt(int index, int value) {
        buf.setInt(idx(index), value);
    }

    @Override
    protected void _setIntLE(int index, int value) {
        buf.setIntLE(idx(index), value);
    }

    @Override
    protected void _setLong(int index, long value) {
        buf.setLong(idx(index), value);
    }

    @Override
    protected void _setLongLE(int index, long value) {
        buf.setLongLE(idx(index), value);
    }

    // ---- bulk transfers: checked against this buffer, then done by buf ----

    @Override
    public ByteBuf getBytes(int index, ByteBuf dst, int dstIndex, int length) {
        checkIndex(index, length);
        buf.getBytes(idx(index), dst, dstIndex, length);
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, byte[] dst, int dstIndex, int length) {
        checkIndex(index, length);
        buf.getBytes(idx(index), dst, dstIndex, length);
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, ByteBuffer dst) {
        checkIndex(index, dst.remaining());
        buf.getBytes(idx(index), dst);
        return this;
    }

    @Override
    void getBytesTo(int index, ByteBuffer dst, int dstIndex, int length) {
        checkIndex(index, length);
        buf.getBytesTo(idx(index), dst, dstIndex, length);
    }

    @Override
    void setBytesFrom(int index, ByteBuffer src, int srcIndex, int length) {
        checkIndex(index, length);
        buf.setBytesFrom(idx(index), src, srcIndex, length);
    }

    @Override
    public ByteBuf getBytes(int index, OutputStream out, int length) throws IOException {
        checkIndex(index, length);
        buf.getBytes(idx(index), out, length);
        return this;
    }

    @Override
    public int getBytes(int index, GatheringByteChannel out, int length) throws IOException {
        checkIndex(index, length);
        return buf.getBytes(idx(index), out, length);
    }

    @Override
    public int getBytes(int index, FileChannel out, long position, int length) throws IOException {
        checkIndex(index, length);
        return buf.getBytes(idx(index), out, position, length);
    }

    @Override
    public ByteBuf setBytes(int index, ByteBuf src, int srcIndex, int length) {
        checkIndex(index, length);
        buf.setBytes(idx(index), src, srcIndex, length);
        return this;
    }

    @Override
    public ByteBuf setBytes(int index, byte[] src, int srcIndex, int length) {
        checkIndex(index, length);
        buf.setBytes(idx(index), src, srcIndex, length);
        return this;
    }

    @Override
    public ByteBuf setBytes(int index, ByteBuffer src) {
        checkIndex(index, src.remaining());
        buf.setBytes(idx(index), src);
        return this;
    }

    /** A duplicate's write may grow buf (DirectMemoryByteBuf's writeBytes); a slice cannot grow. */
    @Override
    HakmemDirectByteBuf memoryHolder() {
        return buf;
    }

    @Override
    public int setBytes(int index, InputStream in, int length) throws IOException {
        checkIndex(index, length);
        return buf.setBytes(idx(index), in, length);
    }

    @Override
    public int setBytes(int index, ScatteringByteChannel in, int length) throws IOException {
        checkIndex(index, length);
        return buf.setBytes(idx(index), in, length);
    }

    @Override
    public int setBytes(int index, FileChannel in, long position, int length) throws IOException {
        checkIndex(index, length);
        return buf.setBytes(idx(index), in, position, length);
    }

    @Override
    public ByteBuf copy(int index, int length) {
        checkIndex(index, length);
        return buf.copy(idx(index), length);
    }

    // ---- NIO views: fresh ones (buf's cached view is buf's own) ----

    @Override
    public int nioBufferCount() {
        return 1;
    }

    @Override
    public ByteBuffer nioBuffer(int index, int length) {
        checkIndex(index, length);
        return buf.nioBuffer(idx(index), length);
    }

    @Override
    public ByteBuffer[] nioBuffers(int index, int length) {
        return new ByteBuffer[] {nioBuffer(index, length)};
    }

    @Override
    public ByteBuffer internalNioBuffer(int index, int length) {
        return nioBuffer(index, length);
    }
}
