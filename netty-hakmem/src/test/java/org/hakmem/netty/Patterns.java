package org.hakmem.netty;

import io.netty.buffer.ByteBuf;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A fill pattern unique to each buffer: byte i of a buffer with seed s is a hash of (s, i). If two
 * live buffers ever shared a byte, the later fill would break the earlier buffer's pattern.
 */
final class Patterns {
    private Patterns() {
    }

    static byte at(long seed, int index) {
        long x = seed * 0x9E3779B97F4A7C15L + index;
        x ^= x >>> 29;
        x *= 0xBF58476D1CE4E5B9L;
        return (byte) (x ^ x >>> 32);
    }

    static void fill(ByteBuf b, long seed, int from, int to) {
        for (int i = from; i < to; i++) {
            b.setByte(i, at(seed, i));
        }
    }

    static void fill(ByteBuf b, long seed) {
        fill(b, seed, 0, b.capacity());
    }

    /** Checks every byte of [0, length), or for big buffers the first and last 4 KiB and every 512th byte. */
    static void check(ByteBuf b, long seed, int length) {
        for (int i = 0; i < length; i++) {
            if (length > 16384 && i >= 4096 && i < length - 4096 && i % 512 != 0) {
                continue;
            }
            byte actual = b.getByte(i);
            if (actual != at(seed, i)) {
                assertEquals(at(seed, i), actual, "buffer with seed " + seed + " (capacity " + b.capacity()
                        + ") was overwritten at byte " + i + ": another live buffer overlaps it");
            }
        }
    }

    static void check(ByteBuf b, long seed) {
        check(b, seed, b.capacity());
    }
}
