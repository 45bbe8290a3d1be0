package org.hakmem.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Hakmem.isAvailable(), unavailabilityCause() and ensureAvailability(), and
 * HakmemBootstraps.useIfAvailable: true here; false in a child JVM where JNA cannot load its native
 * library (as NativeBindFailureTest simulates it: -Djna.nounpack, -Djna.noclasspath) or that says it
 * is not Linux (-Dos.name); and asking never initialises HakmemByteBufAllocator. That is observed
 * with the JVM's documented class-initialisation log (-Xlog:class+init=info prints "Initializing
 * 'org/hakmem/netty/HakmemByteBufAllocator'" when its initialiser starts): it must come after the
 * child has asked. Where JNA cannot load, the first use after asking must also throw the bind error
 * itself, not NoClassDefFoundError (which would mean an earlier initialisation had already failed).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AvailabilityTest {
    private static final String INITIALISED = "Initializing 'org/hakmem/netty/HakmemByteBufAllocator'";
    private static final List<String> JNA_CANNOT_LOAD = List.of("-Djna.nounpack=true", "-Djna.noclasspath=true",
            "-Djna.tmpdir=/nonexistent-hakmem-test");

    /**
     * The child: asks, prints "ASKED"; sets up bootstraps that had Netty's unpooled allocator with
     * useIfAvailable (twice each, to see the log line once), prints "HELPED"; then uses the allocator
     * class for the first time. Prints every answer and every error.
     */
    public static void main(String[] args) {
        Throwable cause = Hakmem.unavailabilityCause();
        System.out.println("AVAILABLE " + Hakmem.isAvailable() + " CAUSE " + cause);
        try {
            Hakmem.ensureAvailability();
            System.out.println("ENSURED");
        } catch (Throwable e) {
            System.out.println("ENSURE THREW " + e + " WITH THE CAUSE " + (e.getCause() == cause));
        }
        System.out.println("ASKED");
        try {
            ServerBootstrap server = new ServerBootstrap().option(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT)
                    .childOption(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT);
            Bootstrap client = new Bootstrap().option(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT);
            boolean set = HakmemBootstraps.useIfAvailable(server) | HakmemBootstraps.useIfAvailable(server)
                    | HakmemBootstraps.useIfAvailable(client) | HakmemBootstraps.useIfAvailable(client);
            System.out.println("HELPER SET " + set + " SERVER " + name(server.config().options().get(ChannelOption.ALLOCATOR))
                    + " CHILD " + name(server.config().childOptions().get(ChannelOption.ALLOCATOR))
                    + " CLIENT " + name(client.config().options().get(ChannelOption.ALLOCATOR)));
        } catch (Throwable e) {
            System.out.println("HELPER THREW " + e + " CAUSED BY " + e.getCause());
        }
        System.out.println("HELPED");
        try {
            HakmemByteBufAllocator.DEFAULT.directBuffer(1).release();
            System.out.println("FIRST USE ALLOCATED");
        } catch (Throwable e) {
            System.out.println("FIRST USE THREW " + e + " CAUSED BY " + e.getCause());
        }
    }

    private static String name(Object allocator) {
        return allocator == null ? "none" : allocator.getClass().getSimpleName();
    }

    /** The child's output, without the class-initialisation log of every class but the allocator. */
    private static String child(List<String> flags) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Xlog:class+init=info:stdout"));
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AvailabilityTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().filter(l -> !l.contains("[class,init]") || l.contains(INITIALISED))
                .reduce("", (a, b) -> a + b + "\n");
    }

    /** HakmemByteBufAllocator is first initialised between the child's lines `from` and `to`. */
    private static void assertFirstInitialisedBetween(String out, String from, String to) {
        assertThat(out).contains(from).contains(to).contains(INITIALISED);
        assertThat(out.indexOf(INITIALISED)).as("where it is initialised in\n" + out)
                .isGreaterThan(out.indexOf(from)).isLessThan(out.indexOf(to));
    }

    @Test
    void availableHere() {
        assertThat(Hakmem.isAvailable()).isTrue();
        assertThat(Hakmem.unavailabilityCause()).isNull();
        assertThatCode(Hakmem::ensureAvailability).doesNotThrowAnyException();
    }

    @Test
    void whereAvailableTheHelperSetsTheAllocatorAndAskingDoesNotInitialiseIt() throws Exception {
        String out = child(List.of());
        assertThat(out).contains("AVAILABLE true CAUSE null").contains("ENSURED")
                .contains("HELPER SET true SERVER HakmemByteBufAllocator CHILD HakmemByteBufAllocator"
                        + " CLIENT HakmemByteBufAllocator")
                .contains("FIRST USE ALLOCATED").doesNotContain("not available");
        // useIfAvailable is the first use here: it builds DEFAULT.
        assertFirstInitialisedBetween(out, "ASKED", "HELPED");
    }

    @Test
    void whereJnaCannotLoadItIsUnavailableWithTheLoadErrorAndBootstrapsKeepTheirAllocator() throws Exception {
        String out = child(JNA_CANNOT_LOAD);
        String bindError = "java.lang.UnsatisfiedLinkError: netty-hakmem could not bind libc through JNA";
        assertThat(out)
                .contains("AVAILABLE false CAUSE " + bindError)
                .contains("ENSURE THREW java.lang.UnsatisfiedLinkError: netty-hakmem is not available here: it needs"
                        + " 64-bit Linux with JNA's native library loaded (" + bindError)
                .contains("HakmemBootstraps.useIfAvailable leaves a bootstrap's allocator as it is) WITH THE CAUSE true")
                .contains("HELPER SET false SERVER UnpooledByteBufAllocator CHILD UnpooledByteBufAllocator"
                        + " CLIENT UnpooledByteBufAllocator")
                // the first use is the first initialisation: the bind error, not NoClassDefFoundError
                .contains("FIRST USE THREW " + bindError);
        assertThat(out.split("HakmemBootstraps.useIfAvailable leaves bootstraps with the allocator they have",
                -1)).as("logged once: " + out).hasSize(2);
        assertFirstInitialisedBetween(out, "HELPED", "FIRST USE THREW");
    }

    @Test
    void onAnotherOsItIsUnavailableNamingIt() throws Exception {
        String out = child(List.of("-Dos.name=Mac OS X"));
        String refusal = "java.lang.UnsupportedOperationException: netty-hakmem needs 64-bit Linux; this is Mac OS X";
        assertThat(out).contains("AVAILABLE false CAUSE " + refusal)
                .contains("WITH THE CAUSE true")
                .contains("HELPER SET false SERVER UnpooledByteBufAllocator")
                .contains("FIRST USE THREW java.lang.ExceptionInInitializerError CAUSED BY " + refusal);
        assertFirstInitialisedBetween(out, "HELPED", "FIRST USE THREW");
    }

    /**
     * An invalid setting is a configuration error, not an unavailable platform: the platform is
     * available, and the helper fails loudly as use() does, naming the setting.
     */
    @Test
    void anInvalidSettingIsNoReasonToFallBack() throws Exception {
        String out = child(List.of("-Dhakmem.ss.memLean=yes"));
        assertThat(out).contains("AVAILABLE true CAUSE null").contains("ENSURED")
                .contains("HELPER THREW java.lang.ExceptionInInitializerError CAUSED BY"
                        + " java.lang.IllegalArgumentException")
                .contains("hakmem.ss.memLean='yes'")
                .contains("FIRST USE THREW java.lang.NoClassDefFoundError");
        assertFirstInitialisedBetween(out, "ASKED", "HELPED");
    }

    @Test
    void theHelperRefusesNull() {
        assertThatCode(() -> HakmemBootstraps.useIfAvailable((ServerBootstrap) null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("bootstrap: null");
        assertThatCode(() -> HakmemBootstraps.useIfAvailable((Bootstrap) null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("bootstrap: null");
    }
}
