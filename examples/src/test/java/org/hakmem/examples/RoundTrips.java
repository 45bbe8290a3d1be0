/*
 * RoundTrips: what the tests that send bytes through Netty on a hakmem allocator check alike, in one
 * place: the bytes they send (a pattern per message), that every byte came back, and that every
 * direct byte went back to the allocator once the channels closed.
 */
package org.hakmem.examples;

import io.netty.buffer.ByteBuf;
import org.hakmem.netty.HakmemByteBufAllocator;
import org.hakmem.netty.Profile;
import org.hakmem.netty.os.DecommitMode;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

final class RoundTrips {

    private RoundTrips() {
    }

    /**
     * A fresh allocator of the profile. LEAN gives memory back as hard as it can (no decay, so its purger
     * runs every 5 ms; a 1 MiB budget; DONTNEED, which zeroes a page at once), so that giving back memory
     * a live buffer still uses would show up as zeroed bytes in the tests' checks.
     */
    static HakmemByteBufAllocator allocator(Profile profile) {
        if (profile == Profile.FAST) {
            return HakmemByteBufAllocator.builder().build();
        }
        return HakmemByteBufAllocator.builder().profile(Profile.LEAN).leanDecayMillis(0).leanTargetMB(1)
                .leanDecommit(DecommitMode.DONTNEED).build();
    }

    /** A pattern that differs per message and per position, and is not periodic in small powers of 2. */
    static byte[] pattern(int message, int size) {
        byte[] bytes = new byte[size];
        int seed = message * 0x9E3779B1;
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (seed + i * 131 + (i >>> 8) * 7 + (i >>> 16) * 13);
        }
        return bytes;
    }

    /** Fails naming the message, the sizes and the first differing byte. */
    static void assertSameBytes(int message, byte[] sent, byte[] back) {
        if (back.length != sent.length) {
            fail("message %d: sent %d bytes, got %d back", message, sent.length, back.length);
        }
        int at = Arrays.mismatch(sent, back);
        if (at >= 0) {
            fail("message %d (%d bytes): first differing byte at index %d: sent %d, got %d",
                    message, sent.length, at, sent[at], back[at]);
        }
    }

    /** As above, for the readable bytes of a buffer (which stays as it was). */
    static void assertSameBytes(int message, byte[] sent, ByteBuf back) {
        assertSameBytes(message, sent, bytesOf(back));
    }

    /** The readable bytes of b, its indexes left alone. */
    static byte[] bytesOf(ByteBuf b) {
        byte[] bytes = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), bytes);
        return bytes;
    }

    /**
     * Direct bytes the allocator still counts as used, once they reach 0 or millis pass: event loops
     * may still be releasing the last buffers of a channel that just closed.
     */
    static long awaitReleased(HakmemByteBufAllocator alloc, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long used = alloc.metric().usedDirectMemory();
        while (used != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            used = alloc.metric().usedDirectMemory();
        }
        return used;
    }

    /**
     * Asserts that the allocator holds no direct or heap byte for a buffer any more and that Netty's
     * leak detector reported nothing, after the garbage collection that lets it see unreleased buffers.
     */
    static void assertEverythingReleased(HakmemByteBufAllocator alloc, LeakReports leaks) throws InterruptedException {
        assertThat(awaitReleased(alloc, 5_000)).as("direct bytes still held: %s", alloc.metric()).isZero();
        assertThat(alloc.metric().usedHeapMemory()).as("heap bytes still held: %s", alloc.metric()).isZero();
        assertThat(leaks.afterCollection(alloc)).as("Netty leak reports").isEmpty();
        assertThat(awaitReleased(alloc, 5_000)).as("direct bytes held after collection: %s", alloc.metric()).isZero();
    }
}
