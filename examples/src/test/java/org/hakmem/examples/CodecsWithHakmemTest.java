/*
 * CodecsWithHakmemTest: Netty's own codecs over netty-hakmem's buffers, in EmbeddedChannel pipelines
 * whose allocator is a fresh hakmem allocator (FAST and LEAN), as a server author's pipeline would
 * run them: frame decoders under both cumulators fed fragments of 1 B to 300 KiB (so that the
 * cumulation grows across size classes and past the 1 MiB huge threshold), an encoder that grows its
 * buffer, ByteBufUtil's string writers on our buffers and on their views, CompositeByteBuf's
 * consolidation and discarding, masked WebSocket frames, and ChunkedWriteHandler. Every byte is
 * checked; at the end no direct or heap byte is held and Netty's leak detector, at PARANOID, reported
 * nothing.
 */
package org.hakmem.examples;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.ReplayingDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.stream.ChunkedFile;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedNioStream;
import io.netty.handler.stream.ChunkedStream;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.AsciiString;
import org.hakmem.netty.HakmemByteBufAllocator;
import org.hakmem.netty.Profile;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hakmem.examples.RoundTrips.assertEverythingReleased;
import static org.hakmem.examples.RoundTrips.assertSameBytes;
import static org.hakmem.examples.RoundTrips.bytesOf;
import static org.hakmem.examples.RoundTrips.pattern;

