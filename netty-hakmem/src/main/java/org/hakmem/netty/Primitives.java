/*
 * Primitives: how a direct buffer reads and writes one primitive at an address, chosen once per JVM.
 *
 *     UNSAFE    Netty's PlatformDependent (sun.misc.Unsafe) where Netty may use it (JDK 17 by
 *               default). One load or store.
 *     SEGMENT   java.lang.foreign on JDK 22+ where Netty may not use Unsafe (JDK 25 by default): a
 *               var handle over one segment that spans the whole address space, a JIT constant, so
 *               the segment's bounds and liveness checks fold away and the access is one load or store.
 *     BUFFER    the superslab's ByteBuffer, get/put at offset + index: anywhere else (JDK 17-21 with
 *               -Dio.netty.noUnsafe=true, or no native access for this module). The ByteBuffer checks
 *               the index against the superslab and the buffer's session on every access.
 *
 * The first two are native order and need a little-endian machine (the library runs on x86-64 and
 * aarch64 Linux), so big-endian values are byte-swapped there; BUFFER's ByteBuffer is big-endian.
 * AbstractByteBuf has checked the index against the buffer's capacity and its reference count before
 * any of these runs, so none of them ever sees an address outside a live buffer.
 *
 * The library is compiled for Java 17, so SEGMENT's classes are looked up at run time, by their public
 * names, and called through method handles: static final, so C2 inlines them like a direct call.
 * MemorySegment.reinterpret is restricted: SEGMENT is taken only where this module has native access
 * (--enable-native-access=ALL-UNNAMED on the class path, =org.hakmem.netty on the module path, as JNA
 * needs it for com.sun.jna); elsewhere BUFFER, with no warning from the JDK.
 */
package org.hakmem.netty;

import io.netty.util.internal.PlatformDependent;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

final class Primitives {
    enum Path { UNSAFE, SEGMENT, BUFFER }

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(Primitives.class);

    static final Path PATH;
    /** PATH == UNSAFE and PATH == SEGMENT, as constants the JIT folds into one branch per access. */
    private static final boolean UNSAFE;
    private static final boolean SEGMENT;

    /** MemorySegment.NULL.reinterpret(Long.MAX_VALUE): every address is its own offset. SEGMENT only. */
    private static final Object ALL;
    private static final MethodHandle GET_BYTE;
    private static final MethodHandle SET_BYTE;
    private static final MethodHandle GET_SHORT;
    private static final MethodHandle SET_SHORT;
    private static final MethodHandle GET_INT;
    private static final MethodHandle SET_INT;
    private static final MethodHandle GET_LONG;
    private static final MethodHandle SET_LONG;

    static {
        boolean littleEndian = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        Object all = null;
        MethodHandle[] handles = new MethodHandle[8];
        Path path;
        if (littleEndian && PlatformDependent.hasUnsafe() && PlatformDependent.isUnaligned()) {
            path = Path.UNSAFE;
        } else if (littleEndian && Runtime.version().feature() >= 22 && (all = segmentHandles(handles)) != null) {
            path = Path.SEGMENT;
        } else {
            path = Path.BUFFER;
        }
        PATH = path;
        UNSAFE = path == Path.UNSAFE;
        SEGMENT = path == Path.SEGMENT;
        ALL = all;
        GET_BYTE = handles[0];
        SET_BYTE = handles[1];
        GET_SHORT = handles[2];
        SET_SHORT = handles[3];
        GET_INT = handles[4];
        SET_INT = handles[5];
        GET_LONG = handles[6];
        SET_LONG = handles[7];
        logger.debug("primitive access to buffer memory: {}", PATH);
    }

    private Primitives() {
    }

