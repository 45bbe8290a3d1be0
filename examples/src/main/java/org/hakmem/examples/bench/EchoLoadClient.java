/*
 * EchoLoadClient: the load side of the echo benchmark, run in its own JVM by EchoBenchmark.
 *
 *   EchoLoadClient <host> <port> [connections=64] [size=256] [inflight=4] [warmup_s=3] [duration_s=10]
 *                  [allocator=hakmem] [transport=epoll] [stall_s=max(5, 2% of warmup_s + duration_s)]
 *
 * Opens `connections` connections; each keeps `inflight` messages of `size` bytes outstanding. The
 * server echoes the byte stream back in order, so every `size` bytes received complete the oldest
 * outstanding message: its round-trip time is recorded and a new message is sent. Each message has
 * bytes of its own (a window of a random pattern that moves by one byte per message, from a start that
 * differs between connections), and every byte that comes back is checked against the message it
 * should belong to: a difference fails the run (exit 1), also where the server sent back another
 * message's bytes (a buffer reused while it still held an older message), as does a connection that
 * fails or that the server closes. Such a run ends at once (RunWatch), not after warmup + duration,
 * and prints no CLIENT line; a close by the server is one line on stderr:
 *   error: the server closed 64 of 64 connections in the warmup, the first 0.4 s into it; ...
 * So is a connection that the server keeps open but whose oldest outstanding message it leaves
 * unanswered for more than stall_s seconds, in the warmup or the measured phase (a wedged handler, lost
 * bytes: the figure would be that of fewer connections, and its percentiles would leave out the
 * messages that never came back):
 *   error: 1 of 64 connections stalled in the measured phase, the longest waiting 5.3 s for an echo (bound 5 s, stall_s); ...
 * and one that never answers in a measured phase shorter than that bound:
 *   error: 1 of 64 connections completed no message in the measured phase; ...
 * (The phase is the one in which the first connection passed the bound. A stall that begins less than
 * stall_s before the end of the run goes unnoticed.)
 * No server at the address is one line too: "error: connect to <host>:<port> failed: <why>".
 * After `warmup`
 * seconds the histogram is reset and "MEASURING" is printed (the launcher tells the server, which
 * starts its measured-phase peak RSS there); after `duration` more seconds the histogram is read and
 * one line is printed:
 *   CLIENT msgs_per_s=.. p50_us=.. p99_us=.. p999_us=..
 * A watchdog halts the JVM (exit 3) if it is still running well after warmup + duration.
 */
package org.hakmem.examples.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

public final class EchoLoadClient {

    private static final long MAX_LATENCY_NS = TimeUnit.SECONDS.toNanos(60);
    /**
     * Distinct message contents: message k of connection c is the size-byte window of the pattern at
     * (c * CONNECTION_STRIDE + k) mod WINDOWS, so a connection's messages differ from the 250 before
     * them, and a prime WINDOWS gives fewer than 251 connections distinct starts.
     */
    private static final int WINDOWS = 251;
    private static final int CONNECTION_STRIDE = 31;
    private static final long PATTERN_SEED = 0x5EED_EC40L;
    /**
     * The largest message, 16 MiB: the client holds a pattern of size + WINDOWS bytes on the heap (a size
     * near Integer.MAX_VALUE overflowed that into a negative array size), and the children run with
     * -Xmx256m, whose direct-memory limit the messages in flight share.
     */
    static final int MAX_SIZE = 16 << 20;
    /** The most messages in flight per connection: each has a slot in a ring of send times. */
    static final int MAX_INFLIGHT = 65536;
    /** Extra seconds after warmup + duration before the watchdog halts the JVM. */
    static final int GRACE_SECONDS = 20;
    /** After the server's first close, how long the client waits for it to close the others (RunWatch.settle). */
    private static final long SETTLE_MS = 1000;
    /** How long a connect may take (its own timeout, CONNECT_TIMEOUT_MILLIS, is 5 s). */
    private static final long CONNECT_WAIT_S = 10;
    /**
     * The default stall bound is the larger of STALL_MIN_S and 1/STALL_RUN_FRACTION of warmup + duration.
     * A healthy echo comes back in well under a millisecond to tens of ms (p99.9 on a noisy shared 2-CPU
     * machine); GC and JIT pauses in the warmup, and a shared machine's moments of starving a process,
     * last up to a second or two. 5 s is far above all of them, yet a stall ends a run early. A long run
     * meets rarer, longer hiccups, and a bound of 2% of it still ends the run with 98% of it unspent.
     */
    private static final int STALL_MIN_S = 5;
    private static final int STALL_RUN_FRACTION = 50;

    private EchoLoadClient() {
    }

