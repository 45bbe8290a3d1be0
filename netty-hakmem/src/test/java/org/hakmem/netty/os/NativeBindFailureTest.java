package org.hakmem.netty.os;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When JNA cannot load its native library (in production usually a temporary directory mounted
 * noexec), the first use of the allocator fails with an UnsatisfiedLinkError that says what to do,
 * with JNA's own error as its cause. The child JVM forbids JNA to unpack its library or to find it on
 * the class path (-Djna.nounpack, -Djna.noclasspath), which fails the same way.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NativeBindFailureTest {

    /** The child: the first direct allocation of the default allocator. */
    public static void main(String[] args) {
        org.hakmem.netty.HakmemByteBufAllocator.DEFAULT.directBuffer(100).release();
        System.out.println("ALLOCATED");
    }

    @Test
    void aJnaThatCannotLoadFailsWithWhatToDo() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Djna.nounpack=true", "-Djna.noclasspath=true", "-Djna.tmpdir=/nonexistent-hakmem-test",
                "-cp", System.getProperty("java.class.path"), NativeBindFailureTest.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isNotZero();
        assertThat(out).doesNotContain("ALLOCATED")
                .contains("java.lang.UnsatisfiedLinkError: netty-hakmem could not bind libc through JNA")
                .contains("jna.tmpdir (now /nonexistent-hakmem-test)")
                .contains("noexec")
                .contains("Caused by: java.lang.UnsatisfiedLinkError: Unable to locate JNA native support library");
    }
}
