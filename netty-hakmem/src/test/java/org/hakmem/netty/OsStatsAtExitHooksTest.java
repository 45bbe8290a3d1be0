package org.hakmem.netty;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Allocators built in a loop with the exit report on (HAKMEM_SS_OS_STATS=1 in a test run's
 * environment does that) do not each leave a shutdown hook behind: one hook serves them all.
 */
class OsStatsAtExitHooksTest {
    private static final int ALLOCATORS = 2000;

    /** The child JVM: builds and drops allocators, then prints how many of our hooks the JVM holds. */
    public static void main(String[] args) throws Exception {
        HakmemByteBufAllocator kept = HakmemByteBufAllocator.builder().osStatsAtExit(true).build();
        kept.directBuffer(100).release();
        for (int i = 0; i < ALLOCATORS; i++) {
            HakmemByteBufAllocator.builder().osStatsAtExit(true).build();
        }
        Class<?> hooks = Class.forName("java.lang.ApplicationShutdownHooks");
        Field f = hooks.getDeclaredField("hooks");
        f.setAccessible(true);
        int ours = 0;
        synchronized (hooks) {
            for (Thread t : ((Map<Thread, Thread>) f.get(null)).keySet()) {
                if (t.getName().startsWith("netty-hakmem-os-stats")) {
                    ours++;
                }
            }
        }
        System.out.println("hooks=" + ours);
        System.out.flush();
        kept.directBuffer(100).release(); // reachable until here
    }

    @Test
    void oneShutdownHookServesEveryAllocatorThatAskedForTheReport() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), OsStatsAtExitHooksTest.class.getName());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child exits");
        assertEquals(0, p.exitValue(), out);
        assertThat(out).contains("hooks=1\n");
        assertThat(out).contains("netty-hakmem OS stats [FAST]: mmap=1 ");
    }
}
