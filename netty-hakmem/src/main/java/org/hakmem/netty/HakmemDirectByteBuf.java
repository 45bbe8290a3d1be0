/*
 * HakmemDirectByteBuf: Netty's direct ByteBuf over one slot of a span (or one huge mapping).
 *
 *     superslab ByteBuffer (2 MiB, shared)
 *     |..........[ slot: offset .. offset+slotCapacity() )........|
 *                 |<- capacity ->|
 *                 ^ memoryAddress() == address
 *
 * Primitive access is one load or store at address + index through sun.misc.Unsafe where Netty may
 * use it (JDK 17 by default) or through java.lang.foreign on JDK 22+ (JDK 25 by default), else an
 * absolute get/put on the superslab's ByteBuffer at offset + index (Primitives); bulk transfers always
 * go through the ByteBuffer (with another of
 * our buffers, absolute copies between the two memories: no view per call, see DirectMemoryByteBuf). AbstractByteBuf
 * has already checked the index against capacity() and the reference count, so a released buffer or
 * a bad index never reaches memory. The reference count itself is RefCountedByteBuf's.
 *
 * Each object is bound to one slot: the span keeps it at the slot's index (Slab.buffers), and an
 * allocation that pops the slot takes the object there. Releasing frees the slot and leaves the
 * object where it is, so nothing is pushed, popped or pointed at new memory on reuse:
 *
 *     span.buffers:  [ b0 ][null][ b2 ][ b3 ] ...     b0, b3: out (slots 0, 3 allocated)
 *                      |            |                 b2: released, handed out with slot 2 next
 *                      v            v                 null: never used, or its object went elsewhere
 *     slot:          [ 0  ][ 1  ][ 2  ][ 3  ]
 *
 * A reference kept after release() sees refCnt 0 and throws, until the object is handed out again -
 * the same contract as Netty's pooled buffers. The rest of the rules:
 *
 *     a move (capacity(int))   takes the new slot's object's place, and the slot it leaves gets that
 *                              object (moveToSlot); leaving for a huge mapping, the slot it leaves
 *                              gets none (a new object on its next allocation)
 *     a huge buffer            a new object, dropped on release
 *     leak detector            a buffer Netty's detector watches is taken out of its span's array
 *                              while it is out (watch), so that one its user drops can be collected
 *                              and reported; released, it goes back in
 *     release on any thread    freeing the slot is the object's last touch: the slot's next
 *                              allocation may take the object at once, on the owner's thread
 *     span churn               a released span's arrays go to the class's next span with their
 *                              objects (SuperslabPool.newDescriptor), bound again on first use
 *
 * No reference store that changes with every allocation. Under G1 each reference store runs a
 * post-write barrier whose first test is whether the stored object sits in another heap region than
 * the field's. With this workload's objects all in one region the test always says no and is
 * predicted; once the buffer objects straddle a region boundary (G1 picks 1 MiB regions for heaps
 * under 4 GiB, and where the thread's allocation buffer ends is luck), a store of "this buffer's
 * span" or "this buffer's memory" crosses for some buffers and not for others, the branch is
 * mispredicted, and mixed-ws400 lost a quarter of its speed (JDK 25: 35 against 46 ops/us). Bound
 * objects store span and memory when they are bound, not when they are handed out.
 */
package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.internal.EmptyArrays;
import org.hakmem.netty.slab.HugeBlock;
import org.hakmem.netty.slab.Slab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;

final class HakmemDirectByteBuf extends RefCountedByteBuf {
    private final HakmemByteBufAllocator alloc;
    /** The span of the slot this object is bound to (or holds, while watched); null: a huge buffer. */
    private Slab span;
    /** The slot in span; kept after release (the object stays bound to it). */
    private int slot = -1;
    /** span's slot size. */
    private int slotSize;
    /** The memory of the slot or huge mapping; kept after release. */
    private ByteBuffer memory;
    private int offset;
    private long address;
    private int length;
    private HugeBlock huge;
    /** Out and watched by Netty's leak detector: not in its span's array until released (see watch). */
    private boolean watched;
    private ByteBuffer tmpNioBuf;
    /**
     * Null, except while a write that may grow this buffer runs (holdingOldMemory): then NONE, or the
     * memory a move left behind, freed when the write is done.
     */
    private OldMemory held;

    HakmemDirectByteBuf(HakmemByteBufAllocator alloc) {
        super(0);
        this.alloc = alloc;
    }