// A separate thread, so that a test stuck in a loop fails at the timeout rather than whenever it returns.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CodecsWithHakmemTest {

    private static final int MAX_FRAME = 4 << 20;

    /** How a stream of frames is cut: by which decoder, from which bytes. */
    enum Framing {
        /** Length-prefixed; frames are retained slices of the cumulation. */
        LENGTH_FIELD,
        /** Length-prefixed, read by a decoder of the usual hand-written kind that copies each frame out (readBytes). */
        COPYING,
        /** Length-prefixed, read by a ReplayingDecoder (which retries each frame until its bytes are in). */
        REPLAYING,
        /** Lines ending in \n or \r\n. */
        LINE,

        /** Frames of just over 1 MiB, so the cumulation always crosses the huge threshold. */
        FIXED;

        static final int FIXED_LENGTH = (1 << 20) + 7;

        ByteToMessageDecoder decoder() {
            switch (this) {
                case LENGTH_FIELD: return new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4);
                case COPYING: return new CopyingFrameDecoder();
                case REPLAYING: return new ReplayingFrameDecoder();
                case LINE: return new LineBasedFrameDecoder(MAX_FRAME);
                default: return new FixedLengthFrameDecoder(FIXED_LENGTH);
            }
        }

        /** The frames' bytes, some small, some up to 300 KiB, two past 1 MiB; appended to frames. */
        byte[] stream(Random random, List<byte[]> frames) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int count = this == FIXED ? 3 : 150;
            for (int f = 0; f < count; f++) {
                byte[] frame = new byte[size(random, f)];
                random.nextBytes(frame);
                frames.add(frame);
                write(out, frame, f);
            }
            return out.toByteArray();
        }

        private int size(Random random, int f) {
            if (this == FIXED) {
                return FIXED_LENGTH;
            }
            if (f == 40) {
                return (1 << 20) + 4096;
            }
            if (f == 100) {
                return 2 << 20;
            }
            return random.nextInt(10) == 0 ? random.nextInt(300 << 10) : random.nextInt(2048);
        }

        private void write(ByteArrayOutputStream out, byte[] frame, int f) {
            if (this == LINE) {
                for (int i = 0; i < frame.length; i++) {
                    if (frame[i] == '\n' || frame[i] == '\r') {
                        frame[i] = 'x';
                    }
                }
                out.writeBytes(frame);
                out.writeBytes(f % 2 == 0 ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
            } else if (this == FIXED) {
                out.writeBytes(frame);
            } else {
                out.writeBytes(new byte[] {(byte) (frame.length >>> 24), (byte) (frame.length >>> 16),
                        (byte) (frame.length >>> 8), (byte) frame.length});
                out.writeBytes(frame);
            }
        }
    }

    /** Length-prefixed frames, each copied out of the cumulation into a buffer of the channel's allocator. */
    static final class CopyingFrameDecoder extends ByteToMessageDecoder {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (in.readableBytes() < 4 || in.readableBytes() < 4 + in.getInt(in.readerIndex())) {
                return;
            }
            out.add(in.readBytes(in.readInt()));
        }
    }

    /** Length-prefixed frames, as retained slices, the way a ReplayingDecoder is written: as if every byte were there. */
    static final class ReplayingFrameDecoder extends ReplayingDecoder<Void> {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            int length = in.readInt();
            out.add(in.readRetainedSlice(length));
        }
    }

    static Stream<Arguments> decoders() {
        List<Arguments> cases = new ArrayList<>();
        for (Profile profile : Profile.values()) {
            for (Framing framing : Framing.values()) {
                cases.add(Arguments.of(profile, framing, "MERGE"));
                cases.add(Arguments.of(profile, framing, "COMPOSITE"));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("decoders")
    void frameDecodersCutIntactFramesFromFragmentsOfEverySize(Profile profile, Framing framing, String cumulator)
            throws Exception {
        HakmemByteBufAllocator alloc = RoundTrips.allocator(profile);
        Random random = new Random(0xC0DEC + framing.ordinal() * 31 + cumulator.length());
        List<byte[]> frames = new ArrayList<>();
        byte[] stream = framing.stream(random, frames);

        try (LeakReports leaks = new LeakReports()) {
            ByteToMessageDecoder decoder = framing.decoder();
            decoder.setCumulator(cumulator.equals("MERGE")
                    ? ByteToMessageDecoder.MERGE_CUMULATOR : ByteToMessageDecoder.COMPOSITE_CUMULATOR);
            EmbeddedChannel channel = channel(alloc, decoder);

            List<ByteBuf> kept = new ArrayList<>();
            int decoded = 0;
            for (int at = 0; at < stream.length; ) {
                int chunk = Math.min(stream.length - at, fragmentSize(random));
                channel.writeInbound(fragment(alloc, random, stream, at, chunk));
                at += chunk;
                for (ByteBuf frame; (frame = channel.readInbound()) != null; decoded++) {
                    assertSameBytes(decoded, frames.get(decoded), frame);
                    keepSome(random, frame, kept);
                }
            }
            assertThat(decoded).isEqualTo(frames.size());
            assertThat(channel.finish()).as("nothing left undecoded").isFalse();
            Collections.shuffle(kept, random);
            kept.forEach(ByteBuf::release);
            assertEverythingReleased(alloc, leaks);
        }
    }

    /** An EmbeddedChannel on alloc with these handlers, as a pipeline of a channel that uses the allocator. */
    private static EmbeddedChannel channel(HakmemByteBufAllocator alloc, ChannelHandler... handlers) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(handlers);
        return channel;
    }

    /** 1 B, up to 100 B, up to 64 KiB or up to 300 KiB. */
    private static int fragmentSize(Random random) {
        switch (random.nextInt(10)) {
            case 0: return 1;
            case 1: case 2: case 3: return 1 + random.nextInt(100);
            case 4: case 5: case 6: return 1 + random.nextInt(64 << 10);
            default: return 1 + random.nextInt(300 << 10);
        }
    }

    /** A fragment as a channel could deliver it: our direct buffer, our heap buffer, a retained slice, or a wrapped array. */
    private static ByteBuf fragment(HakmemByteBufAllocator alloc, Random random, byte[] stream, int at, int length) {
        switch (random.nextInt(4)) {
            case 0: return alloc.heapBuffer(length).writeBytes(stream, at, length);
            case 1: {
                ByteBuf whole = alloc.directBuffer(length + 16).writerIndex(8).writeBytes(stream, at, length);
                ByteBuf slice = whole.retainedSlice(8, length);
                whole.release();
                return slice;
            }
            case 2: return Unpooled.wrappedBuffer(stream, at, length);
            default: return alloc.directBuffer(length).writeBytes(stream, at, length);
        }
    }

    /** The application keeps some frames, and retained slices of some, past the cumulation's release. */
    private static void keepSome(Random random, ByteBuf frame, List<ByteBuf> kept) {
        if (frame.readableBytes() > 2 && random.nextInt(4) == 0) {
            kept.add(frame.retainedSlice(frame.readerIndex() + 1, frame.readableBytes() - 2));
        }
        if (random.nextInt(3) == 0) {
            kept.add(frame);
        } else {
            frame.release();
        }
    }

    /** Writes text with ByteBufUtil (UTF-8 or ASCII) behind a length, into the buffer the encoder allocated. */
    static final class TextEncoder extends MessageToByteEncoder<CharSequence> {
        @Override
        protected void encode(ChannelHandlerContext ctx, CharSequence msg, ByteBuf out) {
            int lengthAt = out.writerIndex();
            out.writeInt(0);
            int written = msg instanceof AsciiString ? ByteBufUtil.writeAscii(out, msg) : ByteBufUtil.writeUtf8(out, msg);
            out.setInt(lengthAt, written);
        }
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void encoderAndStringWritersProduceNettysBytes(Profile profile) throws Exception {
        HakmemByteBufAllocator alloc = RoundTrips.allocator(profile);
        Random random = new Random(0x7E47);
        try (LeakReports leaks = new LeakReports()) {
            EmbeddedChannel encoder = channel(alloc, new TextEncoder());
            EmbeddedChannel decoder = channel(alloc, new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4));
            int[] lengths = {0, 1, 100, 255, 256, 4096, 70_000, 300 << 10, 600 << 10};
            for (int i = 0; i < lengths.length; i++) {
                String text = text(random, lengths[i]);
                CharSequence ascii = new AsciiString(asciiOnly(text));
                for (CharSequence msg : List.of(text, ascii)) {
                    assertThat(encoder.writeOutbound(msg)).isTrue();
                    ByteBuf encoded = encoder.readOutbound();
                    assertThat(encoded.isDirect()).as("the encoder's buffer is ours").isTrue();
                    decoder.writeInbound(encoded);
                    ByteBuf frame = decoder.readInbound();
                    assertSameBytes(i, nettyBytes(msg), frame);
                    frame.release();
                }
                stringWriters(alloc, i, text);
            }
            assertThat(encoder.finish()).isFalse();
            assertThat(decoder.finish()).isFalse();
            assertEverythingReleased(alloc, leaks);
        }
    }

    /**
     * The bytes Netty writes for msg into a heap buffer of its own, the reference for ours. Netty's UTF-8
     * differs from the JDK's after a lone high surrogate (it writes the next char as one byte).
     */
    private static byte[] nettyBytes(CharSequence msg) {
        ByteBuf heap = Unpooled.buffer();
        if (msg instanceof AsciiString) {
            ByteBufUtil.writeAscii(heap, msg);
        } else {
            ByteBufUtil.writeUtf8(heap, msg);
        }
        return bytesOf(heap);
    }

    /** ByteBufUtil's and ByteBuf's string methods on our buffers, their duplicates and their slices. */
    private static void stringWriters(HakmemByteBufAllocator alloc, int i, String text) {
        byte[] utf8 = nettyBytes(text);
        for (Charset charset : List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16, StandardCharsets.ISO_8859_1)) {
            ByteBuf encoded = ByteBufUtil.encodeString(alloc, CharBuffer.wrap(text), charset);
            assertSameBytes(i, text.getBytes(charset), encoded);
            encoded.release();
        }
        ByteBuf direct = ByteBufUtil.writeUtf8(alloc, text);
        assertSameBytes(i, utf8, direct);
        assertThat(direct.toString(StandardCharsets.UTF_8)).isEqualTo(new String(utf8, StandardCharsets.UTF_8));
        direct.release();

        // A duplicate grows its parent as it writes; a slice has room for exactly the bytes.
        ByteBuf parent = alloc.directBuffer(16);
        ByteBuf duplicate = parent.retainedDuplicate();
        ByteBufUtil.reserveAndWriteUtf8(duplicate, text, ByteBufUtil.utf8MaxBytes(text)); // (less: Netty writes past the end)
        parent.writerIndex(duplicate.writerIndex());
        assertSameBytes(i, utf8, parent);
        duplicate.release();
        parent.release();

        // writeUtf8 asks for room for the most bytes the text could take, 3 a char.
        int room = ByteBufUtil.utf8MaxBytes(text);
        ByteBuf holder = alloc.directBuffer(room + 32);
        ByteBuf slice = holder.retainedSlice(16, room).clear();
        holder.release(); // the slice keeps the memory
        assertThat(ByteBufUtil.writeUtf8(slice, text)).isEqualTo(utf8.length);
        assertSameBytes(i, utf8, slice);
        slice.clear().writeCharSequence(text, StandardCharsets.UTF_8);
        assertThat(slice.toString(StandardCharsets.UTF_8)).isEqualTo(new String(utf8, StandardCharsets.UTF_8));
        slice.release();
    }

    /** Text of that many chars: ASCII, 2- and 3-byte chars, surrogate pairs, and now and then a lone surrogate. */
    private static String text(Random random, int length) {
        StringBuilder s = new StringBuilder(length);
        while (s.length() < length) {
            int kind = random.nextInt(20);
            if (kind < 12) {
                s.append((char) (32 + random.nextInt(95)));
            } else if (kind < 15) {
                s.append((char) (0x80 + random.nextInt(0x780)));
            } else if (kind < 18) {
                s.append((char) (0x800 + random.nextInt(0xD000 - 0x800)));
            } else if (kind == 18 && s.length() + 2 <= length) {
                s.appendCodePoint(0x10000 + random.nextInt(0xFFFF));
            } else if (kind == 19) {
                s.append((char) (0xD800 + random.nextInt(0x800)));
            }
        }
        return s.toString();
    }

    private static String asciiOnly(String text) {
        StringBuilder s = new StringBuilder(text.length());
        text.chars().forEach(c -> s.append(c < 128 ? (char) c : '?'));
        return s.toString();
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void maskedWebSocketFramesComeThroughIntact(Profile profile) throws Exception {
        HakmemByteBufAllocator alloc = RoundTrips.allocator(profile);
        Random random = new Random(0x3EB5);
        try (LeakReports leaks = new LeakReports()) {
            // The client's encoder masks each payload into its own buffer; the server's decoder unmasks in place.
            EmbeddedChannel client = channel(alloc, new WebSocket08FrameEncoder(true));
            EmbeddedChannel server = channel(alloc, new WebSocket08FrameDecoder(true, false, MAX_FRAME));
            int[] sizes = {0, 1, 125, 126, 127, 65535, 65536, 300 << 10, (1 << 20) + 3};
            for (int m = 0; m < sizes.length * 2; m++) {
                byte[] payload = pattern(m, sizes[m % sizes.length]);
                ByteBuf content = alloc.directBuffer(payload.length).writeBytes(payload);
                assertThat(client.writeOutbound(m % 2 == 0 ? new BinaryWebSocketFrame(content)
                        : new TextWebSocketFrame(content))).isTrue();
                for (ByteBuf wire; (wire = client.readOutbound()) != null; wire.release()) {
                    while (wire.isReadable()) { // the wire in fragments of 1 B to 300 KiB, as retained slices
                        server.writeInbound(wire.readRetainedSlice(Math.min(wire.readableBytes(), fragmentSize(random))));
                    }
                }
                WebSocketFrame frame = server.readInbound();
                assertThat(frame).as("frame %d", m).isInstanceOf(m % 2 == 0 ? BinaryWebSocketFrame.class
                        : TextWebSocketFrame.class);
                assertSameBytes(m, payload, frame.content());
                frame.release();
            }
            assertThat(client.finish()).isFalse();
            assertThat(server.finish()).isFalse();
            assertEverythingReleased(alloc, leaks);
        }
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void compositesConsolidateAndDiscardOurBuffersIntact(Profile profile) throws Exception {
        HakmemByteBufAllocator alloc = RoundTrips.allocator(profile);
        Random random = new Random(0xC0C0);
        try (LeakReports leaks = new LeakReports()) {
            for (int round = 0; round < 6; round++) {
                // Few components allowed: adding past them consolidates into one buffer of our allocator.
                CompositeByteBuf composite = round % 2 == 0 ? alloc.compositeDirectBuffer(8) : alloc.compositeBuffer(64);
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                for (int c = 0; c < 20; c++) {
                    byte[] bytes = pattern(round * 100 + c, fragmentSize(random));
                    expected.writeBytes(bytes);
                    composite.addComponent(true, component(alloc, random, bytes));
                }
                byte[] all = expected.toByteArray();
                assertSameBytes(round, all, composite);

                int skip = random.nextInt(all.length);
                composite.skipBytes(skip);
                composite.discardReadComponents();
                assertSameBytes(round, Arrays.copyOfRange(all, skip, all.length), composite);

                byte[] more = pattern(round, 1 + random.nextInt(200 << 10));
                composite.writeBytes(more); // past the capacity: a new component from our allocator
                expected.writeBytes(more);
                all = expected.toByteArray();
                composite.consolidate();
                assertThat(composite.numComponents()).isLessThanOrEqualTo(1);
                assertSameBytes(round, Arrays.copyOfRange(all, skip, all.length), composite);

                // A slice views the composite's indexes, which discardReadBytes moves: it goes first.
                ByteBuf slice = composite.retainedSlice();
                ByteBuf copy = composite.copy();
                assertSameBytes(round, Arrays.copyOfRange(all, skip, all.length), slice);
                slice.release();
                composite.discardReadBytes();
                assertSameBytes(round, Arrays.copyOfRange(all, skip, all.length), copy);
                copy.release();
                composite.capacity(composite.readableBytes() / 2);
                assertSameBytes(round, Arrays.copyOfRange(all, skip, skip + composite.readableBytes()), composite);
                composite.release();
            }
            assertEverythingReleased(alloc, leaks);
        }
    }

    /** bytes as one of our buffers, a retained slice or duplicate of one, or our heap buffer. */
    private static ByteBuf component(HakmemByteBufAllocator alloc, Random random, byte[] bytes) {
        switch (random.nextInt(4)) {
            case 0: {
                ByteBuf whole = alloc.directBuffer(bytes.length + 9).writeZero(9).writeBytes(bytes);
                ByteBuf slice = whole.retainedSlice(9, bytes.length);
                whole.release();
                return slice;
            }
            case 1: {
                ByteBuf whole = alloc.directBuffer(bytes.length).writeBytes(bytes);
                ByteBuf duplicate = whole.retainedDuplicate();
                whole.release();
                return duplicate;
            }
            case 2: return alloc.heapBuffer(bytes.length).writeBytes(bytes);
            default: return alloc.directBuffer(bytes.length).writeBytes(bytes);
        }
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void chunkedWriteHandlerSendsEveryChunkIntact(Profile profile, @TempDir Path dir) throws Exception {
        HakmemByteBufAllocator alloc = RoundTrips.allocator(profile);
        byte[] data = pattern(7, (5 << 19) + 123); // 2.5 MiB
        Path file = Files.write(dir.resolve("data"), data);
        try (LeakReports leaks = new LeakReports()) {
            EmbeddedChannel channel = channel(alloc, new ChunkedWriteHandler());
            List<ChunkedInput<ByteBuf>> inputs = List.of(
                    new ChunkedStream(new ByteArrayInputStream(data), 8192),
                    new ChunkedStream(new ByteArrayInputStream(data), 300 << 10),
                    new ChunkedNioStream(Channels.newChannel(new ByteArrayInputStream(data)), 1 << 20),
                    new ChunkedNioFile(file.toFile(), (1 << 20) + 1),
                    new ChunkedFile(file.toFile(), 65536),
                    new ChunkedStream(new ByteArrayInputStream(new byte[0])));
            for (int i = 0; i < inputs.size(); i++) {
                channel.writeAndFlush(inputs.get(i)).sync();
                ByteArrayOutputStream sent = new ByteArrayOutputStream();
                for (ByteBuf chunk; (chunk = channel.readOutbound()) != null; chunk.release()) {
                    sent.writeBytes(bytesOf(chunk));
                }
                assertSameBytes(i, i == inputs.size() - 1 ? new byte[0] : data, sent.toByteArray());
            }
            assertThat(channel.finish()).isFalse();
            assertEverythingReleased(alloc, leaks);
        }
    }
}
