package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.OsStats;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Claims of README and DESIGN that no other test checked. */
class DocumentedDefaultsTest {
    private static final long MIB = 1 << 20;

    /** The child: prints the cap of an allocator built with no cap set anywhere. */
    public static void main(String[] args) {
        System.out.println("CAP " + HakmemByteBufAllocator.builder().build().config().maxMappedBytes());
    }

    private static long defaultCapIn(String... jvmFlags) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DocumentedDefaultsTest.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("HAKMEM_MAX_MAPPED_MB");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child exits");
        assertEquals(0, p.exitValue(), out);
        String line = out.lines().filter(l -> l.startsWith("CAP ")).findFirst().orElseThrow(() -> new AssertionError(out));
        return Long.parseLong(line.substring(4).trim());
    }

    /**
     * README, "Configuration": the default cap is "Netty's direct-memory limit (-XX:MaxDirectMemorySize,
     * else the max heap), at least 64 MiB".
     */
    @Test
    void theDefaultCapIsNettysDirectMemoryLimitAndAtLeast64MiB() throws Exception {
        assertEquals(300 * MIB, defaultCapIn("-XX:MaxDirectMemorySize=300m", "-Xmx128m"));
        assertEquals(64 * MIB, defaultCapIn("-XX:MaxDirectMemorySize=16m", "-Xmx128m"), "the floor");
        assertEquals(96 * MIB, defaultCapIn("-XX:+UseG1GC", "-Xmx96m", "-Xms96m"), "without MaxDirectMemorySize, the max heap");
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
