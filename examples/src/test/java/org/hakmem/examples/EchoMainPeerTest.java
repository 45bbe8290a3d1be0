package org.hakmem.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * EchoServer's and EchoClient's mains where the network says no: a port another process listens on,
 * and no server at the port. Each prints one line that names the address and the reason, and exits 1.
 * The server used to print the BindException's stack trace and then hang with its event loops running
 * (killed after MainRun's 30 s); the client printed a stack trace.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoMainPeerTest {

    @Test
    void theServerOnATakenPortSaysSoAndExits() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            MainRun run = MainRun.of(EchoServer.class, String.valueOf(port));
            assertThat(run.exit()).as(run.toString()).isEqualTo(1);
            assertThat(run.output()).contains("error: cannot listen on 127.0.0.1:" + port + ": ")
                    .containsIgnoringCase("address already in use").doesNotContain("\tat ");
        }
    }

    /** A host that does not resolve: the line said only "UnresolvedAddressException". */
    @Test
    void theServerOnAnUnknownHostSaysSoAndExits() throws Exception {
        MainRun run = MainRun.of(EchoServer.class, "0", "no-such-host.invalid");
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.output()).contains("error: cannot listen on no-such-host.invalid:0: unknown host")
                .doesNotContain("\tat ");
    }

    @Test
    void theClientWithNoServerSaysSoAndExits() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // closed again: nothing listens there now
        }
        MainRun run = MainRun.of(EchoClient.class, "127.0.0.1", String.valueOf(port));
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.output()).contains("error: connect to 127.0.0.1:" + port + " failed: ")
                .containsIgnoringCase("connection refused").doesNotContain("\tat ");
    }
}
