package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.util.List;

/**
 * The other end of a transfer in the differential test: a ByteBuf, a ByteBuffer, a stream or a channel,
 * described once (kind, sizes, positions, a seed for its bytes) and opened the same way on each side,
 * so that what the call did to it can be compared as well as what it did to the buffer.
 */
final class DiffPeers {
    private DiffPeers() {
    }

    /** The body of a call that uses an opened peer. */
    interface Body<T> {
        Object run(T peer) throws Exception;
    }

    /** A peer of type T as both sides open it. */
    abstract static class Spec<T> {
        final String text;

        Spec(String text) {
            this.text = text;
        }

        abstract T open(DiffSide side, ByteBuf self) throws Exception;

        /** What the call left in the peer, in a form whose equals compares it. */
        abstract Object effects(T peer, DiffSide side) throws IOException;

        void close(T peer) {
        }

        /** True if opening it takes a buffer from the side's allocator. */
        boolean allocates() {
            return false;
        }

        /**
         * Runs body with the peer opened on this side: the body's result or exception (a Thrown), and
         * the peer's effects.
         */
        Object with(DiffSide side, ByteBuf self, Body<T> body) throws Exception {
            T peer = open(side, self);
            try {
                return DiffOps.withEffects(v -> body.run(peer), () -> effects(peer, side));
            } finally {
                close(peer);
            }
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** An exception, equal to another of the same class (messages may differ). */
    record Thrown(Class<?> type, String message) {
        static Thrown of(Throwable t) {
            return new Thrown(t.getClass(), String.valueOf(t.getMessage()));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Thrown other && other.type == type;
        }

        @Override
        public int hashCode() {
            return type.hashCode();
        }

        @Override
        public String toString() {
            return type.getSimpleName() + "(" + message + ")";
        }
    }

    static byte[] bytes(long seed, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = Patterns.at(seed, i);
        }
        return b;
    }

    static ByteBuffer contentOf(ByteBuf b) {
        return ByteBuffer.wrap(ByteBufUtil.getBytes(b, 0, b.capacity()));
    }

    // ---- ByteBuf peers ----

    enum BufKind {
        HEAP, HEAP_OFFSET, DIRECT, SAME_ALLOC, COMPOSITE, COMPOSITE_SAME_ALLOC, READ_ONLY, SELF, SELF_DUPLICATE, OTHER,
        /**
         * Netty's wrapper of an NIO view of self's whole memory, as a source: a write that grows self
         * moves it, and the wrapper still shows the memory it moved from (HakmemDirectByteBuf.holdingOldMemory).
         * The oracle gets a heap copy of those bytes instead: Pooled reads the memory it moved from after
         * freeing it, and once that frees its chunk (a 4 MiB buffer that grows) it read other bytes
         * (JDK 25) or crashed the JVM (JDK 17).
         */
        SELF_VIEW
    }

    static final class BufPeer extends Spec<ByteBuf> {
        final BufKind kind;
        final int capacity;
        private final int readerIndex;
        private final int writerIndex;
        private final long seed;
        private final DiffTwin other;

        private BufPeer(BufKind kind, int capacity, int readerIndex, int writerIndex, long seed, DiffTwin other) {
            super("ByteBuf[" + kind + (other != null ? " " + other : "") + ", cap " + capacity + ", ri " + readerIndex
                    + ", wi " + writerIndex + "]");
            this.kind = kind;
            this.capacity = capacity;
            this.readerIndex = readerIndex;
            this.writerIndex = writerIndex;
            this.seed = seed;
            this.other = other;
        }

