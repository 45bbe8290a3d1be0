/*
 * EchoClient: a Netty client for EchoServer whose channel allocates from netty-hakmem.
 *
 * Unlike EchoServer it sets the allocator by hand, with ChannelOption.ALLOCATOR on Bootstrap.option,
 * as HakmemBootstraps.use(bootstrap, allocator) does for a client. use() also lets a netty-hakmem
 * allocator watch the bootstrap's event loops (watchEventLoops), so that a loop whose buffers other
 * threads release does not keep their memory while it idles; this client releases every buffer on
 * its own loop, so it does not need that.
 *
 * One request at a time: echo(data, timeout) writes data and collects the reply, which may arrive in
 * any number of reads, into one buffer until exactly data.length bytes are there.
 */
package org.hakmem.examples;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import org.hakmem.examples.bench.Cli;
import org.hakmem.netty.HakmemByteBufAllocator;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

public final class EchoClient implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;
    private final EchoClientHandler handler;

    private EchoClient(EventLoopGroup group, Channel channel, EchoClientHandler handler) {
        this.group = group;
        this.channel = channel;
        this.handler = handler;
    }

    /** Connects to host:port; every buffer of the connection comes from {@code allocator}. */
    public static EchoClient connect(ByteBufAllocator allocator, String host, int port, Duration timeout)
            throws IOException, InterruptedException {
        Objects.requireNonNull(allocator, "allocator");
        requirePositive(timeout);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EchoClientHandler handler = new EchoClientHandler();
        try {
            Bootstrap b = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    // The manual way: the option HakmemBootstraps.use(b, allocator) sets (see the banner).
                    .option(ChannelOption.ALLOCATOR, allocator)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(handler);
                        }
                    });
            ChannelFuture f = b.connect(host, port);
            if (!f.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                f.cancel(false);
                throw new IOException("connect to " + host + ":" + port + " timed out after " + timeout);
            }
            if (!f.isSuccess()) {
                throw new IOException("connect to " + host + ":" + port + " failed: " + Cli.reason(f.cause()),
                        f.cause());
            }
            return new EchoClient(group, f.channel(), handler);
        } catch (IOException | InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Sends {@code data} and returns the first {@code data.length} bytes that come back. Fails if the
     * connection closes, more bytes than sent arrive, the allocator refuses the request's buffers (the
     * IOException's cause is its OutOfMemoryError), or nothing complete arrives within the timeout
     * (then the connection is closed, since its stream is out of step).
     */
    public byte[] echo(byte[] data, Duration timeout) throws IOException, InterruptedException, TimeoutException {
        Objects.requireNonNull(data, "data");
        requirePositive(timeout);
        if (data.length == 0) {
            return new byte[0];
        }
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            try {
                send(data, reply);
            } catch (Throwable t) {
                // An allocator at its cap throws OutOfMemoryError here. Thrown on, it would only be logged
                // by the event loop, and the caller would wait out its timeout for a reply never coming.
                handler.fail(t);
                reply.completeExceptionally(t);
            }
        });
        try {
            return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            channel.close();
            throw new TimeoutException("no complete echo of " + data.length + " bytes within " + timeout);
        } catch (ExecutionException e) {
            throw new IOException("echo of " + data.length + " bytes failed: " + Cli.reason(e.getCause()),
                    e.getCause());
        }
    }

    /**
     * Refuses a timeout that is not positive: zero would ask Netty for no connect timeout at all and
     * check the connect or the echo only once (an echo not back at once then closes the connection),
     * and Netty refuses a negative connect timeout with a WARN in its log, not with an exception.
     */
    private static void requirePositive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw Cli.invalid("timeout", timeout.toString(), "a positive duration");
        }
    }

    /** On the event loop: registers the request with the handler and writes {@code data}. */
    private void send(byte[] data, CompletableFuture<byte[]> reply) {
        if (!handler.expect(data.length, reply)) {
            return;
        }
        ByteBuf out = channel.alloc().directBuffer(data.length);
        out.writeBytes(data);
        channel.writeAndFlush(out).addListener(w -> {
            if (!w.isSuccess()) {
                handler.fail(w.cause());
            }
        });
    }

    /** True while the connection is open. */
    public boolean isActive() {
        return channel.isActive();
    }

    /** Closes the connection and shuts the event loop down. */
    @Override
    public void close() {
        try {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }

    /** Collects a reply; touched only on the channel's event loop. */
    private static final class EchoClientHandler extends ChannelInboundHandlerAdapter {
        private int expected;
        private ByteBuf received; // accumulates the reply; released whatever happens
        private CompletableFuture<byte[]> reply;
        private boolean closed;
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        boolean expect(int length, CompletableFuture<byte[]> future) {
            if (closed) {
                future.completeExceptionally(new ClosedChannelException());
                return false;
            }
            if (reply != null && !reply.isDone()) {
                future.completeExceptionally(new IllegalStateException("a request is already in flight"));
                return false;
            }
            releaseReceived();
            expected = length;
            reply = future;
            received = ctx.alloc().directBuffer(length, length);
            return true;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                ByteBuf in = (ByteBuf) msg;
                if (reply == null || reply.isDone() || received == null) {
                    fail(new IOException("unexpected " + in.readableBytes() + " bytes"));
                    ctx.close();
                    return;
                }
                if (in.readableBytes() > received.writableBytes()) {
                    fail(new IOException("more bytes than sent: " + (received.readableBytes() + in.readableBytes())
                            + " > " + expected));
                    ctx.close();
                    return;
                }
                received.writeBytes(in);
                if (received.readableBytes() == expected) {
                    byte[] bytes = new byte[expected];
                    received.readBytes(bytes);
                    releaseReceived();
                    reply.complete(bytes);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        void fail(Throwable cause) {
            releaseReceived();
            if (reply != null) {
                reply.completeExceptionally(cause);
            }
        }

        private void releaseReceived() {
            if (received != null) {
                received.release();
                received = null;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed = true;
            fail(new ClosedChannelException());
            ctx.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            releaseReceived();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.close();
        }
    }

    private static final String USAGE = "usage: EchoClient [host (default 127.0.0.1) [port (1-65535, default "
            + EchoServer.DEFAULT_PORT + ")]]";

    /** The port of {@code EchoClient [host [port]]}; null for -h or --help. */
    private static Integer port(String[] args) {
        if (Cli.isHelp(args)) {
            return null;
        }
        Cli.requireAtMost(args, 2);
        if (args.length > 0 && args[0].matches("[0-9]+")) {
            // EchoServer takes [port [host]]: "EchoClient 9000" means a port, not the address 0.0.35.40
            throw Cli.invalid("host", args[0], "a host name or address (the port comes second)");
        }
        return args.length > 1 ? Cli.intIn("port", args[1], 1, 65535) : EchoServer.DEFAULT_PORT;
    }

    /**
     * {@code EchoClient [host [port]]}: sends messages of several sizes and checks the echoes. A bad port,
     * a host that is a bare number (a port given first, as EchoServer takes it) or too many arguments
     * print the problem and the usage and exit 2; -h or --help prints the usage.
     * No server at the address, a connection that fails or an echo that does not come back prints one
     * line saying why and exits 1.
     */
    public static void main(String[] args) throws Exception {
        int port = Cli.parseOrExit(args, EchoClient::port, USAGE);
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        try {
            echoSizes(host, port);
        } catch (IOException | TimeoutException e) {
            Cli.exitWithError(e.getMessage());
        }
        System.out.println("OK");
    }

    /** Echoes messages of several sizes through a connection to host:port and checks every byte. */
    private static void echoSizes(String host, int port) throws IOException, InterruptedException, TimeoutException {
        int[] sizes = {1, 16, 1000, 4096, 65536, 100_000, 262_144};
        Duration timeout = Duration.ofSeconds(10);
        Random random = new Random(1);
        try (EchoClient client = connect(HakmemByteBufAllocator.DEFAULT, host, port, timeout)) {
            for (int size : sizes) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                byte[] back = client.echo(data, timeout);
                if (!Arrays.equals(data, back)) {
                    System.out.println("MISMATCH for " + size + " bytes at index " + Arrays.mismatch(data, back));
                    System.exit(1);
                }
                System.out.println("echoed " + size + " bytes");
            }
        }
    }
}