    /**
     * Makes this (fresh or recycled) object a new buffer, once attach has pointed it at memory:
     * indexes, marks and reference count as if just constructed.
     */
    void reset(int capacity, int maxCapacity) {
        length = capacity;
        if (maxCapacity() != maxCapacity) {
            maxCapacity(maxCapacity);
        }
        revive();
        clear(); // readerIndex = writerIndex = 0 (capacity >= 0 always holds)
        markReaderIndex();
        markWriterIndex();
    }

    /** Binds this object to a slot: a new object, or one a released span left in the array. */
    void bind(Slab span, int slot) {
        this.span = span;
        this.slot = slot;
        this.slotSize = span.slotSize;
        this.huge = null;
        this.memory = span.memory;
        this.offset = span.offset(slot);
        this.address = span.address(slot);
        this.tmpNioBuf = null;
    }

    /** Whether this object is bound to a slot of span (not to an earlier span's, nor huge). */
    boolean boundTo(Slab span) {
        return this.span == span;
    }

    /** Points this new object at a huge mapping of its own. */
    void attach(HugeBlock block) {
        this.span = null;
        this.slot = -1;
        this.huge = block;
        this.memory = block.memory;
        this.offset = 0;
        this.address = block.address;
        this.tmpNioBuf = null;
    }

    /**
     * Netty's leak detector watches this buffer: out of its span's array until released, or the array
     * would keep it reachable after its user dropped it, and the detector would never report it.
     */
    void watch() {
        watched = true;
        if (span != null) {
            span.buffers[slot] = null;
        }
    }

    /**
     * A move (capacity(int)) to newSlot of newSpan, just popped: this object takes the place of the
     * one bound there, which goes to the slot this one leaves (still held until the move frees it).
     */
    void moveToSlot(Slab newSpan, int newSlot) {
        Object displaced = newSpan.buffers[newSlot];
        if (span != null) {
            span.buffers[slot] = displaced;
            if (displaced != null) {
                ((HakmemDirectByteBuf) displaced).bind(span, slot);
            }
        }
        newSpan.buffers[newSlot] = watched ? null : this;
        bind(newSpan, newSlot);
    }

    /** A move to a huge mapping: the slot left behind keeps no object (its next allocation makes one). */
    void moveToHuge(HugeBlock block) {
        if (span != null) {
            span.buffers[slot] = null;
        }
        attach(block);
    }

    /** Bytes of memory this buffer holds (its slot's size, or its huge mapping's); released: its capacity. */
    int slotCapacity() {
        if (refCnt() == 0) {
            return length;
        }
        return span != null ? slotSize : (int) Math.min(Integer.MAX_VALUE, huge.size);
    }

    /**
     * Frees the slot, the object staying bound to it (back in the array if it was watched); or unmaps
     * the huge mapping, the object left to the GC. Freeing the slot is the last touch: from then on
     * the slot's next allocation may hand this object out, on another thread.
     */
    @Override
    protected void deallocate() {
        Slab s = span;
        if (s != null) {
            if (watched) {
                watched = false;
                s.buffers[slot] = this;
            }
            alloc.freeSlot(s, slot);
        } else {
            alloc.freeHuge(huge);
        }
    }

    /** The span of the slot held, or null: a huge buffer. Meaningful while the buffer is not released. */
    Slab span() {
        return span;
    }

    // ---- capacity ----

    @Override
    public int capacity() {
        return length;
    }

    /**
     * The bytes writable without moving: to the end of the slot (or of the huge mapping), within
     * maxCapacity. Netty's ensureWritable grows a buffer to just this when it is enough, so a buffer
     * that outgrows its capacity but not its slot takes the rest of the slot in place, as Pooled's do
     * within their run. Otherwise it asks calculateNewCapacity for a power of two, often of another
     * class (a 100-byte buffer writing 5 more went to 128 B: a new slot and a copy). A released
     * buffer has no slot: its writable bytes, as for any buffer.
     */
    @Override
    public int maxFastWritableBytes() {
        return Math.min(slotCapacity(), maxCapacity()) - writerIndex();
    }

    @Override
    public ByteBuf capacity(int newCapacity) {
        checkNewCapacity(newCapacity);
        if (newCapacity == length) {
            return this;
        }
        if (alloc.fitsInPlace(newCapacity, span(), huge)) {
            setLength(newCapacity);
        } else {
            moveTo(newCapacity);
        }
        return this;
    }

    private void setLength(int newCapacity) {
        length = newCapacity;
        trimIndicesToCapacity(newCapacity);
    }