    private static final String USAGE = "usage: EchoLoadClient <host> <port> [connections=64] [size=256] [inflight=4]"
                + " [warmup_s=3] [duration_s=10] [" + String.join("|", Allocators.NAMES) + "] [epoll|nio]"
                + " [stall_s=max(" + STALL_MIN_S + ", 2% of warmup_s + duration_s)]";

    /** What the command line asks for; stallS: how long an outstanding message may wait before the run fails. */
    record Settings(String host, int port, int connections, int size, int inflight, int warmup, int duration,
                    String allocator, String transport, int stallS) {
    }

    /**
     * Reads the arguments; a bad one throws IllegalArgumentException naming it, its value and what is
     * allowed. Returns null for -h or --help.
     */
    static Settings parse(String... args) {
        if (Cli.isHelp(args)) {
            return null;
        }
        if (args.length < 2 || args.length > 10) {
            throw new IllegalArgumentException("expected 2 to 10 arguments, got " + args.length);
        }
        int warmup = Cli.intIn("warmup_s", BenchSupport.argOr(args, 5, "3"), 0, Cli.MAX_RUN_SECONDS);
        int duration = Cli.intIn("duration_s", BenchSupport.argOr(args, 6, "10"), 1, Cli.MAX_RUN_SECONDS);
        String stall = BenchSupport.argOr(args, 9, String.valueOf(defaultStallSeconds(warmup, duration)));
        return new Settings(args[0],
                Cli.intIn("port", args[1], 1, 65535),
                Cli.intAtLeast("connections", BenchSupport.argOr(args, 2, "64"), 1),
                Cli.intIn("size", BenchSupport.argOr(args, 3, "256"), 1, MAX_SIZE),
                Cli.intIn("inflight", BenchSupport.argOr(args, 4, "4"), 1, MAX_INFLIGHT),
                warmup,
                duration,
                Cli.oneOf("allocator", BenchSupport.argOr(args, 7, "hakmem"), Allocators.NAMES),
                Cli.oneOf("transport", BenchSupport.argOr(args, 8, "epoll"), EchoRun.TRANSPORTS),
                // whole seconds from 1: a bound under a second would take a healthy run's GC pause for a stall
                Cli.intIn("stall_s", stall, 1, Cli.MAX_RUN_SECONDS));
    }

