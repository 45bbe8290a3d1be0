package org.hakmem.examples.bench;

import org.hakmem.examples.MainRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The echo benchmark's child JVMs, started by hand: a bad argument exits 2 before any connection,
 * naming the argument, its value and what is allowed (they used to print one message for all of
 * their numbers, or no allowed values).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoChildArgsTest {

    @Test
    void theLoadClientNamesABadNumber() throws Exception {
        assertUsageError(MainRun.of(EchoLoadClient.class, "127.0.0.1", "9000", "0"),
                "error: connections '0': expected an integer >= 1", "usage: EchoLoadClient");
        assertUsageError(MainRun.of(EchoLoadClient.class, "127.0.0.1", "70000"),
                "error: port '70000': expected an integer from 1 to 65535", "usage: EchoLoadClient");
    }

    @Test
    void theLoadClientRefusesADurationThatWouldOverflowItsWatchdog() throws Exception {
        // warmup + duration + 20 s in int went negative; the client then tried to connect (port 1: exit 1)
        assertUsageError(MainRun.of(EchoLoadClient.class, "127.0.0.1", "1", "1", "1", "1", "0", "2147483647",
                "unpooled", "nio"), "error: duration_s '2147483647': expected an integer from 1 to 604800");
    }

    @Test
    void theLoadClientRefusesAMessageSizeOrInflightItCannotHold() throws Exception {
        // size + 251 pattern bytes overflowed: NegativeArraySizeException from main (exit 1); a ring of
        // 2147483647 send times: OutOfMemoryError in every channel's initializer
        assertUsageError(MainRun.of(EchoLoadClient.class, "127.0.0.1", "1", "1", "2147483647"),
                "error: size '2147483647': expected an integer from 1 to 16777216", "usage: EchoLoadClient");
        assertThatThrownBy(() -> EchoLoadClient.parse("127.0.0.1", "1", "1", "16", "2147483647"))
                .hasMessage("inflight '2147483647': expected an integer from 1 to 65536");
    }

    /**
     * The stall bound: by default the larger of 5 s and 2% of warmup + duration; stall_s sets it, in
     * whole seconds from 1 (a bound under a second would fire on a GC pause of a healthy run).
     */
    @Test
    void theLoadClientsStallBoundHasADefaultAndAnOption() throws Exception {
        assertThat(EchoLoadClient.parse("127.0.0.1", "1").stallS()).isEqualTo(5);
        assertThat(EchoLoadClient.parse("127.0.0.1", "1", "1", "16", "1", "0", "300").stallS()).isEqualTo(6);
        assertThat(EchoLoadClient.parse("127.0.0.1", "1", "1", "16", "1", "300", "300").stallS()).isEqualTo(12);
        assertThat(EchoLoadClient.parse("127.0.0.1", "1", "1", "16", "1", "0", "300", "unpooled", "nio", "2")
                .stallS()).isEqualTo(2);
        assertUsageError(MainRun.of(EchoLoadClient.class, "127.0.0.1", "1", "1", "16", "1", "0", "1", "unpooled",
                "nio", "0"), "error: stall_s '0': expected an integer from 1 to 604800", "usage: EchoLoadClient");
    }

    @Test
    void theServerNamesABadTransportAndPortWithTheAllowedValues() throws Exception {
        assertUsageError(MainRun.of(EchoBenchServer.class, "unpooled", "0", "kqueue"),
                "error: transport 'kqueue': expected one of epoll, nio", "usage: EchoBenchServer");
        assertUsageError(MainRun.of(EchoBenchServer.class, "unpooled", "70000"),
                "error: port '70000': expected an integer from 0 to 65535");
    }

    @Test
    void theServerOnATakenPortSaysSoWithoutAStackTrace() throws Exception {
        // it printed the BindException's stack trace
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            MainRun run = MainRun.of(EchoBenchServer.class, "unpooled", String.valueOf(port), "nio");
            assertThat(run.exit()).as(run.toString()).isEqualTo(1);
            assertThat(run.output()).contains("error: cannot listen on 127.0.0.1:" + port + ": ")
                    .containsIgnoringCase("address already in use").doesNotContain("\tat ");
        }
    }

    private static void assertUsageError(MainRun run, String... parts) {
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        for (String part : parts) {
            assertThat(run.output()).contains(part);
        }
    }
}
