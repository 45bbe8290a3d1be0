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
import io.netty.util.concurrent.Future;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

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

    /**
     * Waits until every future is done or {@code timeout} has passed, whichever comes first, and returns
     * how many are still not done. One deadline for all: waiting up to the timeout for each in turn cost
     * the whole timeout again for every future that stays stuck. nanoTime is System::nanoTime but in tests.
     */
    static int awaitAll(List<? extends Future<?>> futures, long timeout, TimeUnit unit, LongSupplier nanoTime) {
        long deadline = nanoTime.getAsLong() + unit.toNanos(timeout);
        int notDone = 0;
        for (Future<?> f : futures) {
            long left = Math.max(0, deadline - nanoTime.getAsLong());
            if (!f.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                notDone++;
            }
        }
        return notDone;
    }
}
