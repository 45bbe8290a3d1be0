/*
 * EchoBenchServerResetTest: the benchmark server's echo handler when peers reset their connections, on
 * epoll and on NIO. The handler writes with the channel's void promise, so every queued echo that a
 * reset fails reaches exceptionCaught; it printed "server channel error: ..." once per failed write
 * (hundreds of lines for one connection, burying a real error in the launcher's 60-line failure tail).
 */
package org.hakmem.examples.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import org.hakmem.examples.StderrCapture;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoBenchServerResetTest {
    private static final int CONNECTIONS = 3;

    /** A peer that sends 16 MiB, reads none of the echo and resets: the server's queued writes fail. */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void aResetWhileTheServerWritesIsOneLinePerConnection(String transport) throws Exception {
        List<String> lines = serveResets(transport, s -> {
            OutputStream out = s.getOutputStream();
            out.write(new byte[16 << 20]);
            out.flush();
        });
        assertThat(lines).as("%s", lines).hasSize(CONNECTIONS).allMatch(l -> l.contains("connection reset by peer"));
    }

    /** A peer that reads its echo, then resets while the server waits in read. */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void aResetWhileTheServerReadsIsOneLinePerConnection(String transport) throws Exception {
        List<String> lines = serveResets(transport, s -> {
            s.getOutputStream().write(new byte[1000]);
            InputStream in = s.getInputStream();
            assertThat(in.readNBytes(1000)).hasSize(1000);
        });
        assertThat(lines).as("%s", lines).hasSize(CONNECTIONS).allMatch(l -> l.contains("connection reset by peer"));
    }

    interface Peer {
        void talk(Socket s) throws Exception;
    }

    /**
     * Serves CONNECTIONS peers that each talk, then close with SO_LINGER 0 (RST), with EchoBenchServer's
     * handler; returns what the server printed on stderr once every connection closed and the loops ended.
     */
    private static List<String> serveResets(String transportName, Peer peer) throws Exception {
        BenchSupport.Transport transport = BenchSupport.Transport.resolve(transportName);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory);
        List<Channel> children = new CopyOnWriteArrayList<>();
        try (StderrCapture err = new StderrCapture()) {
            try {
                Channel server = new ServerBootstrap().group(group).channel(transport.serverChannel)
                        .childOption(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT)
                        .childHandler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                children.add(ch);
                                ch.pipeline().addLast(EchoBenchServer.Echo.INSTANCE);
                            }
                        }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
                int port = ((InetSocketAddress) server.localAddress()).getPort();
                for (int i = 0; i < CONNECTIONS; i++) {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        peer.talk(s);
                        s.setSoLinger(true, 0);
                    }
                }
                while (children.size() < CONNECTIONS) {
                    Thread.sleep(10);
                }
                for (Channel ch : children) {
                    ch.closeFuture().sync(); // closed by the reset, not by us
                }
                server.close().sync();
            } finally {
                // the loop's last tasks (the failed writes' reports) run before it terminates
                group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            }
            assertThat(err.text()).doesNotContain("\tat ");
            return err.lines();
        }
    }
}
