package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.AsciiString;
import io.netty.util.ByteProcessor;
import org.hakmem.netty.DiffPeers.BufPeer;
import org.hakmem.netty.DiffPeers.ChannelPeer;
import org.hakmem.netty.DiffPeers.FilePeer;
import org.hakmem.netty.DiffPeers.InPeer;
import org.hakmem.netty.DiffPeers.NioPeer;
import org.hakmem.netty.DiffPeers.OutPeer;
import org.hakmem.netty.DiffPeers.Thrown;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.hakmem.netty.DiffArgs.MIB;

/**
 * The calls of the differential test. A Spec turns a step's random arguments and the target's state
 * (as the oracle shows it) into a Call, fully decided, that the driver makes on both sides. What a call
 * returns is compared, so a call that changes something outside the buffers (an array, a peer, a
 * stream, a file) returns what it left there too.
 */
final class DiffOps {
    private DiffOps() {
    }

    /** The call on one side's buffer. */
    interface Action {
        Object run(ByteBuf b, DiffSide side) throws Exception;
    }

    /** What the driver knows that a Spec may use: the other live buffers and the oracle's file. */
    interface Model {
        /** Live buffers of the model, reachable without leaving their root's memory, other than 'except'. */
        List<DiffTwin> usable(DiffTwin except);

        long fileSize();
    }

    interface Maker {
        Call make(DiffArgs a, DiffTwin t, Model m);
    }

    enum Flag {
        /** May grow the buffer through ensureWritable, whose new capacity is the buffer's choice (see the driver). */
        GROWS,
        /** Reference counting only: allowed on a view that reaches past its root's end. */
        COUNT,
        /**
         * Reads or writes no byte, or none for an empty buffer (indexes, markers, properties, equals):
         * on a released buffer Netty's buffers answer it, Pooled's released derived buffers throw
         * IllegalReferenceCountException.
         */
        NO_BYTES
    }

    record Spec(String name, int weight, Set<Flag> flags, Maker maker) {
    }

    /** One call, decided: what to run and what the driver must do with a buffer it returns. */
    static final class Call {
        final String text;
        final Action action;
        DiffTwin.Kind creates;
        int createdAt;
        int createdLength = -1;
        /** Takes buffers from the allocators or their recyclers (a released buffer's object may come back). */
        boolean allocates;
        /** A release(): ours answers true only when the memory went (HakmemDerivedByteBuf). */
        boolean releases;
        /**
         * Moves no bytes at an index the caller gave: ours checks the index anyway, Pooled's Unsafe path
         * (JDK 17) skips several checks when there is nothing to copy.
         */
        boolean empty;
        /**
         * Writes zero bytes to a channel: ours answers 0 without calling it, as Netty's
         * UnpooledDirectByteBuf does; Pooled calls write() with nothing, which throws for a closed
         * channel or a negative file position.
         */
        boolean emptyChannelWrite;
        /** References the model takes (retain) or gives back (release) when the call succeeds. */
        int heldChange;
        /** Writes into a read-only peer: ours throws ReadOnlyBufferException, Pooled may write (BufPeer.readOnly()). */
        boolean readOnlyDestination;

        Call(String text, Action action) {
            this.text = text;
            this.action = action;
        }

        Call creates(DiffTwin.Kind kind, int at, int length) {
            creates = kind;
            createdAt = at;
            createdLength = length;
            allocates |= kind == DiffTwin.Kind.ROOT || kind == DiffTwin.Kind.RETAINED_SLICE
                    || kind == DiffTwin.Kind.RETAINED_DUPLICATE;
            return this;
        }

        Call allocatesIf(boolean allocates) {
            this.allocates |= allocates;
            return this;
        }

        Call emptyIf(boolean empty) {
            this.empty = empty;
            return this;
        }

        Call emptyChannelWriteIf(boolean empty) {
            emptyChannelWrite = empty;
            return this;
        }

