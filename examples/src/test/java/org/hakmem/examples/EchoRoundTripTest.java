package org.hakmem.examples;

import org.hakmem.netty.HakmemByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hakmem.examples.RoundTrips.assertSameBytes;
import static org.hakmem.examples.RoundTrips.awaitReleased;
import static org.hakmem.examples.RoundTrips.pattern;

/**
 * Echoes messages of many sizes through EchoServer and EchoClient, both on one fresh hakmem allocator,
 * checks every byte, then checks that every direct buffer was released and that Netty's leak detector
 * (at PARANOID) reported nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoRoundTripTest {

    private static final String HOST = "127.0.0.1";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int[] FIXED_SIZES = {
            1, 2, 15, 16, 17, 100, 1023, 1024, 1025, 4096, 65535, 65536, 65537, 262144
    };

    private LeakReports leaks;

    @BeforeEach
    void captureLeakReports() {
        leaks = new LeakReports();
    }

    @AfterEach
    void restore() {
        leaks.close();
    }

    @Test
    void echoesEverySizeByteForByteAndReleasesEverything() throws Exception {
        assertThat(leaks.loggerName()).isEqualTo("io.netty.util.ResourceLeakDetector");
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();

        List<Integer> sizes = new ArrayList<>();
        for (int size : FIXED_SIZES) {
            sizes.add(size);
        }
        Random random = new Random(0x5EED);
        for (int i = 0; i < 24; i++) {
            sizes.add(1 + random.nextInt(262144));
        }

        int echoed = 0;
        EchoServer server = new EchoServer(alloc, HOST, 0);
        try {
            int port = server.start();
            assertThat(port).isPositive();
            try (EchoClient client = EchoClient.connect(alloc, HOST, port, TIMEOUT)) {
                for (int m = 0; m < sizes.size(); m++) {
                    byte[] sent = pattern(m, sizes.get(m));
                    byte[] back = client.echo(sent, TIMEOUT);
                    assertSameBytes(m, sent, back);
                    echoed++;
                }
                assertThat(client.isActive()).isTrue();
            }
        } finally {
            server.close();
        }
        assertThat(echoed).isEqualTo(sizes.size());

        // Every buffer (client writes and accumulators, server reads) must have been released.
        long used = awaitReleased(alloc, 5_000);
        assertThat(used).as("direct bytes still held after close: %s", alloc.metric()).isZero();

        assertThat(leaks.afterCollection(alloc)).as("Netty leak reports").isEmpty();
        assertThat(awaitReleased(alloc, 5_000)).isZero();
    }
}
