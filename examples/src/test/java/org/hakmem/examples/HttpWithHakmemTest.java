/*
 * HttpWithHakmemTest: an HTTP/1.1 echo server and a client on 127.0.0.1, both on one fresh hakmem
 * allocator (FAST and LEAN), over NIO and native epoll: HttpServerCodec, HttpContentCompressor and
 * HttpObjectAggregator on the server, HttpClientCodec, HttpContentDecompressor and an aggregator on the
 * client, the server's own handler on a business executor. POST bodies of 0 B to 2 MiB go up one at a
 * time, then pipelined, with a Content-Length or chunked, come back gzip, deflate or plain, whole or
 * chunked, and are checked byte for byte. After the channels close no direct or heap byte is held and
 * Netty's leak detector, at PARANOID, reported nothing.
 */
package org.hakmem.examples;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import org.hakmem.examples.Loopback.Transport;
import org.hakmem.netty.HakmemByteBufAllocator;
import org.hakmem.netty.Profile;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.hakmem.examples.RoundTrips.assertEverythingReleased;
import static org.hakmem.examples.RoundTrips.assertSameBytes;
import static org.hakmem.examples.RoundTrips.bytesOf;

// A separate thread, so that a test stuck in a loop fails at the timeout rather than whenever it returns.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpWithHakmemTest {

    private static final int MAX_BODY = 4 << 20;
    private static final String[] ENCODINGS = {"gzip", "deflate", "identity"};
    /** Asks the server to answer in chunks rather than with a Content-Length. */
    private static final String CHUNKED_REPLY = "x-chunked-reply";

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Profile profile : Profile.values()) {
            for (Transport transport : Transport.values()) {
                cases.add(Arguments.of(profile, transport));
            }
        }
        return cases.stream();
    }

    /** What the client saw of one response: its Content-Encoding on the wire and its decoded body. */
    private static final class Reply {
        String encoding;
        byte[] body;
        Throwable failure;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void postsOfEverySizeComeBackByteForByte(Profile profile, Transport transport) throws Exception {
        assumeThat(transport.available()).as("native epoll loads here").isTrue();
        HakmemByteBufAllocator alloc = RoundTrips.allocator(profile);
        Random random = new Random(0x477B);
        int[] sizes = {0, 1, 100, 8191, 8192, 65536, 300 << 10, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 2 << 20,
                random.nextInt(2 << 20), random.nextInt(70_000), random.nextInt(1 << 20)};
        BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();

        EventExecutorGroup business = new DefaultEventExecutorGroup(2);
        try (LeakReports leaks = new LeakReports()) {
            try (Loopback loopback = Loopback.start(transport, alloc, ch -> server(ch, business),
                    ch -> client(ch, replies))) {
                Channel client = loopback.client();
                // One request at a time, then all of them pipelined: sent at once, answered in order.
                for (int m = 0; m < sizes.length; m++) {
                    byte[] body = body(random, sizes[m]);
                    send(client, random, body, m);
                    checkReply(m, body, replies);
                }
                List<byte[]> sent = new ArrayList<>();
                for (int m = sizes.length; m < sizes.length * 2; m++) {
                    sent.add(body(random, sizes[m - sizes.length]));
                    send(client, random, sent.get(sent.size() - 1), m);
                }
                for (int m = sizes.length; m < sizes.length * 2; m++) {
                    checkReply(m, sent.get(m - sizes.length), replies);
                }
            } finally {
                business.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10_000);
            }
            assertEverythingReleased(alloc, leaks);
        }
    }

    private static void checkReply(int m, byte[] body, BlockingQueue<Reply> replies) throws InterruptedException {
        Reply reply = replies.poll(20, TimeUnit.SECONDS);
        assertThat(reply).as("reply to message %d", m).isNotNull();
        assertThat(reply.failure).as("client pipeline failure").isNull();
        assertSameBytes(m, body, reply.body);
        String encoding = ENCODINGS[m % ENCODINGS.length];
        if (body.length > 0 && !encoding.equals("identity")) {
            assertThat(reply.encoding).as("message %d's Content-Encoding", m).isEqualTo(encoding);
        }
    }

    /** Half pattern, half random: compressible, but not to nothing. */
    private static byte[] body(Random random, int size) {
        byte[] body = RoundTrips.pattern(size, size);
        for (int i = 0; i < size; i += 2) {
            body[i] = (byte) random.nextInt();
        }
        return body;
    }

    /**
     * The application's handler runs on a business executor, as a server author would put a slow one:
     * the aggregated request is released there, and a whole reply is allocated there and released by the
     * event loop that writes it.
     */
    private static void server(Channel ch, EventExecutorGroup business) {
        ch.pipeline().addLast(new HttpServerCodec(), new HttpContentCompressor(), new HttpObjectAggregator(MAX_BODY))
                .addLast(business, new EchoBody());
    }

    /** Answers each request with its body: a copy of it whole, or retained slices of 1 B to 100 KiB if asked. */
    private static final class EchoBody extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            ByteBuf content = request.content();
            if (!request.headers().contains(CHUNKED_REPLY)) {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        ctx.alloc().buffer(content.readableBytes()).writeBytes(content));
                HttpUtil.setContentLength(response, response.content().readableBytes());
                ctx.writeAndFlush(response);
                return;
            }
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.write(head);
            Random random = new Random(content.readableBytes());
            while (content.isReadable()) {
                int n = Math.min(content.readableBytes(), 1 + random.nextInt(100 << 10));
                ctx.write(new DefaultHttpContent(content.readRetainedSlice(n)));
            }
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    private static void client(Channel ch, BlockingQueue<Reply> replies) {
        Reply[] current = new Reply[1];
        ch.pipeline().addLast(new HttpClientCodec(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpResponse) { // before the decompressor takes the header away
                    current[0] = new Reply();
                    current[0].encoding = ((HttpResponse) msg).headers().get(HttpHeaderNames.CONTENT_ENCODING);
                }
                ctx.fireChannelRead(msg);
            }
        }, new HttpContentDecompressor(0), new HttpObjectAggregator(MAX_BODY), new SimpleChannelInboundHandler<FullHttpResponse>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                current[0].body = bytesOf(response.content());
                replies.add(current[0]);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                Reply failed = new Reply();
                failed.failure = cause;
                replies.add(failed);
                ctx.close();
            }
        });
    }

    /**
     * POSTs body as message m: with a Content-Length, or chunked in pieces of 1 B to 300 KiB, from buffers
     * of the channel's allocator; m also picks the Accept-Encoding and whether the reply comes chunked.
     */
    private static void send(Channel client, Random random, byte[] body, int m) {
        String encoding = ENCODINGS[m % ENCODINGS.length];
        boolean chunkedUp = m % 2 == 1;
        boolean chunkedDown = (m / 2) % 2 == 1;
        ByteBuf content = client.alloc().buffer(body.length).writeBytes(body);
        if (!chunkedUp) {
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/echo", content);
            HttpUtil.setContentLength(request, body.length);
            headers(request, encoding, chunkedDown);
            client.writeAndFlush(request);
            return;
        }
        DefaultHttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/echo");
        HttpUtil.setTransferEncodingChunked(head, true);
        headers(head, encoding, chunkedDown);
        client.write(head);
        while (content.readableBytes() > 1) {
            int n = Math.min(content.readableBytes() - 1, 1 + random.nextInt(300 << 10));
            client.write(new DefaultHttpContent(content.readRetainedSlice(n)));
        }
        client.writeAndFlush(new DefaultLastHttpContent(content)); // the last byte (if any) rides with the end
    }

    private static void headers(HttpRequest request, String encoding, boolean chunkedDown) {
        request.headers().set(HttpHeaderNames.HOST, "127.0.0.1").set(HttpHeaderNames.ACCEPT_ENCODING, encoding);
        if (chunkedDown) {
            request.headers().set(CHUNKED_REPLY, "1");
        }
    }
}
