/*
 * EchoBenchServer: the server side of the echo benchmark, run in its own JVM by EchoBenchmark.
 *
 *   EchoBenchServer <allocator> [port (0 = ephemeral)] [epoll|nio]
 *
 * Binds 127.0.0.1, prints "PORT <n>", echoes until stdin closes or a "STOP" line arrives, then prints
 *   SERVER vmhwm_kib=.. phase_hwm_kib=.. vmrss_kib=.. used_direct=.. mapped=.. resident=.. syscalls=..
 * (the allocator numbers only for netty-hakmem, else -1) and exits. Allocator names: Allocators.NAMES.
 * A port it cannot listen on (another process holds it) prints "error: cannot listen on ..." and exits 1.
 *
 * A "MARK" line (sent when the client's warmup ends) starts the measured phase: the server notes its
 * peak RSS so far and resets the kernel's VmHWM, so that at STOP
 *   vmhwm_kib      is the peak of the whole life of the process (JVM start-up and JIT warmup included)
 *   phase_hwm_kib  is the peak of the measured phase alone (-1 without a MARK, or if the reset failed)
 */
package org.hakmem.examples.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.hakmem.netty.HakmemBootstraps;
import org.hakmem.netty.HakmemByteBufAllocator;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

public final class EchoBenchServer {

    private EchoBenchServer() {
    }

    private static final String USAGE = "usage: EchoBenchServer <" + String.join("|", Allocators.NAMES)
                + "> [port (0 = ephemeral)] [epoll|nio]";

    /** What the command line asks for. */
    record Settings(String allocator, int port, String transport) {
    }

    /**
     * Reads the arguments; a bad one throws IllegalArgumentException naming it, its value and what is
     * allowed. Returns null for -h or --help.
     */
    static Settings parse(String... args) {
        if (Cli.isHelp(args)) {
            return null;
        }
        if (args.length < 1 || args.length > 3) {
            throw new IllegalArgumentException("expected 1 to 3 arguments, got " + args.length);
        }
        return new Settings(Cli.oneOf("allocator", args[0], Allocators.NAMES),
                Cli.intIn("port", BenchSupport.argOr(args, 1, "0"), 0, 65535),
                Cli.oneOf("transport", BenchSupport.argOr(args, 2, "epoll"), EchoRun.TRANSPORTS));
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Cli.parseOrExit(args, EchoBenchServer::parse, USAGE);
        ByteBufAllocator alloc = Allocators.create(settings.allocator());
        int port = settings.port();
        BenchSupport.Transport transport = BenchSupport.Transport.resolve(settings.transport());

        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(transport.ioHandlerFactory);
        ChannelGroup children = new DefaultChannelGroup("bench-children", GlobalEventExecutor.INSTANCE);
        int exit = 0;
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(transport.serverChannel)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            children.add(ch);
                            ch.pipeline().addLast(Echo.INSTANCE);
                        }
                    });
            HakmemBootstraps.use(b, alloc); // option + childOption ALLOCATOR, for every allocator
            // await, not sync: sync() rethrows the bind's exception as a stack trace from main
            ChannelFuture bind = b.bind("127.0.0.1", port).await();
            if (!bind.isSuccess()) {
                throw new BindFailed("cannot listen on 127.0.0.1:" + port + ": " + Cli.reason(bind.cause()));
            }
            Channel server = bind.channel();
            int bound = ((InetSocketAddress) server.localAddress()).getPort();
            System.out.println("TRANSPORT " + transport.name + " ALLOCATOR " + args[0]);
            System.out.println("PORT " + bound);
            System.out.flush();

            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            long hwmBeforePhase = -1;
            boolean phaseStarted = false;
            for (String line; (line = in.readLine()) != null; ) {
                String command = line.trim();
                if (command.equals("STOP")) {
                    break;
                }
                if (command.equals("MARK") && !phaseStarted) {
                    hwmBeforePhase = ProcStatus.statusKib("VmHWM");
                    phaseStarted = ProcStatus.resetPeak();
                    if (!phaseStarted) {
                        System.out.println("NOTE the kernel refused to reset VmHWM; phase_hwm_kib will be -1");
                    }
                }
            }

            // Sample before closing, while the allocator still holds what the run made it hold.
            long hwmNow = ProcStatus.statusKib("VmHWM");
            long hwm = Math.max(hwmBeforePhase, hwmNow);
            long phaseHwm = phaseStarted ? hwmNow : -1;
            long rss = ProcStatus.statusKib("VmRSS");
            AllocatorProbe probe = new AllocatorProbe(alloc);
            boolean hakmem = alloc instanceof HakmemByteBufAllocator;
            long used = hakmem ? probe.usedDirect() : -1;
            long mapped = probe.mapped();
            long resident = probe.resident();
            long syscalls = probe.syscalls();
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            children.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            System.out.println("SERVER vmhwm_kib=" + hwm + " phase_hwm_kib=" + phaseHwm + " vmrss_kib=" + rss
                    + " used_direct=" + used + " mapped=" + mapped + " resident=" + resident + " syscalls=" + syscalls);
            System.out.flush();
        } catch (BindFailed e) {
            System.err.println("error: " + e.getMessage());
            exit = 1;
        } finally {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        System.exit(exit);
    }

    /** The port cannot be listened on (taken by another process): one line and exit 1, no stack trace. */
    private static final class BindFailed extends Exception {
        BindFailed(String message) {
            super(message);
        }
    }

    /** Writes every received buffer back; flushes once per read burst. */
    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        static final Echo INSTANCE = new Echo();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        /**
         * A peer reset is one line per connection (PeerErrors), though every echo it fails arrives
         * here (void promise); anything else is one "server channel error" line.
         */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            PeerErrors.print(ctx, cause, e -> System.err.println("server channel error: " + e));
            ctx.close();
        }
    }
}