        /**
         * A random peer for self. 'others' are live buffers of the model it may use; 'mayAllocate' is false
         * where taking a buffer from the allocator could hand out a released buffer the model still holds.
         */
        static BufPeer random(DiffArgs a, DiffTwin self, List<DiffTwin> others, boolean mayAllocate, boolean destination) {
            BufKind kind = a.pick(BufKind.values());
            if (!mayAllocate && (kind == BufKind.SAME_ALLOC || kind == BufKind.COMPOSITE_SAME_ALLOC)) {
                kind = BufKind.DIRECT;
            }
            if (kind == BufKind.OTHER && others.isEmpty()) {
                kind = BufKind.SELF;
            }
            if (kind == BufKind.SELF_VIEW && (destination || self.stale() || !self.inBounds() || self.readOnly)) {
                // Read-only, released or past its root's end, it has no such view.
                kind = BufKind.SELF;
            }
            DiffTwin twin = kind == BufKind.OTHER ? others.get(a.below(others.size())) : self;
            if (destination && twin.readOnly && kind != BufKind.SAME_ALLOC) {
                // Pooled with Unsafe writes into a read-only destination (see readOnly()): not into the model's buffers
                kind = BufKind.READ_ONLY;
            }
            if (kind == BufKind.SELF || kind == BufKind.SELF_DUPLICATE || kind == BufKind.OTHER
                    || kind == BufKind.SELF_VIEW) {
                ByteBuf b = twin.theirs;
                return new BufPeer(kind, twin.capacity(), b.readerIndex(), b.writerIndex(), 0,
                        kind == BufKind.OTHER ? twin : null);
            }
            int capacity = a.percent(70) ? a.below(65) : a.below(70_000);
            int writerIndex = a.below(capacity + 1);
            return new BufPeer(kind, capacity, a.below(writerIndex + 1), writerIndex, a.nextLong(), null);
        }

        int readable() {
            return writerIndex - readerIndex;
        }

        /** True if this peer shows the memory of t's root. */
        boolean viewsRootOf(DiffTwin t) {
            return kind == BufKind.SELF || kind == BufKind.SELF_DUPLICATE || kind == BufKind.OTHER && other.root == t.root;
        }

        /**
         * A read-only peer: as a destination, ours throws ReadOnlyBufferException; Pooled, where it uses
         * Unsafe (JDK 17), copies to the memoryAddress() that Netty's read-only wrapper passes on from the
         * buffer it wraps, so it writes through the read-only view.
         */
        boolean readOnly() {
            return kind == BufKind.READ_ONLY;
        }

        int writable() {
            return capacity - writerIndex;
        }

        @Override
        boolean allocates() {
            return kind == BufKind.SAME_ALLOC || kind == BufKind.COMPOSITE_SAME_ALLOC;
        }

        @Override
        ByteBuf open(DiffSide side, ByteBuf self) {
            ByteBuf b;
            switch (kind) {
                case SELF:
                    return self;
                case SELF_DUPLICATE:
                    return side.ours ? self.duplicate() : DiffOps.oracleDuplicate(self);
                case OTHER:
                    return other.of(side);
                case SELF_VIEW:
                    b = side.ours ? Unpooled.wrappedBuffer(self.nioBuffer(0, capacity))
                            : Unpooled.wrappedBuffer(ByteBufUtil.getBytes(self, 0, capacity));
                    return b.setIndex(readerIndex, writerIndex);
                case HEAP:
                    b = Unpooled.buffer(capacity);
                    break;
                case HEAP_OFFSET:
                    b = Unpooled.wrappedBuffer(new byte[capacity + 5], 3, capacity);
                    break;
                case DIRECT:
                    b = Unpooled.directBuffer(capacity);
                    break;
                case SAME_ALLOC:
                    b = side.alloc.directBuffer(capacity);
                    break;
                case COMPOSITE:
                    b = side.ours ? composite(Unpooled.compositeBuffer(), Unpooled.buffer(capacity / 3),
                            Unpooled.directBuffer(capacity - capacity / 3))
                            : composite(Unpooled.compositeBuffer(), Unpooled.directBuffer(capacity));
                    break;
                case COMPOSITE_SAME_ALLOC:
                    b = side.ours ? composite(side.alloc.compositeDirectBuffer(), side.alloc.directBuffer(capacity / 3),
                            side.alloc.directBuffer(capacity - capacity / 3))
                            : composite(side.alloc.compositeDirectBuffer(), side.alloc.directBuffer(capacity));
                    break;
                case READ_ONLY:
                    b = Unpooled.buffer(capacity);
                    break;
                default:
                    throw new AssertionError(kind);
            }
            b.setBytes(0, bytes(seed, capacity));
            b.setIndex(readerIndex, writerIndex);
            return kind == BufKind.READ_ONLY ? b.asReadOnly() : b;
        }