    /**
     * Copies the bytes into memory sized for newCapacity, then frees the old memory. The buffer takes
     * its new length before the old memory goes: freeing a huge block can throw (a refused munmap), and
     * a buffer left with its old, larger length over a smaller new slot would reach into its neighbours.
     */
    private void moveTo(int newCapacity) {
        ByteBuffer oldMemory = memory;
        int oldOffset = offset;
        Slab oldSlab = span;
        int oldSlot = slot;
        HugeBlock oldHuge = huge;
        alloc.attachMemory(this, newCapacity);
        int keep = Math.min(length, newCapacity);
        if (keep > 0) {
            memory.put(offset, oldMemory, oldOffset, keep);
        }
        setLength(newCapacity);
        if (held == OldMemory.NONE) {
            held = new OldMemory(oldSlab, oldSlot, oldHuge);
        } else {
            free(oldSlab, oldSlot, oldHuge);
        }
    }

    private void free(Slab oldSlab, int oldSlot, HugeBlock oldHuge) {
        if (oldSlab != null) {
            alloc.freeSlot(oldSlab, oldSlot);
        } else if (oldHuge != null) {
            alloc.freeHuge(oldHuge);
        }
    }

    /** Memory a move left behind while a write may still read it (holdingOldMemory). */
    private record OldMemory(Slab slab, int slot, HugeBlock huge) {
        /** Holding, nothing moved yet. */
        static final OldMemory NONE = new OldMemory(null, -1, null);
    }

    /** A write of this buffer or of a duplicate of it, which may grow it. */
    interface GrowingWrite<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Runs a write that may grow this buffer (writeBytes from a ByteBuf, ByteBuffer, stream or
     * channel) and frees the memory a move leaves behind only when the write is done. Growing copies
     * the bytes to new memory and frees the old before the write reads its source, and the source may
     * view that old memory: b.writeBytes(b.nioBuffer()), or a ByteBuf, stream or channel over such a
     * view (Unpooled.wrappedBuffer(b.nioBuffer())). A huge buffer's old mapping is unmapped at once
     * when it is not kept (past the keptHugeMB cache, or with it at 0), so reading it crashed the JVM;
     * a slot could be reused or given back by LEAN's purger meanwhile. A write that fits never comes
     * here; a write nested in one that holds already (its source reads this buffer) runs as it is.
     */
    <T, E extends Exception> T holdingOldMemory(GrowingWrite<T, E> write) throws E {
        if (held != null) {
            return write.run();
        }
        held = OldMemory.NONE;
        try {
            return write.run();
        } finally {
            OldMemory old = held;
            held = null;
            free(old.slab, old.slot, old.huge);
        }
    }

    // ---- retained derived buffers: a count of their own (HakmemDerivedByteBuf) ----

    @Override
    public ByteBuf retainedSlice() {
        return retainedSlice(readerIndex(), readableBytes());
    }

    @Override
    public ByteBuf retainedSlice(int index, int length) {
        checkIndex(index, length);
        return HakmemDerivedByteBuf.slice(this, this, index, length);
    }

    @Override
    public ByteBuf retainedDuplicate() {
        ensureAccessible();
        return HakmemDerivedByteBuf.duplicate(this, this);
    }

    // ---- plain derived buffers: HakmemDerivedByteBufs sharing this buffer's count ----
    //
    // Not Netty's UnpooledSlicedByteBuf/UnpooledDuplicatedByteBuf: a write through Netty's duplicate
    // grows this buffer around holdingOldMemory, and Netty's slice reaches past this buffer's end once
    // it shrank (HakmemDerivedByteBuf's banner).

    /**
     * As Netty's slice: released, IllegalReferenceCountException; a negative length, IllegalArgumentException
     * (the view's maxCapacity); then the range, IndexOutOfBoundsException.
     */
    @Override
    public ByteBuf slice(int index, int length) {
        ensureAccessible();
        ByteBuf slice = HakmemDerivedByteBuf.plainSlice(this, this, index, length);
        checkRange(index, length);
        return slice;
    }

    @Override
    public ByteBuf duplicate() {
        ensureAccessible();
        return HakmemDerivedByteBuf.plainDuplicate(this, this, this);
    }

    @Override
    public ByteBufAllocator alloc() {
        return alloc;
    }

    @Override
    public ByteBuf unwrap() {
        return null;
    }

    @Override
    public long memoryAddress() {
        ensureAccessible();
        return address;
    }

    // ---- primitive access (index already checked by AbstractByteBuf) ----
    //
    // One load or store at address + index through Unsafe or java.lang.foreign, or a get/put on the
    // superslab's ByteBuffer at offset + index: whichever this JVM allows (Primitives).

