package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy between two of netty-hakmem's direct buffers, bare or wrapped by Netty's leak detector
 * (setBytes/getBytes with a ByteBuf peer, and so writeBytes, readBytes and copy), allocates nothing:
 * ByteToMessageDecoder's cumulator makes one for every socket read it merges, on every decoder-based
 * server. Until session 20 each made a DirectByteBuffer view of the destination or source memory
 * (64 B): 3.5 B per frame in FrameDecodeBenchmark. Measured with the thread's allocated bytes in a
 * child JVM without escape analysis, so that C2 cannot hide an allocation the code makes (whether it
 * does depends on inlining, and so on what ran before in the same JVM); with and without Unsafe (JDK
 * 17 and 25 by default).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CopyWithoutGarbageTest {
    private static final int COPIES = 500;
    private static final int LENGTH = 512;

    /** The child: each kind of copy COPIES times, then one line per kind with the bytes allocated. */
    public static void main(String[] args) {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        ByteBuf a = alloc.directBuffer(4096);
        ByteBuf b = alloc.directBuffer(4096);
        for (int i = 0; i < 4096; i++) {
            a.writeByte(i);
        }
        b.writerIndex(4096);
        ByteBuf retained = a.retainedSlice(100, 2048);
        ByteBuf plain = a.slice(200, 2048);
        ByteBuf dup = b.duplicate();
        System.out.println("WATCHED " + !(a instanceof HakmemDirectByteBuf && b instanceof HakmemDirectByteBuf));
        Map<String, IntConsumer> copies = new LinkedHashMap<>();
        copies.put("setBytes(buffer)", i -> b.setBytes(i, a, i + 1, LENGTH));
        copies.put("getBytes(buffer)", i -> a.getBytes(i, b, i + 1, LENGTH));
        copies.put("setBytes(retained slice)", i -> b.setBytes(i, retained, i, LENGTH));
        copies.put("retained slice getBytes", i -> retained.getBytes(i, b, 0, LENGTH));
        copies.put("setBytes(plain slice)", i -> b.setBytes(0, plain, i, LENGTH));
        copies.put("duplicate setBytes", i -> dup.setBytes(i, a, 0, LENGTH));
        copies.put("overlapping, same buffer", i -> a.setBytes(i + 3, a, i, LENGTH));
        copies.put("writeBytes (cumulator)", i -> b.writerIndex(i).writeBytes(a, i, LENGTH));
        copies.put("readBytes", i -> a.readerIndex(i).readBytes(b, i, LENGTH));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (IntConsumer copy : copies.values()) { // first calls load classes and resolve call sites
            for (int i = 0; i < 20; i++) {
                copy.accept(i);
            }
        }
        // The least of three runs: something else on this thread may allocate once (seen once in a
        // surefire child, 1 KiB in one run), a copy that makes a view allocates in every run.
        for (Map.Entry<String, IntConsumer> copy : copies.entrySet()) {
            long allocated = Long.MAX_VALUE;
            for (int run = 0; run < 3; run++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < COPIES; i++) {
                    copy.getValue().accept(i);
                }
                allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
            }
            System.out.println("ALLOCATED " + allocated + " " + copy.getKey());
        }
        retained.release();
        a.release();
        b.release();
    }

    /**
     * Once with the leak detector off (our buffers bare) and once at SIMPLE with every buffer watched,
     * where each of the child's buffers is a leak-aware wrapper of ours. At SIMPLE's default sampling
     * (1 in 128) a run is one or the other for each buffer, by chance: CI once caught a run where the
     * source alone was watched, when a wrapper of ours still got a view (64 bytes per copy).
     */
    @ParameterizedTest(name = "leak detection {0}")
    @CsvSource({"disabled, 128", "simple, 1"})
    void aCopyBetweenTwoOfOurBuffersAllocatesNothing(String level, int samplingInterval) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:-DoEscapeAnalysis",
                "-Dio.netty.leakDetection.level=" + level,
                "-Dio.netty.leakDetection.samplingInterval=" + samplingInterval,
                "-cp", System.getProperty("java.class.path"), CopyWithoutGarbageTest.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        boolean watched = samplingInterval == 1;
        assertThat(out).as("the leak detector wraps both buffers, or neither").contains("WATCHED " + watched);
        List<String> lines = out.lines().filter(l -> l.startsWith("ALLOCATED ")).toList();
        assertThat(lines).as(out).hasSize(9);
        // A copy that made a view would show COPIES * 64 bytes; allow a few bytes of noise, not one per copy.
        assertThat(lines).as("bytes allocated by %d copies of each kind", COPIES)
                .allSatisfy(l -> assertThat(Long.parseLong(l.split(" ")[1])).as(l).isLessThan(COPIES));
    }
}
