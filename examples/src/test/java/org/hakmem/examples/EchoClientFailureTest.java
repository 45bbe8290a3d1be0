package org.hakmem.examples;

import io.netty.buffer.UnpooledByteBufAllocator;
import org.hakmem.netty.HakmemByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * EchoClient.echo when its allocator refuses the buffers of a request (a message larger than the
 * allocator's cap): the request fails with that refusal as its cause, and the client holds no buffer.
 * The refusal used to be thrown inside the event-loop task and only logged there; the request never
 * completed, and echo() waited out its timeout and reported "no complete echo ... within" instead.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoClientFailureTest {

    /**
     * A timeout that is not positive is refused by name. Duration.ZERO asked Netty for no connect
     * timeout and checked the connect once (done at once on loopback; elsewhere "timed out after
     * PT0S"), a negative one made Netty log a WARN for the option it refused, and an echo with
     * Duration.ZERO closed the connection as out of step.
     */
    @Test
    void aTimeoutThatIsNotPositiveIsRefusedByName() throws Exception {
        try (EchoServer server = new EchoServer(UnpooledByteBufAllocator.DEFAULT, 0)) {
            int port = server.start();
            for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1)}) {
                assertThatThrownBy(() -> EchoClient.connect(UnpooledByteBufAllocator.DEFAULT, "127.0.0.1", port, bad))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("timeout '" + bad + "': expected a positive duration");
            }
            try (EchoClient client = EchoClient.connect(UnpooledByteBufAllocator.DEFAULT, "127.0.0.1", port,
                    Duration.ofSeconds(20))) {
                assertThatThrownBy(() -> client.echo(new byte[1], Duration.ZERO))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("timeout 'PT0S': expected a positive duration");
                assertThat(client.isActive()).isTrue();
            }
        }
    }

    @Test
    void aRequestTheAllocatorRefusesFailsWithTheRefusal() throws Exception {
        HakmemByteBufAllocator capped = HakmemByteBufAllocator.builder().maxMappedBytes(2L << 20).build();
        Duration timeout = Duration.ofSeconds(20);
        try (EchoServer server = new EchoServer(UnpooledByteBufAllocator.DEFAULT, 0)) {
            int port = server.start();
            try (EchoClient client = EchoClient.connect(capped, "127.0.0.1", port, timeout)) {
                assertThatThrownBy(() -> client.echo(new byte[4 << 20], timeout))
                        .isInstanceOf(IOException.class)
                        .hasMessageStartingWith("echo of 4194304 bytes failed: ")
                        .hasCauseInstanceOf(OutOfMemoryError.class);
                assertThat(capped.metric().usedDirectMemory()).isZero();
            }
        }
    }
}
