/*
 * PeerErrorsTest: which exceptions count as a peer reset (one quiet line) and which are real errors
 * that the echo servers still print, checked through EchoBenchServer's handler on an EmbeddedChannel.
 */
package org.hakmem.examples.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.hakmem.examples.StderrCapture;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;

import static org.assertj.core.api.Assertions.assertThat;

class PeerErrorsTest {

    @Test
    void resetAndBrokenPipeAreResetsOtherErrorsAreNot() {
        assertThat(PeerErrors.isPeerReset(new SocketException("Connection reset"))).isTrue();
        assertThat(PeerErrors.isPeerReset(new IOException("Connection reset by peer"))).isTrue();
        assertThat(PeerErrors.isPeerReset(new IOException("Broken pipe"))).isTrue();
        assertThat(PeerErrors.isPeerReset(new IOException("Connection timed out"))).isFalse();
        assertThat(PeerErrors.isPeerReset(new IllegalStateException("Connection reset"))).isFalse();
        assertThat(PeerErrors.isPeerReset(new IOException())).isFalse();
    }

    @Test
    void realErrorsStillPrintAndResetsPrintOncePerConnection() {
        try (StderrCapture err = new StderrCapture()) {
            EmbeddedChannel ch = new EmbeddedChannel(EchoBenchServer.Echo.INSTANCE);
            ch.pipeline().fireExceptionCaught(new IllegalStateException("boom"));
            assertThat(err.lines()).containsExactly("server channel error: java.lang.IllegalStateException: boom");

            // Netty fails every queued echo with the same reset, then the unflushed ones as closed
            EmbeddedChannel reset = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
            ChannelHandlerContext ctx = reset.pipeline().firstContext();
            for (int i = 0; i < 3; i++) {
                PeerErrors.print(ctx, new IOException("Broken pipe"), PeerErrorsTest::real);
            }
            assertThat(err.lines()).hasSize(2).last().asString().startsWith("connection reset by peer ").endsWith("(Broken pipe)");
            PeerErrors.print(ctx, new ClosedChannelException(), PeerErrorsTest::real); // still open: unexplained
            assertThat(err.lines()).hasSize(3).last().isEqualTo("real: java.nio.channels.ClosedChannelException");
            reset.close();
            PeerErrors.print(ctx, new ClosedChannelException(), PeerErrorsTest::real); // closed: a consequence
            assertThat(err.lines()).hasSize(3);
        }
    }

    private static void real(Throwable e) {
        System.err.println("real: " + e);
    }
}
