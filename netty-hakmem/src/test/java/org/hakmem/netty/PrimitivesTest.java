package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The path a direct buffer's primitives take (Primitives): the fastest this JVM allows, and every
 * accessor agreeing, byte for byte and in both orders, with a ByteBuffer view of the same memory read
 * and written independently. The build runs this class as it runs the contract suites: with Netty's
 * defaults (UNSAFE on JDK 17, SEGMENT on JDK 25) and with -Dio.netty.noUnsafe=true (BUFFER on JDK 17).
 */
class PrimitivesTest {
    @Test
    void thePathIsTheFastestThisJvmAllows() {
        Primitives.Path expected;
        boolean littleEndian = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        if (littleEndian && PlatformDependent.hasUnsafe() && PlatformDependent.isUnaligned()) {
            expected = Primitives.Path.UNSAFE;
        } else if (littleEndian && Runtime.version().feature() >= 22) {
            expected = Primitives.Path.SEGMENT;
        } else {
            expected = Primitives.Path.BUFFER;
        }
        assertEquals(expected, Primitives.PATH, "JDK " + Runtime.version() + ", Netty hasUnsafe "
                + PlatformDependent.hasUnsafe());
    }

    @Test
    void everyAccessorAgreesWithAByteBufferViewAtEveryAlignment() {
        ByteBuf buf = HakmemByteBufAllocator.DEFAULT.directBuffer(64);
        try {
            ByteBuffer big = buf.nioBuffer(0, 64).order(ByteOrder.BIG_ENDIAN);
            ByteBuffer little = buf.nioBuffer(0, 64).order(ByteOrder.LITTLE_ENDIAN);
            long value = 0x0102030405060708L;
            for (int i = 0; i < 8; i++, value = value * 31 + 0x1F2E3D4C5B6A7988L) {
                buf.setByte(i, (byte) value);
                assertEquals((byte) value, big.get(i));
                big.put(i + 1, (byte) ~value);
                assertEquals((byte) ~value, buf.getByte(i + 1));

                buf.setShort(i, (short) value);
                assertEquals((short) value, big.getShort(i));
                buf.setShortLE(i, (short) value);
                assertEquals((short) value, little.getShort(i));
                big.putShort(i + 2, (short) ~value);
                assertEquals((short) ~value, buf.getShort(i + 2));
                assertEquals(Short.reverseBytes((short) ~value), buf.getShortLE(i + 2));

                buf.setInt(i, (int) value);
                assertEquals((int) value, big.getInt(i));
                buf.setIntLE(i, (int) value);
                assertEquals((int) value, little.getInt(i));
                big.putInt(i + 3, (int) ~value);
                assertEquals((int) ~value, buf.getInt(i + 3));
                assertEquals(Integer.reverseBytes((int) ~value), buf.getIntLE(i + 3));

                buf.setLong(i, value);
                assertEquals(value, big.getLong(i));
                buf.setLongLE(i, value);
                assertEquals(value, little.getLong(i));
                big.putLong(i + 5, ~value);
                assertEquals(~value, buf.getLong(i + 5));
                assertEquals(Long.reverseBytes(~value), buf.getLongLE(i + 5));

                buf.setMedium(i, (int) value);
                assertEquals((int) value & 0xFFFFFF, (big.get(i) & 0xFF) << 16 | (big.get(i + 1) & 0xFF) << 8
                        | big.get(i + 2) & 0xFF);
                assertEquals((int) value & 0xFFFFFF, buf.getUnsignedMedium(i));
            }
        } finally {
            buf.release();
        }
    }
}
