/*
 * FootprintFlagsTest: the footprint children run Netty's allocators as the comparison tool's
 * children do. A child JVM started with Footprint.CHILD_FLAGS reports whether Adaptive took its
 * low-memory mode (one stripe, no thread-local magazines), which Netty picks on a heap <= 512 MiB
 * unless -Dio.netty.allocator.lowMemory=false says otherwise.
 */
package org.hakmem.bench;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FootprintFlagsTest {

    /** Child main: prints AdaptivePoolingAllocator's IS_LOW_MEM. */
    public static void main(String[] args) throws Exception {
        Field f = Class.forName("io.netty.buffer.AdaptivePoolingAllocator").getDeclaredField("IS_LOW_MEM");
        f.setAccessible(true);
        System.out.println("IS_LOW_MEM=" + f.getBoolean(null));
    }

    @Test
    void adaptiveIsNotInLowMemoryModeInAFootprintChild() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java"));
        cmd.addAll(Footprint.CHILD_FLAGS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FootprintFlagsTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.append(line).append('\n');
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out.toString());
        assertTrue(out.toString().contains("IS_LOW_MEM=false"), "Footprint child flags " + Footprint.CHILD_FLAGS
                + " gave: " + out);
    }
}