    /** The stall bound when stall_s is not given (STALL_MIN_S says why). */
    static int defaultStallSeconds(int warmup, int duration) {
        return Math.max(STALL_MIN_S, (int) (((long) warmup + duration) / STALL_RUN_FRACTION));
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Cli.parseOrExit(args, EchoLoadClient::parse, USAGE);
        String host = settings.host();
        int port = settings.port();
        int connections = settings.connections();
        int size = settings.size();
        int inflight = settings.inflight();
        int warmup = settings.warmup();
        int duration = settings.duration();
        ByteBufAllocator alloc = Allocators.create(settings.allocator());
        BenchSupport.Transport transport = BenchSupport.Transport.resolve(settings.transport());

        long hardLimitMs = TimeUnit.SECONDS.toMillis(warmup + duration + GRACE_SECONDS);
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(hardLimitMs);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("error: client still running after " + hardLimitMs + " ms; halting");
            System.err.flush();
            Runtime.getRuntime().halt(3);
        }, "client-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        Recorder recorder = new Recorder(MAX_LATENCY_NS, 3);
        RunWatch watch = new RunWatch(connections, settings.stallS());
        Load load = new Load(recorder, watch, size, inflight);

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(
                Math.max(1, Runtime.getRuntime().availableProcessors()), transport.ioHandlerFactory);
        List<Channel> channels = new ArrayList<>(connections);
        int exit = 0;
        try {
            Bootstrap b = new Bootstrap()
                    .group(group)
                    .channel(transport.socketChannel)
                    .option(ChannelOption.ALLOCATOR, alloc)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new Conn(load, load.connections.getAndIncrement(), ch));
                        }
                    });
            List<ChannelFuture> connects = new ArrayList<>(connections);
            for (int i = 0; i < connections; i++) {
                connects.add(b.connect(host, port));
            }
            for (ChannelFuture f : connects) {
                channels.add(connected(f, host, port));
            }
            List<Conn> conns = conns(channels);
            Runnable tick = () -> conns.forEach(Conn::check); // each connection says how long it has waited
            // Start the load only once every connection is up.
            watch.enter(RunWatch.Phase.WARMUP);
            for (Channel ch : channels) {
                ch.eventLoop().execute(() -> start(ch));
            }

            if (!watch.runFor(TimeUnit.SECONDS.toMillis(warmup), tick)) {
                throw ended(load, watch, tick);
            }
            recorder.getIntervalHistogram(); // discard the warmup
            System.out.println("MEASURING");
            System.out.flush();
            watch.enter(RunWatch.Phase.MEASURED);
            load.measuring = true;
            long t0 = System.nanoTime();
            boolean whole = watch.runFor(TimeUnit.SECONDS.toMillis(duration), tick);
            Histogram h = recorder.getIntervalHistogram();
            long elapsed = System.nanoTime() - t0;
            if (!whole || watch.failure() != null || watch.report() != null) {
                throw ended(load, watch, tick); // also a close in the moment between the wait and the read
            }
            load.stopped = true;
            if (h.getTotalCount() == 0) {
                throw new IllegalStateException("no messages completed during the measurement");
            }
            int silent = connections - load.answered.get();
            if (silent > 0) {
                throw new RunFailed(silent + " of " + connections + " connections completed no message in the"
                        + " measured phase (the server kept them open but did not answer); no figures for this run");
            }
            double msgsPerS = h.getTotalCount() / (elapsed / 1e9);
            System.out.println(String.format(Locale.ROOT,
                    "CLIENT msgs_per_s=%.1f p50_us=%.1f p99_us=%.1f p999_us=%.1f",
                    msgsPerS,
                    h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0,
                    h.getValueAtPercentile(99.9) / 1000.0));
        } catch (RunFailed e) {
            e.print();
            exit = 1;
        } catch (Exception e) {
            System.err.println("error: " + e);
            if (e.getCause() != null) {
                System.err.println("cause: " + e.getCause());
            }
            exit = 1;
        } finally {
            load.stopped = true;
            List<ChannelFuture> closes = new ArrayList<>(channels.size());
            for (Channel ch : channels) {
                closes.add(ch.close()); // every close started before any is waited for
            }
            BenchSupport.awaitAll(closes, 2, TimeUnit.SECONDS, System::nanoTime);
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        System.out.flush();
        System.exit(exit);
    }

    /**
     * The channel of a connect that succeeded. No server at the address is one line, as EchoClient
     * says it (Cli: a valid command line that the system refuses), not two with Java's class names.
     */
    private static Channel connected(ChannelFuture f, String host, int port) throws RunFailed {
        if (!f.awaitUninterruptibly(CONNECT_WAIT_S, TimeUnit.SECONDS)) {
            throw new RunFailed("connect to " + host + ":" + port + " timed out after " + CONNECT_WAIT_S + " s");
        }
        if (!f.isSuccess()) {
            throw new RunFailed("connect to " + host + ":" + port + " failed: " + Cli.reason(f.cause()));
        }
        return f.channel();
    }

    /** The connections' handlers, but for those the server closed already (the close ends the run). */
    private static List<Conn> conns(List<Channel> channels) {
        List<Conn> conns = new ArrayList<>(channels.size());
        for (Channel ch : channels) {
            Conn conn = ch.pipeline().get(Conn.class);
            if (conn != null) {
                conns.add(conn);
            }
        }
        return conns;
    }

    /** Starts a connection's load, unless the server closed it already (its pipeline is then empty). */
    private static void start(Channel ch) {
        Conn conn = ch.pipeline().get(Conn.class);
        if (conn != null) {
            conn.start(ch);
        }
    }

    /**
     * For a run that a failed, closed or stalled connection cut short: gives the server a moment to close
     * the rest, or the other stalled connections a moment to pass the bound (the report then counts every
     * one), then stops the load. Only then: from load.stopped on, closes are taken for the client's own
     * and are not reported.
     */
    private static RunFailed ended(Load load, RunWatch watch, Runnable tick) throws InterruptedException {
        watch.settle(SETTLE_MS, tick);
        load.stopped = true;
        return new RunFailed(watch.report(), watch.failure());
    }

    /**
     * A run without valid figures: a problem with the connections (message, one line: a connect that
     * failed, the server's closes, or connections it stopped answering or did not answer) and/or a
     * connection's failure (cause).
     */
    private static final class RunFailed extends Exception {
        RunFailed(String problem, Throwable failure) {
            super(problem, failure, false, false);
        }

        RunFailed(String problem) {
            this(problem, null);
        }

        /** On stderr: the failure in the two lines the client always printed for it, then the problem's line. */
        void print() {
            if (getCause() != null) {
                System.err.println("error: java.lang.IllegalStateException: connection failed during the run");
                System.err.println("cause: " + getCause());
            }
            if (getMessage() != null) {
                System.err.println("error: " + getMessage());
            }
        }
    }

    /** State shared by all connections. */
    private static final class Load {
        final Recorder recorder;
        final RunWatch watch;
        /** Messages are windows of it: size + WINDOWS random bytes. */
        final byte[] pattern;
        /** The pattern as a buffer, to check echoed bytes against (read-only, shared by every connection). */
        final ByteBuf expected;
        final int size;
        final AtomicInteger connections = new AtomicInteger();
        /** Connections that completed a message in the measured phase: all of them, in a valid run. */
        final AtomicInteger answered = new AtomicInteger();
        volatile boolean measuring;
        final int inflight;
        volatile boolean stopped;

        Load(Recorder recorder, RunWatch watch, int size, int inflight) {
            this.recorder = recorder;
            this.watch = watch;
            this.size = size;
            this.pattern = new byte[size + WINDOWS];
            new SplittableRandom(PATTERN_SEED).nextBytes(pattern);
            this.expected = Unpooled.wrappedBuffer(pattern).asReadOnly();
            this.inflight = inflight;
        }
    }

    /** One connection; touched only on its event loop (check() hands its work there). */
    private static final class Conn extends ChannelInboundHandlerAdapter {
        private final Load load;
        private final int index;
        private final Channel channel;
        /** Reports this connection's wait to the watch; one instance, run on each tick. */
        private final Runnable reportWait = this::reportWait;
        private final int size;
        private final long first;    // where this connection's first message starts in the pattern
        private final long[] sentAt; // ring of send times of the outstanding messages
        private int head;            // oldest outstanding
        private int outstanding;
        private int partial;         // bytes received of the oldest outstanding message
        private long sent;           // messages sent so far
        private long received;       // messages received whole so far
        private boolean answeredInPhase; // completed a message in the measured phase (counted in load.answered)
        private boolean failed;      // closed by this client after a failure: not the server's close
        private boolean reset;       // the server reset the connection (an error, but a close of the server's)

        Conn(Load load, int index, Channel channel) {
            this.load = load;
            this.index = index;
            this.channel = channel;
            this.size = load.size;
            this.first = (long) index * CONNECTION_STRIDE;
            this.sentAt = new long[load.inflight];
        }

        /** Where message number seq of this connection starts in the pattern. */
        private int window(long seq) {
            return (int) ((first + seq) % WINDOWS);
        }

        void start(Channel ch) {
            try {
                for (int i = 0; i < load.inflight; i++) {
                    send(ch);
                }
                ch.flush();
            } catch (Throwable t) {
                // An allocator out of memory throws here. Thrown on, Netty would only log it, and this
                // connection would sit idle with its first messages unflushed while the others ran on.
                ch.pipeline().fireExceptionCaught(t); // exceptionCaught: fails the run, closes (releases the writes)
            }
        }

        /** From the main thread's tick: has the event loop report how long the oldest outstanding message has waited. */
        void check() {
            channel.eventLoop().execute(reportWait);
        }

        private void reportWait() {
            load.watch.waited(index, outstanding == 0 ? 0 : System.nanoTime() - sentAt[head]);
        }

        private void send(Channel ch) {
            ByteBuf out = ch.alloc().directBuffer(size);
            out.writeBytes(load.pattern, window(sent++), size);
            sentAt[(head + outstanding) % sentAt.length] = System.nanoTime();
            outstanding++;
            ch.write(out, ch.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                int n = in.readableBytes();
                int at = in.readerIndex();
                long now = System.nanoTime();
                while (n > 0) {
                    if (outstanding == 0) {
                        throw new IllegalStateException("received more bytes than sent");
                    }
                    int take = Math.min(n, size - partial);
                    if (!ByteBufUtil.equals(in, at, load.expected, window(received) + partial, take)) {
                        throw new IllegalStateException("echoed bytes differ from the ones sent (bytes " + partial
                                + ".." + (partial + take - 1) + " of a " + size + "-byte message)");
                    }
                    at += take;
                    partial += take;
                    n -= take;
                    if (partial == size) {
                        partial = 0;
                        received++;
                        long latency = now - sentAt[head];
                        head = (head + 1) % sentAt.length;
                        outstanding--;
                        load.recorder.recordValue(Math.min(Math.max(latency, 0), MAX_LATENCY_NS));
                        if (!answeredInPhase && load.measuring) {
                            answeredInPhase = true;
                            load.answered.incrementAndGet();
                        }
                        if (!load.stopped) {
                            send(ctx.channel());
                        }
                    }
                }
            } finally {
                in.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        /**
         * A reset by the server, and writes that fail with it or after the close, are the server's close
         * (channelInactive reports it, once per connection, as PeerErrors does for the servers); anything
         * else fails the run.
         */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (PeerErrors.isPeerReset(cause)) {
                reset = true;
            } else if (!(cause instanceof ClosedChannelException && !ctx.channel().isOpen()) && !load.stopped) {
                failed = true;
                load.watch.failed(cause);
            }
            ctx.close();
        }

        /** A close that is neither the client's own at the end nor after a failure is the server's. */
        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!load.stopped && !failed) {
                load.watch.serverClosed(reset);
            }
            ctx.fireChannelInactive();
        }
    }
}