        /**
         * Ours gets two components, the oracle one: what a call leaves in a composite does not depend on
         * how it is split, and on JDK 25 Netty's own direct buffers (Pooled's and Unpooled's) cannot copy
         * into a composite of several components (CompositeByteBuf.internalNioBuffer throws
         * UnsupportedOperationException), which ours can.
         */
        private static ByteBuf composite(CompositeByteBuf c, ByteBuf... parts) {
            for (ByteBuf part : parts) {
                c.addComponent(true, part.writerIndex(part.capacity()));
            }
            return c;
        }

        @Override
        Object effects(ByteBuf peer, DiffSide side) {
            if (kind == BufKind.SELF || kind == BufKind.SELF_DUPLICATE || kind == BufKind.OTHER) {
                return "a buffer of the model"; // compared with the model's buffers after the step
            }
            if (kind == BufKind.SELF_VIEW) {
                return "a view of a buffer of the model"; // the same; after a move it shows freed memory
            }
            return List.of(peer.readerIndex(), peer.writerIndex(), peer.capacity(), contentOf(peer));
        }

        @Override
        void close(ByteBuf peer) {
            if (kind != BufKind.SELF && kind != BufKind.SELF_DUPLICATE && kind != BufKind.OTHER) {
                peer.release();
            }
        }
    }

    // ---- ByteBuffer peers ----

    enum NioKind { HEAP, HEAP_SLICED, DIRECT, DIRECT_SLICED, READ_ONLY_HEAP, READ_ONLY_DIRECT, SELF, OTHER, OTHER_INTERNAL }

    static final class NioPeer extends Spec<ByteBuffer> {
        final NioKind kind;
        private final int capacity;
        private final int position;
        private final int limit;
        private final long seed;
        /** For views of a model buffer: which one, and the range of it the view covers. */
        private final DiffTwin twin;
        private final int index;

        private NioPeer(NioKind kind, int capacity, int position, int limit, long seed, DiffTwin twin, int index) {
            super("ByteBuffer[" + kind + (twin != null ? " of " + twin + " at " + index : "") + ", cap " + capacity
                    + ", pos " + position + ", lim " + limit + "]");
            this.kind = kind;
            this.capacity = capacity;
            this.position = position;
            this.limit = limit;
            this.seed = seed;
            this.twin = twin;
            this.index = index;
        }

        static NioPeer random(DiffArgs a, DiffTwin self, List<DiffTwin> others) {
            NioKind kind = a.pick(NioKind.values());
            DiffTwin twin = null;
            int capacity;
            int index = 0;
            if (kind == NioKind.OTHER_INTERNAL) {
                // The internal view of a buffer of another root: Pooled's own (JDK 25) is cleared under a
                // caller that hands it back to its buffer, which Netty's API does not ask a caller to do.
                List<DiffTwin> elsewhere = others.stream().filter(o -> o.root != self.root).toList();
                twin = elsewhere.isEmpty() ? null : elsewhere.get(a.below(elsewhere.size()));
                kind = twin == null ? NioKind.SELF : kind;
            }
            if (kind == NioKind.SELF || kind == NioKind.OTHER) {
                twin = kind == NioKind.OTHER && !others.isEmpty() ? others.get(a.below(others.size())) : self;
            }
            if (twin != null && twin.readOnly) {
                // A read-only twin's views are read-only: one of those, of its own.
                kind = NioKind.READ_ONLY_DIRECT;
                twin = null;
            }
            if (twin != null) {
                int cap = twin.capacity();
                index = a.below(cap + 1);
                capacity = a.below(cap - index + 1);
            } else {
                capacity = a.percent(70) ? a.below(65) : a.below(70_000);
            }
            int limit = a.percent(50) ? capacity : a.below(capacity + 1);
            int position = a.percent(50) ? 0 : a.below(limit + 1);
            return new NioPeer(kind, capacity, position, limit, a.nextLong(), twin, index);
        }

