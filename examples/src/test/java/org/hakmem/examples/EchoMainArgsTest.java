package org.hakmem.examples;

import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * EchoServer's and EchoClient's mains refuse a bad command line with the problem and their usage,
 * exit 2, before they bind or connect: a port that is no number or out of range (they died with a
 * NumberFormatException or IllegalArgumentException stack trace, exit 1), and arguments beyond the
 * two they read (which they ignored: the server ran on). -h and --help print the usage.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoMainArgsTest {

    @Test
    void theServerRefusesABadPortOrExtraArguments() throws Exception {
        assertUsageError(MainRun.of(EchoServer.class, "80o7"), "error: port '80o7': expected an integer from 0 to 65535",
                "usage: EchoServer");
        assertUsageError(MainRun.of(EchoServer.class, "70000"), "error: port '70000': expected an integer from 0 to 65535");
        assertUsageError(MainRun.of(EchoServer.class, "0", "127.0.0.1", "extra"),
                "error: expected at most 2 arguments, got 3: 0 127.0.0.1 extra");
    }

    @Test
    void theClientRefusesABadPortOrExtraArguments() throws Exception {
        assertUsageError(MainRun.of(EchoClient.class, "127.0.0.1", "x"), "error: port 'x': expected an integer from 1 to 65535",
                "usage: EchoClient");
        assertUsageError(MainRun.of(EchoClient.class, "127.0.0.1", "0"), "error: port '0': expected an integer from 1 to 65535");
        assertUsageError(MainRun.of(EchoClient.class, "127.0.0.1", "1", "extra"),
                "error: expected at most 2 arguments, got 3");
    }

    /**
     * The server's arguments are [port [host]], the client's [host [port]]: "EchoClient 9000", after
     * "EchoServer 9000", took 9000 for the host (the address 0.0.35.40) and port 8007, and failed
     * after its connect or echo timeout with a message about neither. A host that is a bare number is
     * refused with the usage.
     */
    @Test
    void theClientRefusesAPortGivenAsTheHost() throws Exception {
        assertUsageError(MainRun.of(EchoClient.class, "9000"),
                "error: host '9000': expected a host name or address (the port comes second)", "usage: EchoClient");
    }

    @Test
    void theServerConstructorNamesABadPortAndTheRange() {
        // it said only "port: 70000"
        assertThatThrownBy(() -> new EchoServer(UnpooledByteBufAllocator.DEFAULT, 70000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port '70000': expected an integer from 0 to 65535");
    }

    @Test
    void helpPrintsTheUsage() throws Exception {
        for (Class<?> main : new Class<?>[] {EchoServer.class, EchoClient.class}) {
            MainRun run = MainRun.of(main, "--help");
            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(run.output()).contains("usage: " + main.getSimpleName());
        }
    }

    private static void assertUsageError(MainRun run, String... parts) {
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        for (String part : parts) {
            assertThat(run.output()).contains(part);
        }
    }
}
