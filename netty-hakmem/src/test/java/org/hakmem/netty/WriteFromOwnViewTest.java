package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * b.writeBytes(b.nioBuffer(...)) where the write makes b grow: growing moves b to new memory and frees
 * the old, which the source view still shows. A huge buffer's old mapping is unmapped at once, so
 * copying from the view afterwards crashed the JVM (SIGSEGV; Pooled does the same above its 4 MiB
 * chunks). The copy runs in a child JVM, so that a crash fails this test instead of killing the run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WriteFromOwnViewTest {
    private static final int HUGE = 2_000_000;

    /** The child: a buffer and a retained duplicate, each written with a view of its own memory that makes it grow. */
    public static void main(String[] args) {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        for (int capacity : new int[] {HUGE, 5000}) {
            ByteBuf b = filled(alloc.directBuffer(capacity, 8 << 20));
            expectCopied(b.writeBytes(b.nioBuffer(10, 100)), capacity, 10);
            ByteBuf parent = filled(alloc.directBuffer(capacity, 8 << 20));
            ByteBuf dup = parent.retainedDuplicate();
            expectCopied(dup.writeBytes(parent.nioBuffer(10, 100)), capacity, 10);
            dup.release();
            parent.release();
            b.release();
        }
        System.out.println("COPIED");
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

    @Test
    void aBufferGrowsWhileWrittenFromAViewOfItself() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String crashLog = Path.of(System.getProperty("java.io.tmpdir"), "hakmem-hs_err_%p.log").toString();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:ErrorFile=" + crashLog,
                "-cp", System.getProperty("java.class.path"), WriteFromOwnViewTest.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("COPIED");
    }
}
