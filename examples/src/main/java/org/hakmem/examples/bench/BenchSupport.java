/*
 * Shared pieces of the echo benchmark mains: transport selection and optional positional arguments.
 */
package org.hakmem.examples.bench;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.util.Locale;

final class BenchSupport {

    private BenchSupport() {
    }

    /** The transport actually used: epoll if asked for and available, else NIO. */
    static final class Transport {
        final String name;
        final IoHandlerFactory ioHandlerFactory;
        final Class<? extends ServerChannel> serverChannel;
        final Class<? extends SocketChannel> socketChannel;

        private Transport(String name, IoHandlerFactory f, Class<? extends ServerChannel> s,
                          Class<? extends SocketChannel> c) {
            this.name = name;
            this.ioHandlerFactory = f;
            this.serverChannel = s;
            this.socketChannel = c;
        }

        /**
         * Resolves {@code requested} ("epoll" or "nio", checked by the caller's parse). Falls back
         * from epoll to NIO with a NOTE line on stdout when epoll is not available.
         */
        static Transport resolve(String requested) {
            switch (requested.toLowerCase(Locale.ROOT)) {
                case "epoll":
                    if (Epoll.isAvailable()) {
                        return new Transport("epoll", EpollIoHandler.newFactory(),
                                EpollServerSocketChannel.class, EpollSocketChannel.class);
                    }
                    System.out.println("NOTE epoll not available (" + Epoll.unavailabilityCause()
                            + "); falling back to nio");
                    return nio();
                case "nio":
                    return nio();
                default:
                    throw Cli.invalid("transport", requested, "one of " + String.join(", ", EchoRun.TRANSPORTS));
            }
        }

        private static Transport nio() {
            return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                    NioSocketChannel.class);
        }
    }

    /** The positional argument at {@code index}, or {@code dflt} where the command line stops before it. */
    static String argOr(String[] args, int index, String dflt) {
        return args.length > index ? args[index] : dflt;
    }
}