    @Override
    protected byte _getByte(int index) {
        return Primitives.getByte(address + index, memory, offset + index);
    }

    @Override
    protected short _getShort(int index) {
        return Primitives.getShort(address + index, memory, offset + index);
    }

    @Override
    protected short _getShortLE(int index) {
        return Primitives.getShortLE(address + index, memory, offset + index);
    }

    @Override
    protected int _getUnsignedMedium(int index) {
        return (_getByte(index) & 0xff) << 16 | (_getByte(index + 1) & 0xff) << 8 | _getByte(index + 2) & 0xff;
    }

    @Override
    protected int _getUnsignedMediumLE(int index) {
        return _getByte(index) & 0xff | (_getByte(index + 1) & 0xff) << 8 | (_getByte(index + 2) & 0xff) << 16;
    }

    @Override
    protected int _getInt(int index) {
        return Primitives.getInt(address + index, memory, offset + index);
    }

    @Override
    protected int _getIntLE(int index) {
        return Primitives.getIntLE(address + index, memory, offset + index);
    }

    @Override
    protected long _getLong(int index) {
        return Primitives.getLong(address + index, memory, offset + index);
    }

    @Override
    protected long _getLongLE(int index) {
        return Primitives.getLongLE(address + index, memory, offset + index);
    }

    @Override
    protected void _setByte(int index, int value) {
        Primitives.setByte(address + index, memory, offset + index, (byte) value);
    }

    @Override
    protected void _setShort(int index, int value) {
        Primitives.setShort(address + index, memory, offset + index, (short) value);
    }

    @Override
    protected void _setShortLE(int index, int value) {
        Primitives.setShortLE(address + index, memory, offset + index, (short) value);
    }

    @Override
    protected void _setMedium(int index, int value) {
        _setByte(index, value >>> 16);
        _setByte(index + 1, value >>> 8);
        _setByte(index + 2, value);
    }

    @Override
    protected void _setMediumLE(int index, int value) {
        _setByte(index, value);
        _setByte(index + 1, value >>> 8);
        _setByte(index + 2, value >>> 16);
    }

    @Override
    protected void _setInt(int index, int value) {
        Primitives.setInt(address + index, memory, offset + index, value);
    }

    @Override
    protected void _setIntLE(int index, int value) {
        Primitives.setIntLE(address + index, memory, offset + index, value);
    }

    @Override
    protected void _setLong(int index, long value) {
        Primitives.setLong(address + index, memory, offset + index, value);
    }

    @Override
    protected void _setLongLE(int index, long value) {
        Primitives.setLongLE(address + index, memory, offset + index, value);
    }

    // ---- bulk transfers ----

    @Override
    public ByteBuf getBytes(int index, ByteBuf dst, int dstIndex, int length) {
        checkDstIndex(index, length, dstIndex, dst.capacity());
        if (length == 0) {
            return this;
        }
        if (dst.hasArray()) {
            memory.get(offset + index, dst.array(), dst.arrayOffset() + dstIndex, length);
            return this;
        }
        DirectMemoryByteBuf ours = ourPeer(dst, true);
        if (ours != null) {
            ours.setBytesFrom(dstIndex, memory, offset + index, length);
        } else {
            // A fresh view: dst may wrap this buffer (read-only), whose setBytes would reuse tmpNioBuf.
            dst.setBytes(dstIndex, memory.slice(offset + index, length));
        }
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, byte[] dst, int dstIndex, int length) {
        checkDstIndex(index, length, dstIndex, dst.length);
        memory.get(offset + index, dst, dstIndex, length);
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, ByteBuffer dst) {
        int length = dst.remaining();
        checkIndex(index, length);
        int position = dst.position();
        dst.put(position, memory, offset + index, length);
        dst.position(position + length);
        return this;
    }

    @Override
    void getBytesTo(int index, ByteBuffer dst, int dstIndex, int length) {
        checkIndex(index, length);
        dst.put(dstIndex, memory, offset + index, length);
    }

    @Override
    void setBytesFrom(int index, ByteBuffer src, int srcIndex, int length) {
        checkIndex(index, length);
        memory.put(offset + index, src, srcIndex, length);
    }

    @Override
    public ByteBuf getBytes(int index, OutputStream out, int length) throws IOException {
        checkIndex(index, length);
        if (length == 0) {
            return this;
        }
        byte[] chunk = new byte[Math.min(length, 8192)];
        int done = 0;
        while (done < length) {
            int n = Math.min(chunk.length, length - done);
            memory.get(offset + index + done, chunk, 0, n);
            out.write(chunk, 0, n);
            done += n;
        }
        return this;
    }