        Call readOnlyDestination(boolean readOnly) {
            readOnlyDestination = readOnly;
            return this;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** The spec a step's op number (0 .. TOTAL_WEIGHT - 1) selects, by weight. */
    static Spec select(int op) {
        int left = op;
        for (Spec s : SPECS) {
            if (left < s.weight()) {
                return s;
            }
            left -= s.weight();
        }
        throw new IllegalArgumentException("op " + op + " not in [0, " + TOTAL_WEIGHT + ")");
    }

    private static void add(List<Spec> specs, String name, int weight, Maker maker, Flag... flags) {
        Set<Flag> set = flags.length == 0 ? EnumSet.noneOf(Flag.class) : EnumSet.of(flags[0], flags);
        specs.add(new Spec(name, weight, set, maker));
    }

    /** Runs body; its result or exception (a Thrown), and then what it left elsewhere. */
    static Object withEffects(DiffPeers.Body<Void> body, Effects after) throws Exception {
        Object result;
        try {
            result = body.run(null);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Exception | Error e) {
            result = Thrown.of(e);
        }
        return List.of(result == null ? "null" : result, after.get());
    }

    interface Effects {
        Object get() throws Exception;
    }

    // ---- arguments that depend on the target's state (the oracle's) ----

    /** Most a write may add: up to 4 MiB written in all (Netty's growth threshold), or an invalid count. */
    static int writeLength(DiffArgs a, DiffTwin t) {
        ByteBuf o = t.theirs;
        int room = o.maxCapacity() - o.writerIndex();
        if (a.percent(8)) {
            return room < 4 * MIB ? room + 1 + a.below(3) : -1 - a.below(3);
        }
        int budget = Math.min(room, 4 * MIB - o.writerIndex());
        if (budget <= 0) {
            return a.below(2);
        }
        return a.percent(60) ? a.below(Math.min(budget, Math.max(t.writableBytes(), 64)) + 1)
                : a.percent(80) ? a.below(Math.min(budget, 70_000) + 1) : a.below(budget + 1);
    }

    static int readLength(DiffArgs a, ByteBuf o) {
        return a.length(o.readableBytes());
    }

    // ---- primitives ----

    interface Getter {
        Object get(ByteBuf b, int index);
    }

    interface Reader {
        Object read(ByteBuf b);
    }

    interface Setter {
        ByteBuf set(ByteBuf b, int index, long value);
    }

    interface Writer {
        ByteBuf write(ByteBuf b, long value);
    }

    record Prim(String name, int width, Getter get, Reader read, Setter set, Writer write) {
    }

    private static final List<Prim> PRIMS = List.of(
            new Prim("Byte", 1, ByteBuf::getByte, ByteBuf::readByte,
                    (b, i, v) -> b.setByte(i, (int) v), (b, v) -> b.writeByte((int) v)),
            new Prim("UnsignedByte", 1, ByteBuf::getUnsignedByte, ByteBuf::readUnsignedByte, null, null),
            new Prim("Boolean", 1, ByteBuf::getBoolean, ByteBuf::readBoolean,
                    (b, i, v) -> b.setBoolean(i, (v & 1) != 0), (b, v) -> b.writeBoolean((v & 1) != 0)),
            new Prim("Short", 2, ByteBuf::getShort, ByteBuf::readShort,
                    (b, i, v) -> b.setShort(i, (int) v), (b, v) -> b.writeShort((int) v)),
            new Prim("ShortLE", 2, ByteBuf::getShortLE, ByteBuf::readShortLE,
                    (b, i, v) -> b.setShortLE(i, (int) v), (b, v) -> b.writeShortLE((int) v)),
            new Prim("UnsignedShort", 2, ByteBuf::getUnsignedShort, ByteBuf::readUnsignedShort, null, null),
            new Prim("UnsignedShortLE", 2, ByteBuf::getUnsignedShortLE, ByteBuf::readUnsignedShortLE, null, null),
            new Prim("Medium", 3, ByteBuf::getMedium, ByteBuf::readMedium,
                    (b, i, v) -> b.setMedium(i, (int) v), (b, v) -> b.writeMedium((int) v)),
            new Prim("MediumLE", 3, ByteBuf::getMediumLE, ByteBuf::readMediumLE,
                    (b, i, v) -> b.setMediumLE(i, (int) v), (b, v) -> b.writeMediumLE((int) v)),
            new Prim("UnsignedMedium", 3, ByteBuf::getUnsignedMedium, ByteBuf::readUnsignedMedium, null, null),
            new Prim("UnsignedMediumLE", 3, ByteBuf::getUnsignedMediumLE, ByteBuf::readUnsignedMediumLE, null, null),
            new Prim("Int", 4, ByteBuf::getInt, ByteBuf::readInt,
                    (b, i, v) -> b.setInt(i, (int) v), (b, v) -> b.writeInt((int) v)),
            new Prim("IntLE", 4, ByteBuf::getIntLE, ByteBuf::readIntLE,
                    (b, i, v) -> b.setIntLE(i, (int) v), (b, v) -> b.writeIntLE((int) v)),
            new Prim("UnsignedInt", 4, ByteBuf::getUnsignedInt, ByteBuf::readUnsignedInt, null, null),
            new Prim("UnsignedIntLE", 4, ByteBuf::getUnsignedIntLE, ByteBuf::readUnsignedIntLE, null, null),
            new Prim("Long", 8, ByteBuf::getLong, ByteBuf::readLong,
                    (b, i, v) -> b.setLong(i, v), (b, v) -> b.writeLong(v)),
            new Prim("LongLE", 8, ByteBuf::getLongLE, ByteBuf::readLongLE,
                    (b, i, v) -> b.setLongLE(i, v), (b, v) -> b.writeLongLE(v)),
            new Prim("Char", 2, ByteBuf::getChar, ByteBuf::readChar,
                    (b, i, v) -> b.setChar(i, (int) v), (b, v) -> b.writeChar((int) v)),
            new Prim("Float", 4, ByteBuf::getFloat, ByteBuf::readFloat,
                    (b, i, v) -> b.setFloat(i, Float.intBitsToFloat((int) v)),
                    (b, v) -> b.writeFloat(Float.intBitsToFloat((int) v))),
            new Prim("FloatLE", 4, ByteBuf::getFloatLE, ByteBuf::readFloatLE,
                    (b, i, v) -> b.setFloatLE(i, Float.intBitsToFloat((int) v)),
                    (b, v) -> b.writeFloatLE(Float.intBitsToFloat((int) v))),
            new Prim("Double", 8, ByteBuf::getDouble, ByteBuf::readDouble,
                    (b, i, v) -> b.setDouble(i, Double.longBitsToDouble(v)),
                    (b, v) -> b.writeDouble(Double.longBitsToDouble(v))),
            new Prim("DoubleLE", 8, ByteBuf::getDoubleLE, ByteBuf::readDoubleLE,
                    (b, i, v) -> b.setDoubleLE(i, Double.longBitsToDouble(v)),
                    (b, v) -> b.writeDoubleLE(Double.longBitsToDouble(v))));

    private static void primitives(List<Spec> specs) {
        for (Prim p : PRIMS) {
            add(specs, "get" + p.name(), 2, (a, t, m) -> {
                int index = a.index(t.capacity(), p.width());
                return new Call("get" + p.name() + "(" + index + ")", (b, s) -> p.get().get(b, index));
            });
            add(specs, "read" + p.name(), 2, (a, t, m) ->
                    new Call("read" + p.name() + "()", (b, s) -> p.read().read(b)));
            if (p.set() != null) {
                add(specs, "set" + p.name(), 2, (a, t, m) -> {
                    int index = a.index(t.capacity(), p.width());
                    long value = a.value();
                    return new Call("set" + p.name() + "(" + index + ", " + value + ")",
                            (b, s) -> p.set().set(b, index, value));
                });
                add(specs, "write" + p.name(), 2, (a, t, m) -> {
                    long value = a.value();
                    return new Call("write" + p.name() + "(" + value + ")", (b, s) -> p.write().write(b, value));
                }, Flag.GROWS);
            }
        }
    }

    // ---- byte[] ----

    private static void arrays(List<Spec> specs) {
        add(specs, "getBytes(int, byte[], int, int)", 4, (a, t, m) -> {
            ArrayArgs x = ArrayArgs.random(a, t.capacity(), true);
            return new Call("getBytes(" + x.index + ", byte[" + x.arrayLength + "], " + x.arrayIndex + ", " + x.length + ")",
                    (b, s) -> x.into(dst -> b.getBytes(x.index, dst, x.arrayIndex, x.length))).emptyIf(x.length == 0);
        });
        add(specs, "getBytes(int, byte[])", 2, (a, t, m) -> {
            ArrayArgs x = ArrayArgs.random(a, t.capacity(), false);
            return new Call("getBytes(" + x.index + ", byte[" + x.arrayLength + "])",
                    (b, s) -> x.into(dst -> b.getBytes(x.index, dst))).emptyIf(x.arrayLength == 0);
        });
        add(specs, "setBytes(int, byte[], int, int)", 4, (a, t, m) -> {
            ArrayArgs x = ArrayArgs.random(a, t.capacity(), true);
            return new Call("setBytes(" + x.index + ", byte[" + x.arrayLength + "], " + x.arrayIndex + ", " + x.length + ")",
                    (b, s) -> x.into(src -> b.setBytes(x.index, src, x.arrayIndex, x.length))).emptyIf(x.length == 0);
        });
        add(specs, "setBytes(int, byte[])", 2, (a, t, m) -> {
            ArrayArgs x = ArrayArgs.random(a, t.capacity(), false);
            return new Call("setBytes(" + x.index + ", byte[" + x.arrayLength + "])",
                    (b, s) -> x.into(src -> b.setBytes(x.index, src))).emptyIf(x.arrayLength == 0);
        });
        add(specs, "readBytes(byte[], int, int)", 2, (a, t, m) -> {
            ArrayArgs x = ArrayArgs.forLength(a, readLength(a, t.theirs), true);
            return new Call("readBytes(byte[" + x.arrayLength + "], " + x.arrayIndex + ", " + x.length + ")",
                    (b, s) -> x.into(dst -> b.readBytes(dst, x.arrayIndex, x.length)));
        });
        add(specs, "readBytes(byte[])", 2, (a, t, m) -> {
            ArrayArgs x = ArrayArgs.forLength(a, readLength(a, t.theirs), false);
            return new Call("readBytes(byte[" + x.arrayLength + "])", (b, s) -> x.into(b::readBytes));
        });
        add(specs, "writeBytes(byte[], int, int)", 3, (a, t, m) -> {
            ArrayArgs x = ArrayArgs.forLength(a, writeLength(a, t), true);
            return new Call("writeBytes(byte[" + x.arrayLength + "], " + x.arrayIndex + ", " + x.length + ")",
                    (b, s) -> x.into(src -> b.writeBytes(src, x.arrayIndex, x.length)));
        }, Flag.GROWS);
        add(specs, "writeBytes(byte[])", 2, (a, t, m) -> {
            ArrayArgs x = ArrayArgs.forLength(a, writeLength(a, t), false);
            return new Call("writeBytes(byte[" + x.arrayLength + "])", (b, s) -> x.into(b::writeBytes));
        }, Flag.GROWS);
    }

    private static void zeros(List<Spec> specs) {
        add(specs, "setZero(int, int)", 3, (a, t, m) -> {
            Range r = Range.random(a, t);
            return new Call("setZero(" + r + ")", (b, s) -> b.setZero(r.index, r.length)).emptyIf(r.length == 0);
        });
        add(specs, "writeZero(int)", 2, (a, t, m) -> {
            int length = writeLength(a, t);
            return new Call("writeZero(" + length + ")", (b, s) -> b.writeZero(length)).emptyIf(length == 0);
        }, Flag.GROWS);
    }

    interface ArrayBody {
        Object run(byte[] array) throws Exception;
    }

    /** A byte[] argument (filled with a seed's bytes) and the index, array index and length of the call. */
    record ArrayArgs(int index, int arrayLength, int arrayIndex, int length, long seed) {
        static ArrayArgs random(DiffArgs a, int capacity, boolean withArrayIndex) {
            int length = a.length(capacity);
            ArrayArgs x = forLength(a, length, withArrayIndex);
            int index = a.index(capacity, Math.max(0, Math.min(x.length, capacity + 1)));
            return new ArrayArgs(index, x.arrayLength, x.arrayIndex, x.length, x.seed);
        }

        static ArrayArgs forLength(DiffArgs a, int length, boolean withArrayIndex) {
            int fits = Math.max(0, Math.min(length, 4 * MIB));
            int arrayLength = a.percent(85) ? fits + (withArrayIndex ? a.below(20) : 0) : a.below(fits + 2);
            int arrayIndex = !withArrayIndex ? 0 : a.percent(85) ? a.below(arrayLength - fits + 1) : a.wild(arrayLength);
            return new ArrayArgs(0, arrayLength, arrayIndex, withArrayIndex ? length : arrayLength, a.nextLong());
        }

        /** Runs body with a fresh array: its result and the array's bytes afterwards. */
        Object into(ArrayBody body) throws Exception {
            byte[] array = DiffPeers.bytes(seed, arrayLength);
            return withEffects(v -> body.run(array), () -> ByteBuffer.wrap(array));
        }
    }

    // ---- ByteBuffer peers ----

    private static void nioPeers(List<Spec> specs) {
        add(specs, "getBytes(int, ByteBuffer)", 4, (a, t, m) -> {
            NioPeer p = NioPeer.random(a, t, m.usable(t));
            int index = a.index(t.capacity(), p.remaining());
            return new Call("getBytes(" + index + ", " + p + ")", (b, s) -> p.with(s, b, dst -> b.getBytes(index, dst)))
                    .readOnlyDestination(p.readOnly()).emptyIf(p.remaining() == 0);
        });
        add(specs, "setBytes(int, ByteBuffer)", 4, (a, t, m) -> {
            NioPeer p = NioPeer.random(a, t, m.usable(t));
            int index = a.index(t.capacity(), p.remaining());
            return new Call("setBytes(" + index + ", " + p + ")", (b, s) -> p.with(s, b, src -> b.setBytes(index, src)))
                    .emptyIf(p.remaining() == 0);
        });
        add(specs, "readBytes(ByteBuffer)", 2, (a, t, m) -> {
            NioPeer p = NioPeer.random(a, t, m.usable(t));
            return new Call("readBytes(" + p + ")", (b, s) -> p.with(s, b, b::readBytes))
                    .readOnlyDestination(p.readOnly());
        });
        add(specs, "writeBytes(ByteBuffer)", 3, (a, t, m) -> {
            NioPeer p = NioPeer.random(a, t, m.usable(t));
            return new Call("writeBytes(" + p + ")", (b, s) -> p.with(s, b, b::writeBytes));
        }, Flag.GROWS);
    }

    // ---- ByteBuf peers ----

    private static void bufPeers(List<Spec> specs) {
        add(specs, "getBytes(int, ByteBuf, int, int)", 4, (a, t, m) -> {
            BufPeer p = BufPeer.random(a, t, m.usable(t), !t.dead(), true);
            int length = a.length(Math.min(t.capacity(), p.capacity));
            int index = a.index(t.capacity(), Math.max(0, length));
            int dstIndex = a.index(p.capacity, Math.max(0, length));
            return intoPeer("getBytes(" + index + ", " + p + ", " + dstIndex + ", " + length + ")", p,
                    (b, dst) -> b.getBytes(index, dst, dstIndex, length)).emptyIf(length == 0);
        });
        add(specs, "getBytes(int, ByteBuf, int)", 2, (a, t, m) -> {
            BufPeer p = BufPeer.random(a, t, m.usable(t), !t.dead(), true);
            int length = a.length(Math.min(t.capacity(), p.writable()));
            int index = a.index(t.capacity(), Math.max(0, length));
            return intoPeer("getBytes(" + index + ", " + p + ", " + length + ")", p,
                    (b, dst) -> b.getBytes(index, dst, length))
                    .emptyIf(length == 0);
        });
        add(specs, "getBytes(int, ByteBuf)", 2, (a, t, m) -> {
            BufPeer p = BufPeer.random(a, t, m.usable(t), !t.dead(), true);
            int index = a.index(t.capacity(), p.writable());
            return intoPeer("getBytes(" + index + ", " + p + ")", p, (b, dst) -> b.getBytes(index, dst))
                    .emptyIf(p.writable() == 0);
        });
        add(specs, "setBytes(int, ByteBuf, int, int)", 4, (a, t, m) -> {
            BufPeer p = BufPeer.random(a, t, m.usable(t), !t.dead(), false);
            int length = a.length(Math.min(t.capacity(), p.capacity));
            int index = a.index(t.capacity(), Math.max(0, length));
            int srcIndex = a.index(p.capacity, Math.max(0, length));
            return peerCall("setBytes(" + index + ", " + p + ", " + srcIndex + ", " + length + ")", p,
                    (b, src) -> b.setBytes(index, src, srcIndex, length)).emptyIf(length == 0);
        });
        add(specs, "setBytes(int, ByteBuf, int)", 2, (a, t, m) -> {
            BufPeer p = BufPeer.random(a, t, m.usable(t), !t.dead(), false);
            int length = a.length(Math.min(t.capacity(), p.readable()));
            int index = a.index(t.capacity(), Math.max(0, length));
            return peerCall("setBytes(" + index + ", " + p + ", " + length + ")", p,
                    (b, src) -> b.setBytes(index, src, length))
                    .emptyIf(length == 0);
        });
        add(specs, "setBytes(int, ByteBuf)", 2, (a, t, m) -> {
            BufPeer p = BufPeer.random(a, t, m.usable(t), !t.dead(), false);
            int index = a.index(t.capacity(), p.readable());
            return peerCall("setBytes(" + index + ", " + p + ")", p, (b, src) -> b.setBytes(index, src))
                    .emptyIf(p.readable() == 0);
        });
        add(specs, "readBytes(ByteBuf, int, int)", 2, (a, t, m) -> {
            BufPeer p = BufPeer.random(a, t, m.usable(t), !t.dead(), true);
            int length = a.length(Math.min(t.theirs.readableBytes(), p.capacity));
            int dstIndex = a.index(p.capacity, Math.max(0, length));
            return intoPeer("readBytes(" + p + ", " + dstIndex + ", " + length + ")", p,
                    (b, dst) -> b.readBytes(dst, dstIndex, length));
        });
        add(specs, "readBytes(ByteBuf, int)", 2, (a, t, m) -> {
            BufPeer p = BufPeer.random(a, t, m.usable(t), !t.dead(), true);
            int length = a.length(Math.min(t.theirs.readableBytes(), p.writable()));
            return intoPeer("readBytes(" + p + ", " + length + ")", p, (b, dst) -> b.readBytes(dst, length));
        });
        add(specs, "readBytes(ByteBuf)", 2, (a, t, m) -> {
            BufPeer p = BufPeer.random(a, t, m.usable(t), !t.dead(), true);
            return intoPeer("readBytes(" + p + ")", p, ByteBuf::readBytes);
        });
        add(specs, "writeBytes(ByteBuf, int, int)", 3, (a, t, m) -> {
            BufPeer p = BufPeer.random(a, t, m.usable(t), !t.dead(), false);
            int length = Math.min(writeLength(a, t), a.percent(90) ? p.capacity : Integer.MAX_VALUE);
            int drawn = a.index(p.capacity, Math.max(0, length));
            // The write grows t first: a range of t's own past its old end would then exist, in memory that
            // holds anything. Out of range it stays, as a negative index.
            boolean pastOwnEnd = p.viewsRootOf(t) && (drawn < 0 || length < 0 || drawn > p.capacity - length);
            int srcIndex = pastOwnEnd ? -1 : drawn;
            return peerCall("writeBytes(" + p + ", " + srcIndex + ", " + length + ")", p,
                    (b, src) -> b.writeBytes(src, srcIndex, length));
        }, Flag.GROWS);
        add(specs, "writeBytes(ByteBuf, int)", 2, (a, t, m) -> {
            BufPeer p = BufPeer.random(a, t, m.usable(t), !t.dead(), false);
            int length = Math.min(writeLength(a, t), a.percent(90) ? p.readable() : Integer.MAX_VALUE);
            return peerCall("writeBytes(" + p + ", " + length + ")", p, (b, src) -> b.writeBytes(src, length));
        }, Flag.GROWS);
        add(specs, "writeBytes(ByteBuf)", 2, (a, t, m) -> {
            BufPeer p = BufPeer.random(a, t, m.usable(t), !t.dead(), false);
            return peerCall("writeBytes(" + p + ")", p, ByteBuf::writeBytes);
        }, Flag.GROWS);
    }

    interface PeerBody<T> {
        Object run(ByteBuf b, T peer) throws Exception;
    }

    private static Call peerCall(String text, BufPeer p, PeerBody<ByteBuf> body) {
        return new Call(text, (b, s) -> p.with(s, b, peer -> body.run(b, peer))).allocatesIf(p.allocates());
    }

    /** A call that copies into the peer p. */
    private static Call intoPeer(String text, BufPeer p, PeerBody<ByteBuf> body) {
        return peerCall(text, p, body).readOnlyDestination(p.readOnly());
    }

    // ---- streams and channels ----

    private static void streamsAndChannels(List<Spec> specs) {
        add(specs, "getBytes(int, OutputStream, int)", 2, (a, t, m) -> {
            OutPeer p = OutPeer.random(a);
            int length = a.length(Math.min(t.capacity(), 70_000));
            int index = a.index(t.capacity(), Math.max(0, length));
            return new Call("getBytes(" + index + ", " + p + ", " + length + ")",
                    (b, s) -> p.with(s, b, out -> b.getBytes(index, out, length)))
                    .emptyIf(length == 0);
        });
        add(specs, "readBytes(OutputStream, int)", 2, (a, t, m) -> {
            OutPeer p = OutPeer.random(a);
            int length = readLength(a, t.theirs);
            return new Call("readBytes(" + p + ", " + length + ")",
                    (b, s) -> p.with(s, b, out -> b.readBytes(out, length)));
        });
        add(specs, "setBytes(int, InputStream, int)", 2, (a, t, m) -> {
            int length = a.length(Math.min(t.capacity(), 70_000));
            int index = a.index(t.capacity(), Math.max(0, length));
            InPeer p = InPeer.random(a, length);
            return new Call("setBytes(" + index + ", " + p + ", " + length + ")",
                    (b, s) -> p.with(s, b, in -> b.setBytes(index, in, length)))
                    .emptyIf(length == 0);
        });
        add(specs, "writeBytes(InputStream, int)", 2, (a, t, m) -> {
            int length = writeLength(a, t);
            InPeer p = InPeer.random(a, length);
            return new Call("writeBytes(" + p + ", " + length + ")",
                    (b, s) -> p.with(s, b, in -> b.writeBytes(in, length)));
        }, Flag.GROWS);
        add(specs, "getBytes(int, GatheringByteChannel, int)", 2, (a, t, m) -> {
            int length = a.length(t.capacity());
            int index = a.index(t.capacity(), Math.max(0, length));
            ChannelPeer p = ChannelPeer.random(a, length, m.fileSize());
            return new Call("getBytes(" + index + ", " + p + ", " + length + ")",
                    (b, s) -> p.with(s, b, ch -> b.getBytes(index, p.gathering(ch), length)))
                            .emptyIf(length == 0).emptyChannelWriteIf(length == 0);
        });
        add(specs, "readBytes(GatheringByteChannel, int)", 2, (a, t, m) -> {
            int length = readLength(a, t.theirs);
            ChannelPeer p = ChannelPeer.random(a, length, m.fileSize());
            return new Call("readBytes(" + p + ", " + length + ")",
                    (b, s) -> p.with(s, b, ch -> b.readBytes(p.gathering(ch), length)))
                    .emptyChannelWriteIf(length == 0);
        });
        add(specs, "setBytes(int, ScatteringByteChannel, int)", 2, (a, t, m) -> {
            int length = a.length(t.capacity());
            int index = a.index(t.capacity(), Math.max(0, length));
            ChannelPeer p = ChannelPeer.random(a, length, m.fileSize());
            return new Call("setBytes(" + index + ", " + p + ", " + length + ")",
                    (b, s) -> p.with(s, b, ch -> b.setBytes(index, p.scattering(ch), length))).emptyIf(length == 0);
        });
        add(specs, "writeBytes(ScatteringByteChannel, int)", 2, (a, t, m) -> {
            int length = writeLength(a, t);
            ChannelPeer p = ChannelPeer.random(a, length, m.fileSize());
            return new Call("writeBytes(" + p + ", " + length + ")",
                    (b, s) -> p.with(s, b, ch -> b.writeBytes(p.scattering(ch), length)));
        }, Flag.GROWS);
        add(specs, "getBytes(int, FileChannel, long, int)", 2, (a, t, m) -> {
            int length = a.length(t.capacity());
            int index = a.index(t.capacity(), Math.max(0, length));
            FilePeer p = FilePeer.random(a, m.fileSize());
            return new Call("getBytes(" + index + ", " + p + ", " + length + ")",
                    (b, s) -> p.with(s, b, ch -> b.getBytes(index, ch, p.position, length)))
                            .emptyIf(length == 0).emptyChannelWriteIf(length == 0);
        });
        add(specs, "readBytes(FileChannel, long, int)", 2, (a, t, m) -> {
            int length = readLength(a, t.theirs);
            FilePeer p = FilePeer.random(a, m.fileSize());
            return new Call("readBytes(" + p + ", " + length + ")",
                    (b, s) -> p.with(s, b, ch -> b.readBytes(ch, p.position, length)))
                    .emptyChannelWriteIf(length == 0);
        });
        add(specs, "setBytes(int, FileChannel, long, int)", 2, (a, t, m) -> {
            int length = a.length(t.capacity());
            int index = a.index(t.capacity(), Math.max(0, length));
            FilePeer p = FilePeer.random(a, m.fileSize());
            return new Call("setBytes(" + index + ", " + p + ", " + length + ")",
                    (b, s) -> p.with(s, b, ch -> b.setBytes(index, ch, p.position, length))).emptyIf(length == 0);
        });
        add(specs, "writeBytes(FileChannel, long, int)", 2, (a, t, m) -> {
            int length = writeLength(a, t);
            FilePeer p = FilePeer.random(a, m.fileSize());
            return new Call("writeBytes(" + p + ", " + length + ")",
                    (b, s) -> p.with(s, b, ch -> b.writeBytes(ch, p.position, length)));
        }, Flag.GROWS);
    }

    // ---- capacity, indexes, markers ----

    private static void capacityAndIndexes(List<Spec> specs) {
        add(specs, "capacity(int)", 10, (a, t, m) -> {
            int capacity = a.newCapacity(t.capacity(), t.theirs.maxCapacity());
            return new Call("capacity(" + capacity + ")", (b, s) -> b.capacity(capacity));
        });
        add(specs, "ensureWritable(int)", 4, (a, t, m) -> {
            int n = a.percent(5) ? -1 : writeLength(a, t);
            return new Call("ensureWritable(" + n + ")", (b, s) -> b.ensureWritable(n));
        }, Flag.GROWS);
        add(specs, "ensureWritable(int, boolean)", 4, (a, t, m) -> {
            ByteBuf o = t.theirs;
            // force with more than fits grows to maxCapacity itself: only where that is small
            boolean force = a.percent(50) && o.maxCapacity() <= 4 * MIB;
            int n = a.percent(5) ? -1
                    : force && a.percent(30) ? o.maxCapacity() - o.writerIndex() + 1 + a.below(9) : writeLength(a, t);
            return new Call("ensureWritable(" + n + ", " + force + ")", (b, s) -> b.ensureWritable(n, force));
        }, Flag.GROWS);
        add(specs, "discardReadBytes()", 3, (a, t, m) -> new Call("discardReadBytes()",
                (b, s) -> b.discardReadBytes()));
        add(specs, "discardSomeReadBytes()", 3, (a, t, m) -> new Call("discardSomeReadBytes()",
                (b, s) -> b.discardSomeReadBytes()));
        add(specs, "clear()", 1, (a, t, m) -> new Call("clear()", (b, s) -> b.clear()), Flag.NO_BYTES);
        add(specs, "readerIndex(int)", 3, (a, t, m) -> {
            int index = a.percent(85) ? a.below(t.theirs.writerIndex() + 1) : a.wild(t.theirs.writerIndex() + 1);
            return new Call("readerIndex(" + index + ")", (b, s) -> b.readerIndex(index));
        }, Flag.NO_BYTES);
        add(specs, "writerIndex(int)", 3, (a, t, m) -> {
            ByteBuf o = t.theirs;
            int index = a.percent(85) ? a.between(o.readerIndex(), t.capacity()) : a.wild(t.capacity() + 1);
            return new Call("writerIndex(" + index + ")", (b, s) -> b.writerIndex(index));
        }, Flag.NO_BYTES);
        add(specs, "setIndex(int, int)", 3, (a, t, m) -> {
            int capacity = t.capacity();
            int writer = a.percent(85) ? a.below(capacity + 1) : a.wild(capacity + 1);
            int reader = a.percent(85) ? a.below(Math.max(0, writer) + 1) : a.wild(writer + 1);
            return new Call("setIndex(" + reader + ", " + writer + ")", (b, s) -> b.setIndex(reader, writer));
        }, Flag.NO_BYTES);
        add(specs, "skipBytes(int)", 2, (a, t, m) -> {
            int n = readLength(a, t.theirs);
            return new Call("skipBytes(" + n + ")", (b, s) -> b.skipBytes(n));
        });
        add(specs, "markReaderIndex()", 1, (a, t, m) -> new Call("markReaderIndex()",
                (b, s) -> b.markReaderIndex()), Flag.NO_BYTES);
        add(specs, "resetReaderIndex()", 1, (a, t, m) -> new Call("resetReaderIndex()",
                (b, s) -> b.resetReaderIndex()), Flag.NO_BYTES);
        add(specs, "markWriterIndex()", 1, (a, t, m) -> new Call("markWriterIndex()",
                (b, s) -> b.markWriterIndex()), Flag.NO_BYTES);
        add(specs, "resetWriterIndex()", 1, (a, t, m) -> new Call("resetWriterIndex()",
                (b, s) -> b.resetWriterIndex()), Flag.NO_BYTES);
        add(specs, "isReadable/isWritable(int)", 1, (a, t, m) -> {
            int n = a.length(t.theirs.readableBytes() + 1);
            return new Call("isReadable/isWritable(" + n + ")", (b, s) -> List.of(b.isReadable(n), b.isWritable(n),
                    b.readableBytes(), b.writableBytes(), b.maxWritableBytes()));
        }, Flag.NO_BYTES);
    }

    // ---- search ----

    private static void search(List<Spec> specs) {
        add(specs, "indexOf(int, int, byte)", 2, (a, t, m) -> {
            int capacity = t.capacity();
            int from = a.percent(85) ? a.below(capacity + 1) : a.wild(capacity + 1);
            int to = a.percent(85) ? a.below(capacity + 1) : a.wild(capacity + 1);
            byte value = probe(a, t);
            return new Call("indexOf(" + from + ", " + to + ", " + value + ")", (b, s) -> b.indexOf(from, to, value));
        });
        add(specs, "bytesBefore(byte)", 1, (a, t, m) -> {
            byte value = probe(a, t);
            return new Call("bytesBefore(" + value + ")", (b, s) -> b.bytesBefore(value));
        });
        add(specs, "bytesBefore(int, byte)", 1, (a, t, m) -> {
            int length = readLength(a, t.theirs);
            byte value = probe(a, t);
            return new Call("bytesBefore(" + length + ", " + value + ")", (b, s) -> b.bytesBefore(length, value));
        });
        add(specs, "bytesBefore(int, int, byte)", 1, (a, t, m) -> {
            int length = a.length(t.capacity());
            int index = a.index(t.capacity(), Math.max(0, length));
            byte value = probe(a, t);
            return new Call("bytesBefore(" + index + ", " + length + ", " + value + ")",
                    (b, s) -> b.bytesBefore(index, length, value));
        });
        for (boolean descending : new boolean[] {false, true}) {
            String name = descending ? "forEachByteDesc" : "forEachByte";
            add(specs, name + "(ByteProcessor)", 1, (a, t, m) -> {
                Visit v = Visit.random(a, t);
                return new Call(name + "(" + v + ")",
                        (b, s) -> v.run(p -> descending ? b.forEachByteDesc(p) : b.forEachByte(p)));
            });
            add(specs, name + "(int, int, ByteProcessor)", 2, (a, t, m) -> {
                int length = a.length(t.capacity());
                int index = a.index(t.capacity(), Math.max(0, length));
                Visit v = Visit.random(a, t);
                return new Call(name + "(" + index + ", " + length + ", " + v + ")",
                        (b, s) -> v.run(p -> descending ? b.forEachByteDesc(index, length, p)
                                : b.forEachByte(index, length, p)));
            });
        }
    }

    /** A byte to look for: usually one the buffer holds. */
    private static byte probe(DiffArgs a, DiffTwin t) {
        ByteBuf o = t.theirs;
        if (!t.dead() && t.capacity() > 0 && a.percent(80)) {
            return o.getByte(a.below(t.capacity()));
        }
        return (byte) a.below(256);
    }

    interface Visitor {
        int visit(ByteProcessor p) throws Exception;
    }

    /** A ByteProcessor that stops at a byte or after some bytes, or throws; remembers what it saw. */
    record Visit(byte stopAt, int most, boolean throwing) {
        static Visit random(DiffArgs a, DiffTwin t) {
            return new Visit(probe(a, t), a.percent(30) ? a.below(20) : Integer.MAX_VALUE, a.percent(5));
        }

        Object run(Visitor visitor) throws Exception {
            int[] seen = {0, 1};
            ByteProcessor p = value -> {
                if (throwing) {
                    throw new IllegalStateException("the processor fails on purpose");
                }
                seen[0]++;
                seen[1] = 31 * seen[1] + value;
                return value != stopAt && seen[0] < most;
            };
            return withEffects(v -> visitor.visit(p), () -> List.of(seen[0], seen[1]));
        }
    }

    // ---- char sequences ----

    private static final Charset[] CHARSETS = {StandardCharsets.UTF_8, StandardCharsets.US_ASCII,
        StandardCharsets.ISO_8859_1, StandardCharsets.UTF_16};

    private static void charSequences(List<Spec> specs) {
        add(specs, "setCharSequence(int, CharSequence, Charset)", 3, (a, t, m) -> {
            Chars c = Chars.random(a);
            Charset cs = a.pick(CHARSETS);
            int index = a.index(t.capacity(), Math.min(c.seq.length(), t.capacity()));
            return new Call("setCharSequence(" + index + ", " + c + ", " + cs + ")",
                    (b, s) -> b.setCharSequence(index, c.seq, cs));
        });
        add(specs, "writeCharSequence(CharSequence, Charset)", 3, (a, t, m) -> {
            Chars c = Chars.random(a);
            Charset cs = a.pick(CHARSETS);
            return new Call("writeCharSequence(" + c + ", " + cs + ")", (b, s) -> b.writeCharSequence(c.seq, cs));
        }, Flag.GROWS);
        add(specs, "getCharSequence(int, int, Charset)", 2, (a, t, m) -> {
            int length = decodeLength(a, t.capacity());
            int index = a.index(t.capacity(), Math.max(0, length));
            Charset cs = a.pick(CHARSETS);
            return new Call("getCharSequence(" + index + ", " + length + ", " + cs + ")",
                    (b, s) -> chars(b.getCharSequence(index, length, cs)));
        });
        add(specs, "readCharSequence(int, Charset)", 2, (a, t, m) -> {
            // Not past the readable bytes: Netty's readCharSequence does not check them, decodes up to the
            // capacity and leaves readerIndex past writerIndex, on any buffer.
            int readable = t.theirs.readableBytes();
            int drawn = decodeLength(a, readable);
            int length = drawn > readable ? -1 : drawn;
            Charset cs = a.pick(CHARSETS);
            return new Call("readCharSequence(" + length + ", " + cs + ")",
                    (b, s) -> chars(b.readCharSequence(length, cs)));
        });
        add(specs, "toString(int, int, Charset)", 1, (a, t, m) -> {
            int length = decodeLength(a, t.capacity());
            int index = a.index(t.capacity(), Math.max(0, length));
            Charset cs = a.pick(CHARSETS);
            return new Call("toString(" + index + ", " + length + ", " + cs + ")",
                    (b, s) -> b.toString(index, length, cs));
        });
        add(specs, "toString(Charset)", 1, (a, t, m) -> {
            Charset cs = a.pick(CHARSETS);
            return new Call("toString(" + cs + ")", (b, s) -> b.readableBytes() > 100_000 ? "(long)" : b.toString(cs));
        });
    }

    /**
     * A length to decode at an index: out of range at most by a little. Netty's ByteBufUtil.decodeString
     * takes a temporary array of the length before it checks the range (and readCharSequence does not
     * check the readable bytes first), so Integer.MAX_VALUE is an OutOfMemoryError on any buffer, Netty's
     * own included.
     */
    private static int decodeLength(DiffArgs a, int available) {
        int length = a.length(Math.min(available, 5000));
        return length > 1 << 20 ? available + 1 : length;
    }

    /** A char sequence as compared: its class (String or AsciiString) and its chars. */
    private static Object chars(CharSequence seq) {
        return seq == null ? "null" : List.of(seq.getClass().getSimpleName(), seq.toString());
    }

    /**
     * A char sequence argument: ASCII, Latin-1, any BMP char, surrogates paired or not; a String, an
     * AsciiString or a StringBuilder.
     */
    record Chars(CharSequence seq, String what) {
        static Chars random(DiffArgs a) {
            int length = a.percent(85) ? a.below(40) : a.below(3000);
            int kind = a.below(6);
            StringBuilder sb = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                sb.append(charOf(a, kind));
            }
            if (kind == 0 && a.percent(50)) {
                return new Chars(new AsciiString(sb), "AsciiString[" + length + "]");
            }
            if (a.percent(20)) {
                return new Chars(sb, "StringBuilder[" + length + ", kind " + kind + "]");
            }
            return new Chars(sb.toString(), "String[" + length + ", kind " + kind + "]");
        }

        private static char charOf(DiffArgs a, int kind) {
            switch (kind) {
                case 0:
                    return (char) a.below(128);
                case 1:
                    return (char) a.below(256);
                case 2:
                    return (char) (a.percent(50) ? a.below(0xD800) : a.between(0xE000, 0xFFFF));
                case 3:
                    return (char) a.between(0xD800, 0xDFFF); // surrogates, in any order
                default:
                    return (char) a.below(0x10000);
            }
        }

        @Override
        public String toString() {
            return what;
        }
    }

