package org.hakmem.examples;

import io.netty.channel.embedded.EmbeddedChannel;
import org.hakmem.netty.HakmemByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peers that reset their connections (SO_LINGER 0) while EchoServer still has echoes to write, or
 * close them without reading: every buffer the server read is released all the same. A peer that
 * resets a connection the server waits to read on costs one line on stderr, not a stack trace.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoResetTest {

    @Test
    void resetConnectionsLeaveNoBufferHeld() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        try (LeakReports leaks = new LeakReports(); StderrCapture err = new StderrCapture()) {
            try (EchoServer server = new EchoServer(alloc, 0)) {
                int port = server.start();
                byte[] data = new byte[1 << 20];
                for (int i = 0; i < 8; i++) {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        s.setSoLinger(i % 2 == 0, 0); // even: RST; odd: FIN with echoes unread
                        OutputStream out = s.getOutputStream();
                        out.write(data, 0, (i + 1) * 100_000);
                        out.flush();
                    }
                }
                awaitNoConnections(server); // every reset seen before close() ends what is left
            }
            // close() released what was still queued; a buffer dropped without release stays counted
            assertThat(alloc.metric().usedDirectMemory()).as("%s", alloc.metric()).isZero();
            assertThat(leaks.afterCollection(alloc)).isEmpty();
            // a reset while the server writes its echoes may cost a line, never a stack trace
            assertThat(err.text()).doesNotContain("\tat ");
            assertThat(err.lines()).hasSizeLessThanOrEqualTo(8).allMatch(l -> l.contains("reset"), "names the reset");
        }
    }

    /**
     * A peer that reads its echo and then resets the connection (a client killed, or one that closes
     * with SO_LINGER 0): the server is waiting in read, and the read fails with "Connection reset".
     * EchoServer printed that exception's stack trace for every such connection.
     */
    @Test
    void aResetWhileTheServerReadsIsOneLine() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        int resets = 3;
        try (StderrCapture err = new StderrCapture()) {
            try (EchoServer server = new EchoServer(alloc, 0)) {
                int port = server.start();
                for (int i = 0; i < resets; i++) {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        s.getOutputStream().write(new byte[1000]);
                        InputStream in = s.getInputStream();
                        assertThat(in.readNBytes(1000)).hasSize(1000); // the echo: the server now waits in read
                        s.setSoLinger(true, 0); // close sends RST
                    }
                }
                awaitNoConnections(server);
            }
            assertThat(err.text()).doesNotContain("\tat ");
            assertThat(err.lines()).as(err.text()).hasSize(resets)
                    .allMatch(l -> l.contains("connection reset by peer"), "names the reset");
        }
    }

    /** An exception that is not a reset is still printed in full. */
    @Test
    void aRealErrorStillPrintsItsStackTrace() {
        try (StderrCapture err = new StderrCapture()) {
            new EmbeddedChannel(EchoServer.EchoServerHandler.INSTANCE).pipeline()
                    .fireExceptionCaught(new IllegalStateException("boom"));
            assertThat(err.text()).startsWith("java.lang.IllegalStateException: boom").contains("\tat ");
        }
    }

    /** Until the server has closed every connection (bounded by the class's timeout). */
    private static void awaitNoConnections(EchoServer server) throws InterruptedException {
        while (server.connections() > 0) {
            Thread.sleep(10);
        }
    }
}
