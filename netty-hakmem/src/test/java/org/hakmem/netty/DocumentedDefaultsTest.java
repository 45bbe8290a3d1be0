package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;
import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.OsStats;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Claims of README and DESIGN that no other test checked. */
class DocumentedDefaultsTest {
    private static final long MIB = 1 << 20;

    /**
     * The child: prints the cap of an allocator built with no cap set anywhere; with "direct", what
     * buffer() and ioBuffer() of DEFAULT return and whether Netty can free direct buffers reliably.
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("direct")) {
            HakmemByteBufAllocator alloc = HakmemByteBufAllocator.DEFAULT;
            ByteBuf buffer = alloc.buffer();
            ByteBuf io = alloc.ioBuffer();
            ByteBuf composite = alloc.compositeBuffer().addComponent(true, alloc.buffer(8).writeLong(1));
            ByteBuf heap = HakmemByteBufAllocator.builder().preferDirect(false).build().buffer();
            System.out.println("DIRECT preferDirect=" + alloc.config().preferDirect() + " buffer=" + buffer.isDirect()
                    + " composite=" + composite.isDirect() + " ioBuffer=" + io.isDirect()
                    + " heapWhenNotPreferred=" + !heap.isDirect()
                    + " canFree=" + PlatformDependent.canReliabilyFreeDirectBuffers());
            buffer.release();
            io.release();
            composite.release();
            heap.release();
            return;
        }
        System.out.println("CAP " + HakmemByteBufAllocator.builder().build().config().maxMappedBytes());
    }

    private static long defaultCapIn(String... jvmFlags) throws IOException, InterruptedException {
        return Long.parseLong(childLine("CAP ", List.of(jvmFlags)));
    }

    private static String childLine(String prefix, List<String> jvmFlags, String... args)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DocumentedDefaultsTest.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("HAKMEM_MAX_MAPPED_MB");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child exits");
        assertEquals(0, p.exitValue(), out);
        String line = out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(out));
        return line.substring(prefix.length()).trim();
    }

    /**
     * README, "Configuration": preferDirect decides what buffer() and compositeBuffer() return, also
     * where Netty cannot free JDK direct buffers reliably (JDK 17 with -Dio.netty.noUnsafe=true) and
     * would turn it off in AbstractByteBufAllocator: netty-hakmem's direct buffers are unmapped by the
     * allocator, not freed by a cleaner. ioBuffer() returns direct buffers either way.
     */
    @Test
    void withoutUnsafeBufferStillHonoursPreferDirect() throws Exception {
        String line = childLine("DIRECT ", List.of("-Dio.netty.noUnsafe=true"), "direct");
        boolean canFree = line.endsWith("canFree=true");
        assertEquals("preferDirect=true buffer=true composite=true ioBuffer=true heapWhenNotPreferred=true canFree="
                + canFree, line);
        if (Runtime.version().feature() == 17) {
            assertFalse(canFree, "JDK 17 without Unsafe, the README's example");
        }
    }

    /**
     * README, "Configuration": the default cap is "Netty's direct-memory limit
     * (-Dio.netty.maxDirectMemory in bytes if set above 0, else -XX:MaxDirectMemorySize, else the max
     * heap), at least 64 MiB".
     */
    @Test
    void theDefaultCapIsNettysDirectMemoryLimitAndAtLeast64MiB() throws Exception {
        assertEquals(128 * MIB, defaultCapIn("-Dio.netty.maxDirectMemory=" + 128 * MIB, "-XX:MaxDirectMemorySize=300m",
                "-Xmx96m"), "Netty's own property first");
        assertEquals(300 * MIB, defaultCapIn("-Dio.netty.maxDirectMemory=0", "-XX:MaxDirectMemorySize=300m",
                "-Xmx128m"), "0: not set");
        assertEquals(300 * MIB, defaultCapIn("-XX:MaxDirectMemorySize=300m", "-Xmx128m"));
        assertEquals(64 * MIB, defaultCapIn("-XX:MaxDirectMemorySize=16m", "-Xmx128m"), "the floor");
        assertEquals(96 * MIB, defaultCapIn("-XX:+UseG1GC", "-Xmx96m", "-Xms96m"), "without MaxDirectMemorySize, the max heap");
    }