        int remaining() {
            return limit - position;
        }

        /** A read-only ByteBuffer: as a destination of zero bytes ours throws, Pooled with Unsafe (JDK 17) does not. */
        boolean readOnly() {
            return kind == NioKind.READ_ONLY_HEAP || kind == NioKind.READ_ONLY_DIRECT;
        }

        @Override
        ByteBuffer open(DiffSide side, ByteBuf self) {
            ByteBuffer b;
            switch (kind) {
                case SELF:
                case OTHER:
                    b = twin.of(side).nioBuffer(index, capacity);
                    return b.limit(limit).position(position);
                case OTHER_INTERNAL:
                    b = twin.of(side).internalNioBuffer(index, capacity);
                    int base = b.position();
                    return b.limit(base + limit).position(base + position);
                case HEAP:
                case READ_ONLY_HEAP:
                    b = ByteBuffer.wrap(bytes(seed, capacity));
                    break;
                case HEAP_SLICED:
                    b = ByteBuffer.wrap(bytes(seed, capacity + 5)).position(5).slice();
                    break;
                case DIRECT:
                case READ_ONLY_DIRECT:
                    b = ByteBuffer.allocateDirect(capacity).put(bytes(seed, capacity)).clear();
                    break;
                case DIRECT_SLICED:
                    b = ByteBuffer.allocateDirect(capacity + 3).put(bytes(seed, capacity + 3)).position(3).slice();
                    break;
                default:
                    throw new AssertionError(kind);
            }
            if (kind == NioKind.READ_ONLY_HEAP || kind == NioKind.READ_ONLY_DIRECT) {
                b = b.asReadOnlyBuffer();
            }
            return b.limit(limit).position(position);
        }

        @Override
        Object effects(ByteBuffer peer, DiffSide side) {
            if (kind == NioKind.OTHER_INTERNAL) {
                return "a buffer's internal view"; // its position is an offset in memory the sides lay out differently
            }
            if (twin != null) {
                return List.of(peer.position(), peer.limit());
            }
            return List.of(peer.position(), peer.limit(), peer.duplicate().clear());
        }
    }

    // ---- streams ----

    /** Bytes a stream or channel offers for a call of 'length': as many, fewer or more (at most 4 MiB). */
    static int available(DiffArgs a, int length) {
        int asked = Math.max(0, Math.min(length, 4 << 20));
        return a.percent(60) ? asked : a.below(asked * 2 + 2);
    }

    static final class InPeer extends Spec<InputStream> {
        private final int available;
        /** Most bytes one read gives; 0: the stream throws IOException instead. */
        private final int chunk;
        private final long seed;

        private InPeer(int available, int chunk, long seed) {
            super("InputStream[" + available + " bytes, " + (chunk == 0 ? "failing" : "chunk " + chunk) + "]");
            this.available = available;
            this.chunk = chunk;
            this.seed = seed;
        }

        static InPeer random(DiffArgs a, int length) {
            int available = available(a, length);
            int chunk = a.percent(10) ? 0 : a.percent(60) ? Integer.MAX_VALUE : 1 + a.below(5000);
            return new InPeer(available, chunk, a.nextLong());
        }

        @Override
        InputStream open(DiffSide side, ByteBuf self) {
            ByteArrayInputStream source = new ByteArrayInputStream(bytes(seed, available));
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (chunk == 0) {
                        throw new IOException("the stream fails on purpose");
                    }
                    return source.read(b, off, Math.min(len, chunk));
                }

                @Override
                public int available() {
                    return source.available();
                }
            };
        }

