/*
 * Shared pieces of the echo benchmark: allocator names, transport selection, /proc/self/status.
 */
package org.hakmem.examples.bench;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
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
import org.hakmem.netty.HakmemByteBufAllocator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

final class BenchSupport {

    /** Allocator names accepted by the benchmark mains. */
    static final List<String> ALLOCATORS = List.of("hakmem", "pooled", "adaptive", "unpooled");

    private BenchSupport() {
    }

    /** A fresh allocator instance for {@code name}, or null if the name is unknown. */
    static ByteBufAllocator allocator(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "hakmem":
                return HakmemByteBufAllocator.builder().build();
            case "pooled":
                return new PooledByteBufAllocator(true);
            case "adaptive":
                return new AdaptiveByteBufAllocator(true, true);
            case "unpooled":
                return UnpooledByteBufAllocator.DEFAULT;
            default:
                return null;
        }
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
         * Resolves {@code requested} ("epoll" or "nio"); returns null for an unknown name. Falls back
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
                    return null;
            }
        }

        private static Transport nio() {
            return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                    NioSocketChannel.class);
        }
    }

    /** A "VmXxx:  1234 kB" field of /proc/self/status in KiB, or -1 if absent. */
    static long procStatusKib(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    String v = line.substring(field.length() + 1).trim();
                    int sp = v.indexOf(' ');
                    return Long.parseLong(sp < 0 ? v : v.substring(0, sp));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static int parseInt(String[] args, int index, int dflt, String what) {
        if (args.length <= index) {
            return dflt;
        }
        try {
            return Integer.parseInt(args[index]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": not an integer: " + args[index]);
        }
    }
}