    // ---- NIO views and the memory address ----

    private static void nioViews(List<Spec> specs) {
        add(specs, "nioBuffer(int, int)", 3, (a, t, m) -> {
            Range r = Range.random(a, t);
            long seed = a.nextLong();
            return new Call("nioBuffer(" + r + ")",
                    (b, s) -> shown(new ByteBuffer[] {b.nioBuffer(r.index, r.length)}, seed));
        });
        add(specs, "nioBuffer()", 1, (a, t, m) -> {
            long seed = a.nextLong();
            return new Call("nioBuffer()", (b, s) -> shown(new ByteBuffer[] {b.nioBuffer()}, seed));
        });
        add(specs, "nioBuffers(int, int)", 2, (a, t, m) -> {
            Range r = Range.random(a, t);
            long seed = a.nextLong();
            return new Call("nioBuffers(" + r + ")", (b, s) -> shown(b.nioBuffers(r.index, r.length), seed));
        });
        add(specs, "nioBuffers()", 1, (a, t, m) -> {
            long seed = a.nextLong();
            return new Call("nioBuffers()", (b, s) -> shown(b.nioBuffers(), seed));
        });
        add(specs, "internalNioBuffer(int, int)", 3, (a, t, m) -> {
            Range r = Range.random(a, t);
            long seed = a.nextLong();
            return new Call("internalNioBuffer(" + r + ")",
                    (b, s) -> shown(new ByteBuffer[] {b.internalNioBuffer(r.index, r.length)}, seed));
        });
        add(specs, "nioBufferCount()", 1, (a, t, m) -> new Call("nioBufferCount()",
                (b, s) -> b.nioBufferCount()), Flag.NO_BYTES);
        add(specs, "memoryAddress() bytes", 2, (a, t, m) -> {
            int index = a.below(t.capacity() + 1);
            int length = Math.min(8, t.capacity() - index);
            return new Call("memoryAddress() bytes at " + index, (b, s) -> bytesAt(b, s, index, length));
        });
    }

