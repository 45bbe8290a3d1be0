/*
 * Loopback: a server and one client connected to it on 127.0.0.1, both on one allocator (set with
 * HakmemBootstraps.use), over NIO or native epoll, for the tests that run Netty's codecs over a real
 * socket. close() closes every channel and shuts the event loops down, so that a test can then check
 * that every buffer went back to the allocator.
 */
package org.hakmem.examples;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.hakmem.netty.HakmemBootstraps;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

final class Loopback implements AutoCloseable {

    /** The socket transports a server author picks from on Linux. */
    enum Transport {
        NIO, EPOLL;

        /** False for EPOLL where its native library does not load (the test then skips it). */
        boolean available() {
            return this == NIO || Epoll.isAvailable();
        }

        IoHandlerFactory handlers() {
            return this == NIO ? NioIoHandler.newFactory() : EpollIoHandler.newFactory();
        }

        Class<? extends ServerChannel> serverChannel() {
            return this == NIO ? NioServerSocketChannel.class : EpollServerSocketChannel.class;
        }

        Class<? extends Channel> channel() {
            return this == NIO ? NioSocketChannel.class : EpollSocketChannel.class;
        }
    }

    private final EventLoopGroup group;
    private final ChannelGroup channels = new DefaultChannelGroup("loopback", GlobalEventExecutor.INSTANCE);
    private Channel client;

    private Loopback(Transport transport) {
        // Two loops: the server's connection and the client's may land on different threads.
        group = new MultiThreadIoEventLoopGroup(2, transport.handlers());
    }

    /** Listens on 127.0.0.1 with serverPipeline on every accepted channel, and connects one client with clientPipeline. */
    static Loopback start(Transport transport, ByteBufAllocator alloc, Consumer<Channel> serverPipeline,
                          Consumer<Channel> clientPipeline) throws InterruptedException {
        Loopback loopback = new Loopback(transport);
        try {
            loopback.connect(transport, alloc, serverPipeline, clientPipeline);
            return loopback;
        } catch (InterruptedException | RuntimeException e) {
            loopback.close();
            throw e;
        }
    }

    private void connect(Transport transport, ByteBufAllocator alloc, Consumer<Channel> serverPipeline,
                         Consumer<Channel> clientPipeline) throws InterruptedException {
        ServerBootstrap server = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(initializer(serverPipeline));
        Channel listening = HakmemBootstraps.use(server, alloc).bind("127.0.0.1", 0).sync().channel();
        channels.add(listening);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(transport.channel())
                .handler(initializer(clientPipeline));
        client = HakmemBootstraps.use(bootstrap, alloc).connect(listening.localAddress()).sync().channel();
    }

    private ChannelHandler initializer(Consumer<Channel> pipeline) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                channels.add(ch);
                pipeline.accept(ch);
            }
        };
    }

    /** The client's channel. */
    Channel client() {
        return client;
    }

    /** Closes every channel, then shuts the event loops down and waits for them (bounded). */
    @Override
    public void close() throws InterruptedException {
        try {
            channels.close().await(5_000);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10_000);
        }
    }
}