    /**
     * README, "Configuration": the table's builder methods exist with those parameter types, and its
     * system properties and environment variables are exactly the ones the builder reads (SettingNames,
     * which also refuses names that look like them: a name the README taught but the code did not know
     * would be refused at start-up).
     */
    @Test
    void theConfigurationTableNamesWhatTheCodeReads() throws Exception {
        List<String> rows = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8).lines()
                .dropWhile(l -> !l.startsWith("| setting | builder | system property | environment | default |"))
                .skip(2).takeWhile(l -> l.startsWith("| ")).collect(Collectors.toList());
        List<SettingNames.Names> documented = new ArrayList<>();
        for (String row : rows) {
            String[] cells = row.split(" \\| ");
            String builder = cells[1].replace("`", "");
            String method = builder.substring(0, builder.indexOf('('));
            String type = builder.substring(builder.indexOf('(') + 1, builder.indexOf(')'));
            assertThat(Arrays.stream(HakmemConfig.Builder.class.getMethods()).filter(m -> m.getName().equals(method)
                    && m.getParameterCount() == 1 && m.getParameterTypes()[0].getSimpleName().equals(type)))
                    .as(row).hasSize(1);
            documented.add(new SettingNames.Names(cells[2].replace("`", ""), cells[3].replace("`", "")));
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(SettingNames.ALL);
    }

    /**
     * README: "trim() gives back everything that is free now, in either profile, with the configured
     * mode (FREE by default, in FAST too; with OFF it only unmaps wholly free superslabs)";
     * HakmemConfig: "The decommit mode is also the one trim() uses, in either profile."
     */
    @Test
    void trimInFastUsesTheConfiguredDecommitMode() {
        HakmemByteBufAllocator byDefault = HakmemByteBufAllocator.builder().profile(Profile.FAST)
                .leanDecommit(DecommitMode.FREE).build();
        ByteBuf kept = byDefault.directBuffer(100); // keeps its superslab; the other 31 prewarmed slabs are free
        assertThat(byDefault.trim()).isEqualTo(31 * 64 * 1024L);
        OsStats s = byDefault.metric().osStats();
        assertThat(s.madviseCalls()).as("the free slabs were decommitted").isPositive();
        assertEquals(31 * 64 * 1024L, s.leanDecommitBytes());
        kept.release();
        byDefault.trim();
        assertEquals(0, byDefault.metric().mappedBytes());

        HakmemByteBufAllocator off = HakmemByteBufAllocator.builder().profile(Profile.FAST)
                .leanDecommit(DecommitMode.OFF).build();
        ByteBuf held = off.directBuffer(100);
        assertEquals(0, off.trim(), "OFF: free slabs of a superslab in use stay as they are");
        assertEquals(0, off.metric().osStats().madviseCalls());
        assertEquals(2 * MIB, off.metric().residentBytes(), "still prewarmed, all of it");
        held.release();
        assertEquals(2 * MIB, off.trim(), "a wholly free superslab is unmapped even with OFF");
        assertEquals(1, off.metric().osStats().leanRetires());
        assertEquals(0, off.metric().osStats().madviseCalls());
        assertEquals(0, off.metric().mappedBytes());
    }

    /**
     * README: "Past the cap, allocation throws an OutOfMemoryError that names the cap and the bytes
     * mapped now"; DESIGN, "The cap": it "names the cap, the settings that change it, and the current
     * use". README, metrics: committedBytes() is spanBytes() plus freeCommittedBytes() plus huge buffers.
     */
    @Test
    void theRefusalNamesTheSettingsThatChangeTheCapAndHugeBuffersAreCommitted() {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().maxMappedBytes(4 * MIB).build();
        ByteBuf huge = alloc.directBuffer(3 * (int) MIB);
        HakmemAllocatorMetric m = alloc.metric();
        assertEquals(3 * MIB, m.committedBytes(), "a huge buffer counts as committed");
        assertEquals(m.spanBytes() + m.freeCommittedBytes() + 3 * MIB, m.committedBytes());
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> alloc.directBuffer(2 * (int) MIB));
        assertThat(e.getMessage()).contains("the cap is 4194304 bytes").contains("maxMappedBytes")
                .contains("-Dhakmem.maxMappedMB").contains("HAKMEM_MAX_MAPPED_MB")
                .contains("3145728 bytes are mapped now");
        huge.release();
        assertEquals(0, m.committedBytes());
        alloc.directBuffer(2 * (int) MIB).release();
    }
}
