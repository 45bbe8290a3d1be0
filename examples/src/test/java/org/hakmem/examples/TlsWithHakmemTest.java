/*
 * TlsWithHakmemTest: a TLS echo server and client on 127.0.0.1 with Netty's SslHandler on the JDK's
 * provider, both on one fresh hakmem allocator (FAST and LEAN), over NIO and native epoll. Messages of
 * 1 B to 1 MiB go up and come back (around the 16 KiB TLS record and the 1 MiB huge threshold) and are
 * checked byte for byte. After the channels close no direct or heap byte is held and Netty's leak
 * detector, at PARANOID, reported nothing.
 *
 * The certificate is made at test time by the running JDK's keytool: netty-handler's
 * SelfSignedCertificate needs BouncyCastle or JDK-internal classes, which this module has neither of.
 */
package org.hakmem.examples;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import org.hakmem.examples.Loopback.Transport;
import org.hakmem.netty.HakmemByteBufAllocator;
import org.hakmem.netty.Profile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.KeyManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.hakmem.examples.RoundTrips.assertEverythingReleased;
import static org.hakmem.examples.RoundTrips.assertSameBytes;
import static org.hakmem.examples.RoundTrips.bytesOf;
import static org.hakmem.examples.RoundTrips.pattern;

// A separate thread, so that a test stuck in a loop fails at the timeout rather than whenever it returns.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsWithHakmemTest {

    private static final char[] PASSWORD = "hakmem-test".toCharArray();
    private static final String HOST = "127.0.0.1";

    private static SslContext serverContext;
    private static SslContext clientContext;

    /** A key pair and a certificate for 127.0.0.1, made by keytool; the client trusts exactly that certificate. */
    @BeforeAll
    static void makeCertificate(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + HOST, "-ext", "SAN=ip:" + HOST, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(keytool.exitValue()).as("keytool: %s", output).isZero();

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD);
        serverContext = SslContextBuilder.forServer(keyManagers).sslProvider(SslProvider.JDK).build();
        clientContext = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager((X509Certificate) keys.getCertificate("server")).build();
    }

    static Stream<Arguments> cases() {
        return HttpWithHakmemTest.cases();
    }

    /** Collects what arrives, for the test thread to take. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        private final ByteArrayOutputStream got = new ByteArrayOutputStream();
        private Throwable failure;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                synchronized (this) {
                    got.writeBytes(bytesOf(buf));
                    notifyAll();
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public synchronized void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure = cause;
            notifyAll();
            ctx.close();
        }

        /** The next n bytes, once they have all arrived (or what has, after millis). */
        synchronized byte[] take(int n, long millis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            for (long left = millis; got.size() < n && failure == null && left > 0; ) {
                wait(left);
                left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            }
            assertThat(failure).as("client pipeline failure").isNull();
            byte[] all = got.toByteArray();
            got.reset();
            return all;
        }
    }

    /** Echoes what it reads; flushes once per read burst. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void messagesUpTo1MiBComeBackThroughTlsByteForByte(Profile profile, Transport transport) throws Exception {
        assumeThat(transport.available()).as("native epoll loads here").isTrue();
        HakmemByteBufAllocator alloc = RoundTrips.allocator(profile);
        Random random = new Random(0x7157);
        List<Integer> sizes = new ArrayList<>(List.of(1, 100, 16383, 16384, 16385, 65536, 300 << 10,
                (1 << 20) - 1, 1 << 20));
        for (int i = 0; i < 6; i++) {
            sizes.add(1 + random.nextInt(1 << 20));
        }
        Collector collector = new Collector();

        try (LeakReports leaks = new LeakReports()) {
            try (Loopback loopback = Loopback.start(transport, alloc,
                    ch -> ch.pipeline().addLast(serverContext.newHandler(ch.alloc()), new Echo()),
                    ch -> ch.pipeline().addLast(clientContext.newHandler(ch.alloc(), HOST, 443), collector))) {
                Channel client = loopback.client();
                SslHandler tls = client.pipeline().get(SslHandler.class);
                assertThat(tls.handshakeFuture().await(10, TimeUnit.SECONDS)).as("handshake done").isTrue();
                assertThat(tls.handshakeFuture().cause()).as("handshake failure").isNull();
                for (int m = 0; m < sizes.size(); m++) {
                    byte[] sent = pattern(m, sizes.get(m));
                    client.writeAndFlush(client.alloc().directBuffer(sent.length).writeBytes(sent));
                    assertSameBytes(m, sent, collector.take(sent.length, 20_000));
                }
            }
            assertEverythingReleased(alloc, leaks);
        }
    }
}
