/*
 * Http2WithHakmemTest: an HTTP/2 cleartext (h2c, prior knowledge) echo server and a client on 127.0.0.1,
 * both on one fresh hakmem allocator (FAST and LEAN), over NIO and native epoll, with Http2FrameCodec and
 * Http2MultiplexHandler on both sides. HTTP/2 uses buffers unlike HTTP/1.1: the frame writer's
 * composites, DATA frames split by flow-control windows and the maximum frame size, padding, HPACK, and
 * inbound DATA that are retained slices of the read buffer, which the server echoes as they are. Many
 * streams run at once on one connection, twice, with bodies of 0 B to 2 MiB, and every byte and an
 * echoed header are checked; then streams are reset and the connection closed with echoes still queued.
 * After the channels close no direct or heap byte is held and Netty's leak detector, at PARANOID,
 * reported nothing.
 */
package org.hakmem.examples;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import org.hakmem.examples.Loopback.Transport;
import org.hakmem.netty.HakmemByteBufAllocator;
import org.hakmem.netty.Profile;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.hakmem.examples.RoundTrips.assertEverythingReleased;
import static org.hakmem.examples.RoundTrips.assertSameBytes;

// A separate thread, so that a test stuck in a loop fails at the timeout rather than whenever it returns.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2WithHakmemTest {

    /** A header the server sends back as it came: HPACK encodes and decodes it both ways. */
    private static final String ECHO_HEADER = "x-echo";
    /** Asks the server to end its reply with a trailers HEADERS frame rather than an ending DATA frame. */
    private static final String TRAILERS = "x-trailers";
    /** The most padding HTTP/2 allows on a frame (Netty counts the pad-length byte in it). */
    private static final int MAX_PADDING = 256;

    static Stream<Arguments> cases() {
        return HttpWithHakmemTest.cases();
    }

    /** What the client saw of one stream: the echoed header and the body, once the stream ended. */
    private record Reply(String echoed, byte[] body) {
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void concurrentStreamsOfEverySizeComeBackByteForByte(Profile profile, Transport transport) throws Exception {
        assumeThat(transport.available()).as("native epoll loads here").isTrue();
        HakmemByteBufAllocator alloc = RoundTrips.allocator(profile);
        Random random = new Random(0x4832);
        // Around the default frame size (16 KiB) and window (64 KiB - 1), the 1 MiB own-mapping line, and 2 MiB.
        int[] sizes = {0, 1, 100, 16383, 16384, 16385, 65535, 65536, 300 << 10, (1 << 20) - 1, (1 << 20) + 1,
                2 << 20, random.nextInt(2 << 20), random.nextInt(70_000)};

        try (LeakReports leaks = new LeakReports()) {
            try (Loopback loopback = Loopback.start(transport, alloc, ch -> server(ch, new CompletableFuture<>()),
                    Http2WithHakmemTest::client)) {
                // Twice on one connection: the second round meets HPACK's dynamic table and windows already used.
                for (int round = 0; round < 2; round++) {
                    exchangeAtOnce(loopback.client(), random, sizes, round * sizes.length);
                }
            }
            assertEverythingReleased(alloc, leaks);
        }
    }

    /**
     * Buffers that HTTP/2 gives up on go back too. The client's streams do not read (no auto-read), so
     * they grant the server no window: its echoes of 2 MiB requests queue in its flow controller as
     * retained slices of its read buffers, and the client's unread frames queue in its stream channels.
     * A third of the streams is reset by the client (RST_STREAM), and the connection is closed once the
     * server has echoed 1 MiB, with every stream still in flight.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void resetStreamsAndAClosedConnectionHoldNothing(Profile profile, Transport transport) throws Exception {
        assumeThat(transport.available()).as("native epoll loads here").isTrue();
        HakmemByteBufAllocator alloc = RoundTrips.allocator(profile);
        Random random = new Random(0x5253);
        try (LeakReports leaks = new LeakReports()) {
            CompletableFuture<Void> echoedMiB = new CompletableFuture<>();
            try (Loopback loopback = Loopback.start(transport, alloc, ch -> server(ch, echoedMiB),
                    Http2WithHakmemTest::client)) {
                for (int m = 0; m < 9; m++) {
                    Http2StreamChannel stream = new Http2StreamChannelBootstrap(loopback.client())
                            .option(ChannelOption.AUTO_READ, false).handler(new ClientStream(new CompletableFuture<>()))
                            .open().get(5, TimeUnit.SECONDS);
                    send(stream, random, RoundTrips.pattern(m, 2 << 20), "m" + m, m);
                    if (m % 3 == 0) {
                        stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
                    }
                }
                echoedMiB.get(20, TimeUnit.SECONDS);
            }
            assertEverythingReleased(alloc, leaks);
        }
    }

    /** Opens a stream per size, sends every request before reading any reply, then checks every reply. */
    private static void exchangeAtOnce(Channel connection, Random random, int[] sizes, int firstMessage)
            throws Exception {
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        List<String> echoes = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            int m = firstMessage + i;
            CompletableFuture<Reply> reply = new CompletableFuture<>();
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                    .handler(new ClientStream(reply)).open().get(5, TimeUnit.SECONDS);
            bodies.add(RoundTrips.pattern(m, sizes[i]));
            echoes.add("m" + m + "-" + "v".repeat(random.nextInt(600)));
            replies.add(reply);
            send(stream, random, bodies.get(i), echoes.get(i), m);
        }
        for (int i = 0; i < sizes.length; i++) {
            int m = firstMessage + i;
            Reply reply = replies.get(i).get(20, TimeUnit.SECONDS);
            assertThat(reply.echoed()).as("message %d's echoed header", m).isEqualTo(echoes.get(i));
            assertSameBytes(m, bodies.get(i), reply.body());
        }
    }

    /**
     * Sends message m on the stream: a (sometimes padded) HEADERS frame, then the body from one buffer of
     * the channel's allocator in retained slices of 1 B to 100 KiB, every third one padded; the codec splits
     * those over 16 KiB and those the window does not let through whole.
     */
    private static void send(Http2StreamChannel stream, Random random, byte[] body, String echo, int m) {
        Http2Headers headers = new DefaultHttp2Headers().method("POST").path("/echo").scheme("http")
                .authority("127.0.0.1").set(ECHO_HEADER, echo);
        if (m % 2 == 1) {
            headers.set(TRAILERS, "1");
        }
        int headerPadding = m % 3 == 0 ? random.nextInt(MAX_PADDING + 1) : 0;
        if (body.length == 0) {
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true, headerPadding));
            return;
        }
        stream.write(new DefaultHttp2HeadersFrame(headers, false, headerPadding));
        ByteBuf content = stream.alloc().buffer(body.length).writeBytes(body);
        for (int frame = 0; content.readableBytes() > 1; frame++) {
            int n = Math.min(content.readableBytes() - 1, 1 + random.nextInt(100 << 10));
            stream.write(new DefaultHttp2DataFrame(content.readRetainedSlice(n), false, padding(random, frame)));
        }
        stream.writeAndFlush(new DefaultHttp2DataFrame(content, true, padding(random, m))); // the last byte ends it
    }

    private static int padding(Random random, int frame) {
        return frame % 3 == 0 ? random.nextInt(MAX_PADDING + 1) : 0;
    }

    /** The echo server's connection; echoedMiB completes once it has echoed 1 MiB in all. */
    private static void server(Channel ch, CompletableFuture<Void> echoedMiB) {
        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    // All streams of the connection count toward it.
                    private final AtomicLong echoed = new AtomicLong();

                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline().addLast(new EchoStream(echoed, echoedMiB));
                    }
                }));
    }

    /**
     * The server's handler of one stream: answers HEADERS with HEADERS carrying the echo header, and each
     * DATA frame with a DATA frame of the same bytes, the inbound buffer itself retained (a slice of the
     * connection's read buffer), padded as the request's frame was. A request that asked for trailers
     * gets its reply ended by a trailers frame.
     */
    private static final class EchoStream extends SimpleChannelInboundHandler<Http2StreamFrame> {
        private final AtomicLong echoed;
        private final CompletableFuture<Void> echoedMiB;
        private boolean trailers;

        EchoStream(AtomicLong echoed, CompletableFuture<Void> echoedMiB) {
            this.echoed = echoed;
            this.echoedMiB = echoedMiB;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            if (frame instanceof Http2HeadersFrame headersFrame) {
                Http2Headers request = headersFrame.headers();
                trailers = request.contains(TRAILERS);
                Http2Headers reply = new DefaultHttp2Headers().status("200").set(ECHO_HEADER, request.get(ECHO_HEADER));
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(reply, headersFrame.isEndStream(), headersFrame.padding()));
            } else if (frame instanceof Http2DataFrame data) {
                boolean last = data.isEndStream();
                int length = data.content().readableBytes();
                ctx.write(new DefaultHttp2DataFrame(data.content().retain(), last && !trailers, data.padding()));
                if (last && trailers) {
                    ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("x-done", "1"), true));
                }
                ctx.flush();
                if (echoed.addAndGet(length) >= 1 << 20) {
                    echoedMiB.complete(null);
                }
            }
        }
    }

    /** The connection's client side; it accepts no stream the server would push, so its handler does nothing. */
    private static void client(Channel ch) {
        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
    }

    /** The client's handler of one stream: gathers the reply, completes it when the stream ends, fails it on an error. */
    private static final class ClientStream extends SimpleChannelInboundHandler<Http2StreamFrame> {
        private final CompletableFuture<Reply> reply;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private String echoed;
        /** The error code of a RST_STREAM the server sent, or -1. */
        private long resetCode = -1;

        ClientStream(CompletableFuture<Reply> reply) {
            this.reply = reply;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            boolean end;
            if (frame instanceof Http2HeadersFrame headers) {
                if (echoed == null) {
                    CharSequence value = headers.headers().get(ECHO_HEADER);
                    echoed = value == null ? "(none)" : value.toString();
                }
                end = headers.isEndStream();
            } else if (frame instanceof Http2DataFrame data) {
                body.write(RoundTrips.bytesOf(data.content()), 0, data.content().readableBytes());
                end = data.isEndStream();
            } else if (frame instanceof Http2ResetFrame reset) {
                resetCode = reset.errorCode();
                return;
            } else {
                return;
            }
            if (end) {
                reply.complete(new Reply(echoed, body.toByteArray()));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            reply.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // No effect once the reply is complete; else says what the stream saw, for a failure's report.
            ClosedChannelException closed = new ClosedChannelException();
            closed.initCause(new IllegalStateException("stream " + ((Http2StreamChannel) ctx.channel()).stream().id()
                    + " closed before its reply ended: echoed header " + (echoed != null) + ", " + body.size()
                    + " body bytes, RST_STREAM " + (resetCode < 0 ? "none" : Http2Error.valueOf(resetCode))
                    + ", connection " + (ctx.channel().parent().isActive() ? "open" : "closed")));
            reply.completeExceptionally(closed);
            ctx.fireChannelInactive();
        }
    }
}
