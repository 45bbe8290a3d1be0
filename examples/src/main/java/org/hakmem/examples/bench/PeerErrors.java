/*
 * PeerErrors: what the echo servers' exceptionCaught prints. A peer that resets its connection (a
 * client killed mid-write, one that closes with SO_LINGER 0, or one that closes with echoes unread,
 * which makes the kernel send RST) is ordinary for a server: one line per connection says so. Any
 * other exception is a real error and is printed in full by the caller.
 *
 * Where a reset arrives decides what Netty reports: a read fails once ("Connection reset", epoll's
 * recvAddress(..) ECONNRESET); a write fails every queued echo with the same IOException (writev's
 * ECONNRESET or EPIPE); and echoes still queued when the channel closes fail with a
 * ClosedChannelException. A handler that writes with the void promise (EchoBenchServer) gets each of
 * those failures in exceptionCaught, hundreds for one connection, hence the once-per-connection rule.
 */
package org.hakmem.examples.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.unix.Errors;
import io.netty.util.AttributeKey;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.function.Consumer;

public final class PeerErrors {
    private static final AttributeKey<Boolean> RESET_REPORTED =
            AttributeKey.valueOf(PeerErrors.class, "resetReported");

    private PeerErrors() {
    }

    /**
     * Prints what {@code cause} says about {@code ctx}'s connection: a peer reset as one line on stderr,
     * the first time only; nothing for a write that failed because the channel had closed already (its
     * cause was reported, or was our own close); anything else goes to {@code realError}.
     */
    public static void print(ChannelHandlerContext ctx, Throwable cause, Consumer<Throwable> realError) {
        Channel ch = ctx.channel();
        if (cause instanceof ClosedChannelException && !ch.isOpen()) {
            return;
        }
        if (!isPeerReset(cause)) {
            realError.accept(cause);
        } else if (ch.attr(RESET_REPORTED).setIfAbsent(Boolean.TRUE) == null) {
            SocketAddress peer = ch.remoteAddress();
            System.err.println("connection reset by peer " + (peer != null ? peer : ch) + " (" + cause.getMessage() + ")");
        }
    }

    /**
     * True if {@code cause} says the peer reset the connection or stopped reading it for good: ECONNRESET
     * or EPIPE from the epoll transport, the JDK's "Connection reset" (read) or "Connection reset by
     * peer" / "Broken pipe" (write) from NIO.
     */
    public static boolean isPeerReset(Throwable cause) {
        if (cause instanceof Errors.NativeIoException e) {
            // thrown only once the native transport loaded, so Errors' constants can initialise
            return e.expectedErr() == Errors.ERRNO_ECONNRESET_NEGATIVE || e.expectedErr() == Errors.ERRNO_EPIPE_NEGATIVE;
        }
        String message = cause instanceof IOException ? cause.getMessage() : null;
        return message != null && (message.startsWith("Connection reset") || message.equals("Broken pipe"));
    }
}
