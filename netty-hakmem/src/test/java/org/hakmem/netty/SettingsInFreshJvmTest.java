package org.hakmem.netty;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README, "Configuration": "The first of these that sets it wins: the builder method, then the system
 * property, then the environment variable, then the default. An invalid value fails build() (and the
 * first use of DEFAULT) with an IllegalArgumentException that names the variable, the value and what
 * is allowed." AllocatorBehaviourTest checks the precedence through Builder.sources(); these run a
 * fresh JVM with a real system property or environment variable, where the class is initialised too.
 */
class SettingsInFreshJvmTest {

    /** The child: builds an allocator whose builder sets every setting, then allocates from it. */
    public static void main(String[] args) {
        try {
            HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder()
                    .profile(Profile.FAST)
                    .leanTargetMB(10)
                    .leanDecommit(org.hakmem.netty.os.DecommitMode.FREE)
                    .leanDecayMillis(1000)
                    .osStatsAtExit(false)
                    .maxMappedBytes(64L << 20)
                    .preferDirect(true)
                    .build();
            alloc.directBuffer(100).release();
            System.out.println("BUILT " + alloc.config().profile());
        } catch (Throwable e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            System.out.println("THREW " + e.getClass().getName() + " / " + root.getClass().getName() + ": "
                    + root.getMessage());
            System.exit(1);
        }
    }

    private static String runChild(String property, String envName, String envValue)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        if (property != null) {
            cmd.add(property);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SettingsInFreshJvmTest.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (envName != null) {
            pb.environment().put(envName, envValue);
        }
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child exits");
        assertEquals(0, p.exitValue(), "a setting the builder sets is not read: " + out);
        return out;
    }

    @Test
    void aBuilderSettingWinsOverAnInvalidSystemProperty() throws Exception {
        assertThat(runChild("-Dhakmem.ss.memLean=yes", null, null)).contains("BUILT FAST");
    }

    @Test
    void aBuilderSettingWinsOverAnInvalidEnvironmentVariable() throws Exception {
        assertThat(runChild(null, "HAKMEM_MAX_MAPPED_MB", "lots")).contains("BUILT FAST");
    }
}