    /** The bytes [index, index + length): read at memoryAddress() where ours has one, else through getBytes. */
    private static Object bytesAt(ByteBuf b, DiffSide s, int index, int length) {
        if (s.ours && b.hasMemoryAddress()) {
            return ByteBuffer.wrap(new com.sun.jna.Pointer(b.memoryAddress()).getByteArray(index, length));
        }
        return ByteBuffer.wrap(ByteBufUtil.getBytes(b, index, length));
    }

    /** An index and length, valid most of the time. */
    record Range(int index, int length) {
        static Range random(DiffArgs a, DiffTwin t) {
            int length = a.length(t.capacity());
            return new Range(a.index(t.capacity(), Math.max(0, length)), length);
        }

        @Override
        public String toString() {
            return index + ", " + length;
        }
    }

    /**
     * What NIO buffers show (their bytes, read-only or not; not their capacity, position or identity,
     * which depend on how each side lays out its memory), then writes through the first one: the
     * driver's content check shows whether the write reached the buffer.
     */
    private static Object shown(ByteBuffer[] views, long seed) throws Exception {
        List<Object> seen = new ArrayList<>();
        int total = 0;
        for (ByteBuffer v : views) {
            total += v.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(total);
        for (ByteBuffer v : views) {
            all.put(v.duplicate());
            seen.add(v.isReadOnly());
            seen.add(v.order());
        }
        seen.add(all.flip());
        if (views.length > 0 && views[0].remaining() > 0) {
            ByteBuffer v = views[0];
            int n = 1 + (int) ((seed >>> 1) % Math.min(v.remaining(), 64));
            byte[] fill = DiffPeers.bytes(seed, n);
            seen.add(withEffects(x -> {
                for (int i = 0; i < n; i++) {
                    v.put(v.position() + i, fill[i]);
                }
                return "written " + n;
            }, () -> "after"));
        }
        return seen;
    }

    // ---- derived buffers ----

    private static void derived(List<Spec> specs) {
        add(specs, "copy(int, int)", 2, (a, t, m) -> {
            Range r = Range.random(a, t);
            return new Call("copy(" + r + ")", (b, s) -> b.copy(r.index, r.length)).creates(DiffTwin.Kind.ROOT, 0, -1);
        });
        add(specs, "copy()", 1, (a, t, m) -> new Call("copy()", (b, s) -> b.copy()).creates(DiffTwin.Kind.ROOT, 0, -1));
        add(specs, "readBytes(int)", 2, (a, t, m) -> {
            int length = readLength(a, t.theirs);
            return new Call("readBytes(" + length + ")", (b, s) -> b.readBytes(length))
                    .creates(DiffTwin.Kind.ROOT, 0, -1);
        });
        add(specs, "slice(int, int)", 3, (a, t, m) -> {
            Range r = Range.random(a, t);
            return new Call("slice(" + r + ")", (b, s) -> b.slice(r.index, r.length))
                    .creates(DiffTwin.Kind.SLICE, r.index, r.length);
        });
        add(specs, "slice()", 1, (a, t, m) -> {
            ByteBuf o = t.theirs;
            return new Call("slice()", (b, s) -> b.slice())
                    .creates(DiffTwin.Kind.SLICE, o.readerIndex(), o.readableBytes());
        });
        add(specs, "readSlice(int)", 2, (a, t, m) -> {
            int length = readLength(a, t.theirs);
            return new Call("readSlice(" + length + ")", (b, s) -> b.readSlice(length))
                    .creates(DiffTwin.Kind.SLICE, t.theirs.readerIndex(), length);
        });
        add(specs, "duplicate()", 2, (a, t, m) -> new Call("duplicate()",
                (b, s) -> s.ours ? b.duplicate() : oracleDuplicate(b))
                .creates(DiffTwin.Kind.DUPLICATE, 0, -1));
        add(specs, "retainedSlice(int, int)", 4, (a, t, m) -> {
            Range r = Range.random(a, t);
            return new Call("retainedSlice(" + r + ")", (b, s) -> s.ours ? b.retainedSlice(r.index, r.length)
                    : oracleRetainedSlice(t, b, r.index, r.length))
                    .creates(DiffTwin.Kind.RETAINED_SLICE, r.index, r.length);
        });
        add(specs, "retainedSlice()", 2, (a, t, m) -> {
            ByteBuf o = t.theirs;
            return new Call("retainedSlice()",
                    (b, s) -> s.ours ? b.retainedSlice() : oracleRetainedSlice(t, b, b.readerIndex(), b.readableBytes()))
                    .creates(DiffTwin.Kind.RETAINED_SLICE, o.readerIndex(), o.readableBytes());
        });
        add(specs, "readRetainedSlice(int)", 3, (a, t, m) -> {
            int length = readLength(a, t.theirs);
            return new Call("readRetainedSlice(" + length + ")",
                    (b, s) -> s.ours ? b.readRetainedSlice(length) : oracleReadRetainedSlice(t, b, length))
                    .creates(DiffTwin.Kind.RETAINED_SLICE, t.theirs.readerIndex(), length);
        });
        add(specs, "retainedDuplicate()", 3, (a, t, m) -> new Call("retainedDuplicate()",
                (b, s) -> s.ours ? b.retainedDuplicate() : oracleRetainedDuplicate(t, b))
                .creates(DiffTwin.Kind.RETAINED_DUPLICATE, 0, -1));
        add(specs, "asReadOnly()", 1, (a, t, m) -> {
            if (t.theirs.getClass().getSimpleName().equals("PooledNonRetainedDuplicateByteBuf")) {
                // Netty's read-only wrapper unwraps a DuplicatedByteBuf, which Pooled's plain duplicate of a
                // derived buffer is: its read-only view shows the root's count, not the duplicate's. Compared
                // once, not kept.
                return new Call("asReadOnly() (not kept)", (b, s) -> {
                    ByteBuf r = b.asReadOnly();
                    return List.of(r.isReadOnly(), r.readerIndex(), r.writerIndex(), DiffPeers.contentOf(r));
                });
            }
            return new Call("asReadOnly()", (b, s) -> b.asReadOnly()).creates(DiffTwin.Kind.READ_ONLY, 0, -1);
        }, Flag.NO_BYTES);
        add(specs, "order(LITTLE_ENDIAN)", 2, (a, t, m) -> {
            if (t.kind == DiffTwin.Kind.SWAPPED) {
                // order(BIG_ENDIAN) of a swapped view gives back the buffer it swaps: not a new buffer
                return new Call("order(BIG_ENDIAN)", (b, s) -> b.order(ByteOrder.BIG_ENDIAN).order());
            }
            return new Call("order(LITTLE_ENDIAN)", (b, s) -> b.order(ByteOrder.LITTLE_ENDIAN))
                    .creates(DiffTwin.Kind.SWAPPED, 0, -1);
        }, Flag.NO_BYTES);
    }

    /*
     * The oracle's retainedSlice() is the contract's retainedSlice(readerIndex(), readableBytes()): Netty
     * 4.2.18's plain views of Pooled's derived buffers slice (0, capacity()) and (readerIndex(), capacity())
     * instead (PooledNonRetainedSlicedByteBuf, PooledNonRetainedDuplicateByteBuf).
     */

    /**
     * The oracle's duplicate(). Netty 4.2.18's PooledNonRetainedSlicedByteBuf (a plain slice of a Pooled
     * retained slice or duplicate) duplicates its whole root instead of itself: the root's capacity and
     * maxCapacity, indexes moved by the slice's offset. Netty's other sliced buffers, and ours, duplicate
     * the slice; the oracle answers as those do.
     */
    static ByteBuf oracleDuplicate(ByteBuf b) {
        if (isSwappedPlainView(b)) {
            return oracleDuplicate(b.unwrap()).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (isPooledPlainSlice(b)) {
            return b.slice(0, b.capacity()).setIndex(b.readerIndex(), b.writerIndex());
        }
        if (isPooledDuplicate(b) || isSwapped(b) && isPooledDuplicate(b.unwrap())) {
            // Netty 4.2.18's PooledDuplicatedByteBuf duplicates its root, marked at the root's indexes,
            // then takes its own indexes: the marks stay the root's. Every other duplicate, ours too, is
            // marked at the indexes it was taken at.
            return b.duplicate().markReaderIndex().markWriterIndex();
        }
        return b.duplicate();
    }

    private static boolean isPooledDuplicate(ByteBuf b) {
        return b.getClass().getSimpleName().equals("PooledDuplicatedByteBuf");
    }

    /** A little-endian view (SwappedByteBuf), whose views are those of the buffer it swaps, swapped. */
    private static boolean isSwapped(ByteBuf b) {
        return b.order() == ByteOrder.LITTLE_ENDIAN && b.unwrap() != null;
    }

    /**
     * The oracle's retainedDuplicate(): the same Pooled class duplicates its whole root there too; of
     * Netty's plain views of a root, see isNettyPlainView.
     */
    private static ByteBuf oracleRetainedDuplicate(DiffTwin t, ByteBuf b) {
        if (isSwappedPlainView(b)) {
            return oracleRetainedDuplicate(t, b.unwrap()).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (isPooledPlainSlice(b) || isNettyPlainView(b) && t.fixedLength >= 0) {
            return oracleRetainedSlice(t, b, 0, b.capacity()).setIndex(b.readerIndex(), b.writerIndex());
        }
        if (isNettyPlainView(b)) {
            b.duplicate(); // what Netty's duplicate().retain() throws
            return b.unwrap().retainedDuplicate().setIndex(b.readerIndex(), b.writerIndex()).markReaderIndex()
                    .markWriterIndex();
        }
        return b.retainedDuplicate();
    }

    /**
     * The oracle's retainedSlice(int, int): the same Pooled class checks the range against its root only;
     * of Netty's plain views of a root, see isNettyPlainView.
     */
    private static ByteBuf oracleRetainedSlice(DiffTwin t, ByteBuf b, int index, int length) {
        if (isSwappedPlainView(b)) {
            return oracleRetainedSlice(t, b.unwrap(), index, length).order(ByteOrder.LITTLE_ENDIAN);
        }
        if ((isPooledPlainSlice(b) || isNettyPlainView(b)) && (index < 0 || length < 0 || index > b.capacity() - length)) {
            throw new IndexOutOfBoundsException("index " + index + ", length " + length + ", capacity " + b.capacity());
        }
        if (isNettyPlainView(b)) {
            return b.unwrap().retainedSlice(t.adjust + index, length);
        }
        return b.retainedSlice(index, length);
    }

    /** The oracle's readRetainedSlice(int): of Netty's plain views of a root, see isNettyPlainView. */
    private static ByteBuf oracleReadRetainedSlice(DiffTwin t, ByteBuf b, int length) {
        if (isSwappedPlainView(b)) {
            return oracleReadRetainedSlice(t, b.unwrap(), length).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (isNettyPlainView(b)) {
            int index = b.readerIndex();
            b.readSlice(length); // what, and when, Netty's readRetainedSlice throws; moves the reader index alike
            return b.unwrap().retainedSlice(t.adjust + index, length);
        }
        return b.readRetainedSlice(length);
    }

    /**
     * Netty's plain slice and duplicate of a Pooled root (UnpooledSlicedByteBuf, UnpooledDuplicatedByteBuf)
     * give retained views that share the root's count (AbstractByteBuf's slice(...).retain()). Ours are
     * HakmemDerivedByteBufs, whose retained views have a count of their own, as Pooled's plain views of
     * its derived buffers give. The oracle answers as those: the range checked against the view (a
     * negative length too: IndexOutOfBoundsException, where Netty's slice throws IllegalArgumentException),
     * then a retained view taken from the root over the same bytes, with the indexes and marks Netty's
     * would have.
     */
    private static boolean isNettyPlainView(ByteBuf b) {
        String name = b.getClass().getSimpleName();
        return name.equals("UnpooledSlicedByteBuf") || name.equals("UnpooledDuplicatedByteBuf");
    }

    /**
     * A little-endian view of a view the oracle works around (Netty's plain views of a root, Pooled's
     * plain slice of a derived buffer): its views are the worked-around views, swapped.
     */
    private static boolean isSwappedPlainView(ByteBuf b) {
        return isSwapped(b) && (isNettyPlainView(b.unwrap()) || isPooledPlainSlice(b.unwrap()));
    }

    private static boolean isPooledPlainSlice(ByteBuf b) {
        return b.getClass().getSimpleName().equals("PooledNonRetainedSlicedByteBuf");
    }

    // ---- reference counts ----

    private static void counts(List<Spec> specs) {
        add(specs, "retain()", 2, (a, t, m) -> held(new Call("retain()", (b, s) -> b.retain()), 1), Flag.COUNT);
        add(specs, "retain(int)", 1, (a, t, m) -> {
            int n = a.percent(90) ? 1 + a.below(3) : a.percent(50) ? Integer.MAX_VALUE : -a.below(2);
            return held(new Call("retain(" + n + ")", (b, s) -> b.retain(n)), n);
        }, Flag.COUNT);
        add(specs, "release()", 4, (a, t, m) -> held(releaseCall("release()", ByteBuf::release), -1), Flag.COUNT);
        add(specs, "release(int)", 2, (a, t, m) -> {
            int refCnt = t.theirs.refCnt();
            int n = a.percent(70) ? 1 + a.below(Math.max(1, refCnt)) : a.percent(50) ? refCnt + 1 : -a.below(2);
            return held(releaseCall("release(" + n + ")", b -> b.release(n)), -n);
        }, Flag.COUNT);
    }

    private static Call held(Call c, int change) {
        c.heldChange = change;
        return c;
    }

    interface Release {
        boolean release(ByteBuf b);
    }

    private static Call releaseCall(String text, Release release) {
        Call c = new Call(text, (b, s) -> release.release(b));
        c.releases = true;
        return c;
    }

    // ---- the rest ----

    /** Whether array() answers (not the array: a pooled heap buffer's is its whole chunk). */
    private static Object hasArray(ByteBuf b) throws Exception {
        return withEffects(v -> {
            b.array();
            return "an array";
        }, () -> "");
    }

    private static void misc(List<Spec> specs) {
        add(specs, "a new buffer", 3, (a, t, m) -> {
            int capacity = a.size();
            int maxCapacity = a.percent(50) ? Integer.MAX_VALUE : capacity + (a.percent(20) ? 0 : a.below(3 * MIB));
            int writer = a.below(capacity + 1);
            int reader = a.below(writer + 1);
            long seed = a.nextLong();
            return new Call("directBuffer(" + capacity + ", " + maxCapacity + ") at " + reader + ", " + writer,
                    (b, s) -> {
                ByteBuf fresh = s.alloc.directBuffer(capacity, maxCapacity);
                fresh.setBytes(0, DiffPeers.bytes(seed, capacity)); // fresh memory holds anything: the same on both sides
                return fresh.setIndex(reader, writer);
            }).creates(DiffTwin.Kind.ROOT, 0, -1);
        });
        add(specs, "equals/compareTo/hashCode", 2, (a, t, m) -> {
            List<DiffTwin> others = m.usable(t);
            DiffTwin u = others.isEmpty() ? t : others.get(a.below(others.size()));
            return new Call("equals/compareTo/hashCode with " + u, (b, s) -> {
                ByteBuf other = u.of(s);
                return List.of(b.equals(other), Integer.signum(b.compareTo(other)), b.hashCode());
            });
        }, Flag.NO_BYTES);
        add(specs, "properties", 1, (a, t, m) -> new Call("properties", (b, s) -> List.of(b.isDirect(), b.isReadOnly(),
                b.isContiguous(), b.hasArray(), b.order(), hasArray(b))), Flag.NO_BYTES);
    }

    // Last in the class: the specs use the tables above (PRIMS, CHARSETS), initialised in text order.
    static final List<Spec> SPECS;
    static final int TOTAL_WEIGHT;

    static {
        List<Spec> specs = new ArrayList<>();
        primitives(specs);
        arrays(specs);
        zeros(specs);
        nioPeers(specs);
        bufPeers(specs);
        streamsAndChannels(specs);
        capacityAndIndexes(specs);
        search(specs);
        charSequences(specs);
        nioViews(specs);
        derived(specs);
        counts(specs);
        misc(specs);
        SPECS = Collections.unmodifiableList(specs);
        TOTAL_WEIGHT = specs.stream().mapToInt(Spec::weight).sum();
    }
}
