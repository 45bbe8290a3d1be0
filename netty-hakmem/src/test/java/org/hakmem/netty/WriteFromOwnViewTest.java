package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ScatteringByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write that makes a buffer grow, from a source that views the buffer's own memory: b.writeBytes(
 * b.nioBuffer(...)), or a ByteBuf, stream or channel over such a view. Growing moves b to new memory
 * and frees the old, which the source still shows; the old memory is now freed only after the write
 * (HakmemDirectByteBuf.holdingOldMemory). A huge buffer's old mapping is unmapped at once when it is
 * not kept (keptHugeBytes 0 here; by default, past 64 MiB), so copying from the view afterwards
 * crashed the JVM (SIGSEGV; Pooled does the same above its 4 MiB chunks). The same through a plain
 * duplicate(), which grows its buffer: until session 20 that was Netty's own duplicate, whose growth
 * bypassed holdingOldMemory and crashed for every source over a fixed view (all but a slice, which
 * follows the buffer). Each source's copies run in a child JVM, so that a crash fails this test
 * instead of killing the run.
 *
 * <p>The huge buffer is 2 MiB, a whole number of pages, so that the write cannot take the rest of its
 * mapping in place and must move (a 2,000,000-byte one, as this test had before, grew in place).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WriteFromOwnViewTest {
    private static final int HUGE = 2 << 20;
    /** Fills its 5 KiB slot: the write moves to another class. */
    private static final int SLOT = 5 << 10;

    /**
     * The child: with "own", a buffer and a retained duplicate, each written from a view of its own
     * memory that makes it grow; with "plain", a plain duplicate, written from a view of its buffer.
     */
    public static void main(String[] args) throws IOException {
        String source = args[0];
        boolean plain = args[1].equals("plain");
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().keptHugeBytes(0).build();
        for (int capacity : new int[] {HUGE, SLOT}) {
            if (plain) {
                ByteBuf b = filled(alloc.directBuffer(capacity, 8 << 20));
                ByteBuf dup = b.duplicate();
                expectCopied(write(dup, b, source), capacity, 10);
                b.release();
                continue;
            }
            ByteBuf b = filled(alloc.directBuffer(capacity, 8 << 20));
            expectCopied(write(b, b, source), capacity, 10);
            ByteBuf parent = filled(alloc.directBuffer(capacity, 8 << 20));
            ByteBuf dup = parent.retainedDuplicate();
            expectCopied(write(dup, parent, source), capacity, 10);
            dup.release();
            parent.release();
            b.release();
        }
        System.out.println("COPIED");
    }

    /** Writes bytes 10..110 of viewed to b through the named kind of source over viewed's memory. */
    private static ByteBuf write(ByteBuf b, ByteBuf viewed, String source) throws IOException {
        ByteBuffer view = viewed.nioBuffer(10, 100);
        switch (source) {
            case "ByteBuffer" -> b.writeBytes(view);
            case "ByteBuf" -> b.writeBytes(Unpooled.wrappedBuffer(view));
            case "CompositeByteBuf" -> b.writeBytes(Unpooled.wrappedBuffer(view.slice(0, 50), view.slice(50, 50)));
            case "InputStream" -> b.writeBytes(streamOver(view), 100);
            case "ScatteringByteChannel" -> b.writeBytes(channelOver(view), 100);
            case "slice" -> b.writeBytes(viewed.slice(10, 100));
            default -> throw new IllegalArgumentException("source " + source);
        }
        return b;
    }

    private static InputStream streamOver(ByteBuffer view) {
        return new InputStream() {
            @Override
            public int read() {
                return view.hasRemaining() ? view.get() & 0xff : -1;
            }

            @Override
            public int read(byte[] into, int off, int len) {
                int n = Math.min(len, view.remaining());
                view.get(into, off, n);
                return n == 0 && len > 0 ? -1 : n;
            }
        };
    }

    private static ScatteringByteChannel channelOver(ByteBuffer view) {
        return new ScatteringByteChannel() {
            @Override
            public int read(ByteBuffer dst) {
                int n = Math.min(dst.remaining(), view.remaining());
                dst.put(view.slice(view.position(), n));
                view.position(view.position() + n);
                return n;
            }

            @Override
            public long read(ByteBuffer[] dsts, int offset, int length) {
                long n = 0;
                for (int i = offset; i < offset + length; i++) {
                    n += read(dsts[i]);
                }
                return n;
            }

            @Override
            public long read(ByteBuffer[] dsts) {
                return read(dsts, 0, dsts.length);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    private static ByteBuf filled(ByteBuf b) {
        while (b.isWritable()) {
            b.writeByte(b.writerIndex() * 31 + 7);
        }
        return b;
    }

    private static void expectCopied(ByteBuf b, int at, int from) {
        byte[] expected = ByteBufUtil.getBytes(b, from, 100);
        byte[] got = ByteBufUtil.getBytes(b, at, 100);
        if (b.writerIndex() != at + 100 || !Arrays.equals(expected, got)) {
            throw new AssertionError("bytes " + at + ".. of " + b + " are not the bytes " + from + "..");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ByteBuffer", "ByteBuf", "CompositeByteBuf", "InputStream", "ScatteringByteChannel", "slice"})
    void aBufferGrowsWhileWrittenFromAViewOfItself(String source) throws Exception {
        expectCopiedInAChild(source, "own");
    }

    /**
     * A plain duplicate() grows its buffer (its capacity follows the buffer's), from a view of the
     * buffer's memory. Netty's own duplicate, which plain duplicate() gave before session 20, grew the
     * buffer from Netty's code, around holdingOldMemory, and crashed the JVM on the huge buffer.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ByteBuffer", "ByteBuf", "CompositeByteBuf", "InputStream", "ScatteringByteChannel", "slice"})
    void aPlainDuplicateGrowsItsBufferWhileWrittenFromAViewOfIt(String source) throws Exception {
        expectCopiedInAChild(source, "plain");
    }

    private static void expectCopiedInAChild(String source, String writer) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String crashLog = Path.of(System.getProperty("java.io.tmpdir"), "hakmem-hs_err_%p.log").toString();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:ErrorFile=" + crashLog,
                "-cp", System.getProperty("java.class.path"), WriteFromOwnViewTest.class.getName(), source, writer))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("COPIED");
    }
}
