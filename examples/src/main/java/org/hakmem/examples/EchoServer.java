/*
 * EchoServer: a Netty echo server whose channels allocate from netty-hakmem.
 *
 * The allocator is set with HakmemBootstraps.use(bootstrap, allocator), which puts it on the server
 * channel (option) and on every accepted child channel (childOption). Received buffers are therefore
 * hakmem buffers, and echoing them back hands each one to the outbound path, which releases it once
 * written.
 */
package org.hakmem.examples;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.hakmem.examples.bench.Cli;
import org.hakmem.examples.bench.PeerErrors;
import org.hakmem.netty.HakmemBootstraps;
import org.hakmem.netty.HakmemByteBufAllocator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

public final class EchoServer implements AutoCloseable {

    /** The default port of {@link #main(String[])}. */
    public static final int DEFAULT_PORT = 8007;

    private final ByteBufAllocator allocator;
    private final String host;
    private final int port;

    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;
    private ChannelGroup children;

    /** A server on 127.0.0.1; {@code port} 0 picks an ephemeral port. */
    public EchoServer(ByteBufAllocator allocator, int port) {
        this(allocator, "127.0.0.1", port);
    }

    /** A server on {@code host} (an address or name, "0.0.0.0" for all interfaces); port 0 = ephemeral. */
    public EchoServer(ByteBufAllocator allocator, String host, int port) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.host = Objects.requireNonNull(host, "host");
        this.port = (int) Cli.requireIn("port", port, 0, 65535);
    }

    /**
     * Binds the server and returns the port it listens on. If it cannot listen (the port is taken, the
     * host unknown), it shuts its event loops down again and throws an IOException naming host, port
     * and reason.
     */
    public synchronized int start() throws IOException, InterruptedException {
        if (serverChannel != null) {
            throw new IllegalStateException("already started");
        }
        bossGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workerGroup = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        children = new DefaultChannelGroup("echo-children", GlobalEventExecutor.INSTANCE);
        ChannelGroup group = children;
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(bossGroup, workerGroup)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            group.add(ch);
                            ch.pipeline().addLast(EchoServerHandler.INSTANCE);
                        }
                    });
            // The one line that makes the server (and every accepted connection) use netty-hakmem.
            HakmemBootstraps.use(b, allocator);
            // await, not sync: sync() rethrows a BindException undeclared, past a catch of the declared ones
            ChannelFuture bind = b.bind(host, port).await();
            if (!bind.isSuccess()) {
                throw new IOException("cannot listen on " + host + ":" + port + ": " + Cli.reason(bind.cause()),
                        bind.cause());
            }
            serverChannel = bind.channel();
            return ((InetSocketAddress) serverChannel.localAddress()).getPort();
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The allocator this server's channels use. */
    public ByteBufAllocator allocator() {
        return allocator;
    }

    /** The connections open now (0 before start and after close). */
    synchronized int connections() {
        return children == null ? 0 : children.size();
    }

    /** Closes the listening channel and every open connection, then shuts the event loops down. */
    @Override
    public synchronized void close() {
        try {
            if (serverChannel != null) {
                serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            if (children != null) {
                children.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        } finally {
            shutdown(workerGroup);
            shutdown(bossGroup);
            serverChannel = null;
            children = null;
            workerGroup = null;
            bossGroup = null;
        }
    }

    private static void shutdown(EventLoopGroup group) {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }

    /** Echoes every received buffer back; flushes once per read burst. */
    @ChannelHandler.Sharable
    static final class EchoServerHandler extends ChannelInboundHandlerAdapter {
        static final EchoServerHandler INSTANCE = new EchoServerHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg); // the outbound path releases msg once it is written
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        /** A peer reset is one line (PeerErrors); anything else is a real error: its stack trace. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            PeerErrors.print(ctx, cause, Throwable::printStackTrace);
            ctx.close();
        }
    }

    private static final String USAGE = "usage: EchoServer [port (0-65535, 0 = any free port; default "
            + DEFAULT_PORT + ") [host (default 127.0.0.1)]]";

    /** The port of {@code EchoServer [port [host]]}; null for -h or --help. */
    private static Integer port(String[] args) {
        if (Cli.isHelp(args)) {
            return null;
        }
        Cli.requireAtMost(args, 2);
        return args.length > 0 ? Cli.intIn("port", args[0], 0, 65535) : DEFAULT_PORT;
    }

    /**
     * {@code EchoServer [port [host]]}: port defaults to 8007, host to 127.0.0.1. A bad port or too
     * many arguments print the problem and the usage and exit 2; -h or --help prints the usage. A port
     * it cannot listen on (taken, or a host it cannot resolve) prints one line saying why and exits 1.
     */
    public static void main(String[] args) throws Exception {
        int port = Cli.parseOrExit(args, EchoServer::port, USAGE);
        String host = args.length > 1 ? args[1] : "127.0.0.1";
        EchoServer server = new EchoServer(HakmemByteBufAllocator.DEFAULT, host, port);
        int bound = 0;
        try {
            bound = server.start();
        } catch (IOException e) {
            Cli.exitWithError(e.getMessage());
        }
        System.out.println("EchoServer listening on " + host + ":" + bound + " with " + server.allocator());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }, "echo-server-shutdown"));
        stop.await();
    }
}