    // getBytes may run on several threads at once through duplicates and slices of this buffer, so it
    // writes from a fresh view; readBytes moves this buffer's own reader index, so it may use the
    // cached one.

    @Override
    public int getBytes(int index, GatheringByteChannel out, int length) throws IOException {
        checkIndex(index, length);
        return length == 0 ? 0 : out.write(memory.slice(offset + index, length));
    }

    @Override
    public int getBytes(int index, FileChannel out, long position, int length) throws IOException {
        checkIndex(index, length);
        return length == 0 ? 0 : out.write(memory.slice(offset + index, length), position);
    }

    @Override
    public int readBytes(GatheringByteChannel out, int length) throws IOException {
        checkReadableBytes(length);
        int written = length == 0 ? 0 : out.write(view(readerIndex(), length));
        readerIndex(readerIndex() + written);
        return written;
    }

    @Override
    public int readBytes(FileChannel out, long position, int length) throws IOException {
        checkReadableBytes(length);
        int written = length == 0 ? 0 : out.write(view(readerIndex(), length), position);
        readerIndex(readerIndex() + written);
        return written;
    }

    @Override
    public ByteBuf setBytes(int index, ByteBuf src, int srcIndex, int length) {
        checkSrcIndex(index, length, srcIndex, src.capacity());
        if (length == 0) {
            return this;
        }
        if (src.hasArray()) {
            memory.put(offset + index, src.array(), src.arrayOffset() + srcIndex, length);
            return this;
        }
        DirectMemoryByteBuf ours = ourPeer(src, false);
        if (ours != null) {
            ours.getBytesTo(srcIndex, memory, offset + index, length);
        } else {
            src.getBytes(srcIndex, memory.slice(offset + index, length));
        }
        return this;
    }

    @Override
    public ByteBuf setBytes(int index, byte[] src, int srcIndex, int length) {
        checkSrcIndex(index, length, srcIndex, src.length);
        memory.put(offset + index, src, srcIndex, length);
        return this;
    }

    @Override
    public ByteBuf setBytes(int index, ByteBuffer src) {
        int length = src.remaining();
        checkIndex(index, length);
        if (src == tmpNioBuf) {
            src = src.duplicate();
        }
        memory.put(offset + index, src, src.position(), length);
        src.position(src.position() + length);
        return this;
    }

    /** Writes that may grow this buffer (DirectMemoryByteBuf's writeBytes) hold its old memory here. */
    @Override
    HakmemDirectByteBuf memoryHolder() {
        return this;
    }

    @Override
    public int setBytes(int index, InputStream in, int length) throws IOException {
        checkIndex(index, length);
        byte[] tmp = length == 0 ? EmptyArrays.EMPTY_BYTES : new byte[length];
        int read = in.read(tmp, 0, length);
        if (read > 0) {
            memory.put(offset + index, tmp, 0, read);
        }
        return read;
    }

    @Override
    public int setBytes(int index, ScatteringByteChannel in, int length) throws IOException {
        checkIndex(index, length);
        try {
            return in.read(view(index, length));
        } catch (ClosedChannelException ignored) {
            return -1;
        }
    }

    @Override
    public int setBytes(int index, FileChannel in, long position, int length) throws IOException {
        checkIndex(index, length);
        try {
            return in.read(view(index, length), position);
        } catch (ClosedChannelException ignored) {
            return -1;
        }
    }

    @Override
    public ByteBuf copy(int index, int length) {
        checkIndex(index, length);
        ByteBuf copy = alloc.directBuffer(length, maxCapacity());
        return copy.writeBytes(this, index, length);
    }

    // ---- NIO views ----

    @Override
    public int nioBufferCount() {
        return 1;
    }

    @Override
    public ByteBuffer nioBuffer(int index, int length) {
        checkIndex(index, length);
        return memory.slice(offset + index, length);
    }

    @Override
    public ByteBuffer[] nioBuffers(int index, int length) {
        return new ByteBuffer[] {nioBuffer(index, length)};
    }

    @Override
    public ByteBuffer internalNioBuffer(int index, int length) {
        checkIndex(index, length);
        return view(index, length);
    }

    /** The cached view of the whole memory with position and limit set to [index, index + length). */
    private ByteBuffer view(int index, int length) {
        ByteBuffer tmp = tmpNioBuf;
        if (tmp == null) {
            tmpNioBuf = tmp = memory.duplicate();
        }
        int start = offset + index;
        tmp.limit(start + length).position(start);
        return tmp;
    }
}