    /**
     * Fills handles with get/set handles of (Object segment, long offset) for byte, short, int and
     * long (native order, unaligned) and returns the all-memory segment; null if anything is missing
     * or refused.
     */
    private static Object segmentHandles(MethodHandle[] handles) {
        try {
            if (!(boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(Primitives.class.getModule())) {
                // Without --enable-native-access for this module, reinterpret would print the JDK's
                // warning (or throw, with --illegal-native-access=deny): BUFFER, quietly.
                logger.debug("no native access for {}: ByteBuffer access to buffer memory", Primitives.class.getModule());
                return null;
            }
            Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> layout = Class.forName("java.lang.foreign.ValueLayout");
            Object all = segment.getMethod("reinterpret", long.class)
                    .invoke(segment.getField("NULL").get(null), Long.MAX_VALUE);
            String[] layouts = {"JAVA_BYTE", "JAVA_SHORT_UNALIGNED", "JAVA_INT_UNALIGNED", "JAVA_LONG_UNALIGNED"};
            Class<?>[] carriers = {byte.class, short.class, int.class, long.class};
            for (int i = 0; i < layouts.length; i++) {
                VarHandle vh = (VarHandle) layout.getMethod("varHandle").invoke(layout.getField(layouts[i]).get(null));
                handles[2 * i] = vh.toMethodHandle(VarHandle.AccessMode.GET)
                        .asType(MethodType.methodType(carriers[i], Object.class, long.class));
                handles[2 * i + 1] = vh.toMethodHandle(VarHandle.AccessMode.SET)
                        .asType(MethodType.methodType(void.class, Object.class, long.class, carriers[i]));
            }
            return all;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // An API that moved, or native access refused after all (wrapped by invoke): BUFFER.
            logger.debug("java.lang.foreign not usable for buffer memory, using ByteBuffer access", e);
            return null;
        }
    }

    // Each method takes both forms of the location: the address (UNSAFE, SEGMENT), and the superslab's
    // ByteBuffer with the offset in it (BUFFER). The JIT drops the loads of the form it does not use.
    // Plain names are big-endian (Netty's default order), LE names little-endian.

    static byte getByte(long address, ByteBuffer memory, int offset) {
        return UNSAFE ? PlatformDependent.getByte(address) : SEGMENT ? segmentGetByte(address) : memory.get(offset);
    }

    static void setByte(long address, ByteBuffer memory, int offset, byte value) {
        if (UNSAFE) {
            PlatformDependent.putByte(address, value);
        } else if (SEGMENT) {
            segmentSetByte(address, value);
        } else {
            memory.put(offset, value);
        }
    }

    static short getShort(long address, ByteBuffer memory, int offset) {
        return UNSAFE ? Short.reverseBytes(PlatformDependent.getShort(address))
                : SEGMENT ? Short.reverseBytes(segmentGetShort(address)) : memory.getShort(offset);
    }

    static short getShortLE(long address, ByteBuffer memory, int offset) {
        return UNSAFE ? PlatformDependent.getShort(address)
                : SEGMENT ? segmentGetShort(address) : Short.reverseBytes(memory.getShort(offset));
    }

    static void setShort(long address, ByteBuffer memory, int offset, short value) {
        if (UNSAFE) {
            PlatformDependent.putShort(address, Short.reverseBytes(value));
        } else if (SEGMENT) {
            segmentSetShort(address, Short.reverseBytes(value));
        } else {
            memory.putShort(offset, value);
        }
    }

    static void setShortLE(long address, ByteBuffer memory, int offset, short value) {
        if (UNSAFE) {
            PlatformDependent.putShort(address, value);
        } else if (SEGMENT) {
            segmentSetShort(address, value);
        } else {
            memory.putShort(offset, Short.reverseBytes(value));
        }
    }

    static int getInt(long address, ByteBuffer memory, int offset) {
        return UNSAFE ? Integer.reverseBytes(PlatformDependent.getInt(address))
                : SEGMENT ? Integer.reverseBytes(segmentGetInt(address)) : memory.getInt(offset);
    }

    static int getIntLE(long address, ByteBuffer memory, int offset) {
        return UNSAFE ? PlatformDependent.getInt(address)
                : SEGMENT ? segmentGetInt(address) : Integer.reverseBytes(memory.getInt(offset));
    }

    static void setInt(long address, ByteBuffer memory, int offset, int value) {
        if (UNSAFE) {
            PlatformDependent.putInt(address, Integer.reverseBytes(value));
        } else if (SEGMENT) {
            segmentSetInt(address, Integer.reverseBytes(value));
        } else {
            memory.putInt(offset, value);
        }
    }

    static void setIntLE(long address, ByteBuffer memory, int offset, int value) {
        if (UNSAFE) {
            PlatformDependent.putInt(address, value);
        } else if (SEGMENT) {
            segmentSetInt(address, value);
        } else {
            memory.putInt(offset, Integer.reverseBytes(value));
        }
    }

    static long getLong(long address, ByteBuffer memory, int offset) {
        return UNSAFE ? Long.reverseBytes(PlatformDependent.getLong(address))
                : SEGMENT ? Long.reverseBytes(segmentGetLong(address)) : memory.getLong(offset);
    }

    static long getLongLE(long address, ByteBuffer memory, int offset) {
        return UNSAFE ? PlatformDependent.getLong(address)
                : SEGMENT ? segmentGetLong(address) : Long.reverseBytes(memory.getLong(offset));
    }

    static void setLong(long address, ByteBuffer memory, int offset, long value) {
        if (UNSAFE) {
            PlatformDependent.putLong(address, Long.reverseBytes(value));
        } else if (SEGMENT) {
            segmentSetLong(address, Long.reverseBytes(value));
        } else {
            memory.putLong(offset, value);
        }
    }

    static void setLongLE(long address, ByteBuffer memory, int offset, long value) {
        if (UNSAFE) {
            PlatformDependent.putLong(address, value);
        } else if (SEGMENT) {
            segmentSetLong(address, value);
        } else {
            memory.putLong(offset, Long.reverseBytes(value));
        }
    }

    // ---- SEGMENT: native order ----

    private static byte segmentGetByte(long address) {
        try {
            return (byte) GET_BYTE.invokeExact(ALL, address);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    private static void segmentSetByte(long address, byte value) {
        try {
            SET_BYTE.invokeExact(ALL, address, value);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    private static short segmentGetShort(long address) {
        try {
            return (short) GET_SHORT.invokeExact(ALL, address);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    private static void segmentSetShort(long address, short value) {
        try {
            SET_SHORT.invokeExact(ALL, address, value);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    private static int segmentGetInt(long address) {
        try {
            return (int) GET_INT.invokeExact(ALL, address);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    private static void segmentSetInt(long address, int value) {
        try {
            SET_INT.invokeExact(ALL, address, value);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    private static long segmentGetLong(long address) {
        try {
            return (long) GET_LONG.invokeExact(ALL, address);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    private static void segmentSetLong(long address, long value) {
        try {
            SET_LONG.invokeExact(ALL, address, value);
        } catch (Throwable t) {
            throw failed(t);
        }
    }

    /** A var handle access threw: only an Error can (the all-memory segment has no bounds to break). */
    private static RuntimeException failed(Throwable t) {
        if (t instanceof Error) {
            throw (Error) t;
        }
        if (t instanceof RuntimeException) {
            return (RuntimeException) t;
        }
        return new IllegalStateException(t);
    }
}