        @Override
        Object effects(InputStream peer, DiffSide side) throws IOException {
            return peer.available();
        }
    }

    /** An OutputStream that keeps what it is given, or fails on every write. */
    static final class Sink extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final boolean failing;

        Sink(boolean failing) {
            this.failing = failing;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (failing) {
                throw new IOException("the stream fails on purpose");
            }
            bytes.write(b, off, len);
        }
    }

    static final class OutPeer extends Spec<Sink> {
        private final boolean failing;

        private OutPeer(boolean failing) {
            super("OutputStream[" + (failing ? "failing" : "bytes") + "]");
            this.failing = failing;
        }

        static OutPeer random(DiffArgs a) {
            return new OutPeer(a.percent(10));
        }

        @Override
        Sink open(DiffSide side, ByteBuf self) {
            return new Sink(failing);
        }

        @Override
        Object effects(Sink peer, DiffSide side) {
            return ByteBuffer.wrap(peer.bytes.toByteArray());
        }
    }

    // ---- channels ----

    enum ChannelKind { FILE, MEMORY, CLOSED }

    /** A gathering or scattering channel: the side's file at a position, memory in chunks, or closed. */
    static final class ChannelPeer extends Spec<Object> {
        final ChannelKind kind;
        private final long position;
        private final int available;
        private final int chunk;
        private final long seed;

        private ChannelPeer(ChannelKind kind, long position, int available, int chunk, long seed) {
            super("Channel[" + kind + (kind == ChannelKind.FILE ? " at " + position : "")
                    + (kind == ChannelKind.MEMORY ? " " + available + " bytes, chunk " + chunk : "") + "]");
            this.kind = kind;
            this.position = position;
            this.available = available;
            this.chunk = chunk;
            this.seed = seed;
        }

        static ChannelPeer random(DiffArgs a, int length, long fileSize) {
            ChannelKind kind = a.percent(10) ? ChannelKind.CLOSED : a.percent(50) ? ChannelKind.FILE : ChannelKind.MEMORY;
            long position = a.percent(30) ? fileSize : a.below((int) Math.min(fileSize + 100, Integer.MAX_VALUE));
            int available = available(a, length);
            int chunk = a.percent(50) ? Integer.MAX_VALUE : 1 + a.below(5000);
            return new ChannelPeer(kind, position, available, chunk, a.nextLong());
        }

        @Override
        Object open(DiffSide side, ByteBuf self) throws IOException {
            if (kind == ChannelKind.FILE) {
                return side.file.position(position);
            }
            MemoryChannel channel = new MemoryChannel(bytes(seed, available), chunk);
            channel.open = kind != ChannelKind.CLOSED;
            return channel;
        }

        GatheringByteChannel gathering(Object peer) {
            return (GatheringByteChannel) peer;
        }

        ScatteringByteChannel scattering(Object peer) {
            return (ScatteringByteChannel) peer;
        }

        @Override
        Object effects(Object peer, DiffSide side) throws IOException {
            if (peer instanceof MemoryChannel m) {
                return List.of(ByteBuffer.wrap(m.sink.toByteArray()), m.source.remaining());
            }
            return side.fileState();
        }
    }

    /** The side's file for positional calls, or a closed one, at a position (possibly past the end, or negative). */
    static final class FilePeer extends Spec<FileChannel> {
        final boolean closed;
        final long position;

        private FilePeer(boolean closed, long position) {
            super("FileChannel[" + (closed ? "closed, " : "") + "position " + position + "]");
            this.closed = closed;
            this.position = position;
        }

        static FilePeer random(DiffArgs a, long fileSize) {
            long position = a.percent(5) ? -1 - a.below(3) : a.percent(30) ? fileSize
                    : a.below((int) Math.min(fileSize + 100, Integer.MAX_VALUE));
            return new FilePeer(a.percent(8), position);
        }

        @Override
        FileChannel open(DiffSide side, ByteBuf self) {
            return closed ? side.closedFile : side.file;
        }

        @Override
        Object effects(FileChannel peer, DiffSide side) throws IOException {
            return side.fileState();
        }
    }
}
