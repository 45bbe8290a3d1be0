package org.hakmem.examples;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.hakmem.netty.HakmemByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hakmem.examples.RoundTrips.assertSameBytes;

/**
 * Netty's own decoder over netty-hakmem's buffers, where retained slices meet recycled buffers in
 * practice: LengthFieldBasedFrameDecoder accumulates the chunks a channel reads (merging them into
 * buffers from the channel's allocator) and hands every frame on as a retained slice of that
 * accumulation. Each frame's bytes are checked; the application keeps some frames, and retained
 * slices of frames, past the release of the accumulation that holds them, and releases them in a
 * shuffled order. At the end no direct byte is held and Netty's leak detector, at PARANOID, reported
 * nothing. The detector wraps every frame with the accumulation's leak record and closes it when a
 * release() answers true: a retained view that answered true when only its own count reached 0 (not
 * the memory) fails here with an AssertionError from the detector (checked by hand, 2026-12-01).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FrameDecoderTest {

    @Test
    void framesCutFromHakmemBuffersAreIntactAndEveryBufferIsReleased() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        Random random = new Random(0xF4A3E);
        List<byte[]> frames = new ArrayList<>();
        byte[] stream = frameStream(random, frames);

        try (LeakReports leaks = new LeakReports()) {
            EmbeddedChannel channel = new EmbeddedChannel();
            channel.config().setAllocator(alloc);
            channel.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4));

            List<ByteBuf> kept = new ArrayList<>();
            int decoded = 0;
            for (int at = 0; at < stream.length; ) {
                int chunk = Math.min(stream.length - at, 1 + random.nextInt(random.nextBoolean() ? 100 : 70_000));
                ByteBuf in = alloc.directBuffer(chunk);
                in.writeBytes(stream, at, chunk);
                at += chunk;
                channel.writeInbound(in);
                for (ByteBuf frame; (frame = channel.readInbound()) != null; decoded++) {
                    assertSameBytes(decoded, frames.get(decoded), frame);
                    if (frame.readableBytes() > 2 && random.nextInt(4) == 0) {
                        kept.add(frame.retainedSlice(1, frame.readableBytes() - 2)); // outlives the frame
                    }
                    if (random.nextInt(3) == 0) {
                        kept.add(frame); // outlives the accumulation's own release
                    } else {
                        frame.release();
                    }
                }
            }
            assertThat(decoded).isEqualTo(frames.size());
            assertThat(channel.finish()).as("nothing left undecoded").isFalse();

            Collections.shuffle(kept, random);
            for (ByteBuf b : kept) {
                b.release(); // a frame with a kept slice of its own stays alive until that slice goes too
            }
            for (ByteBuf b : kept) {
                assertThat(b.refCnt()).isZero();
            }
            assertThat(alloc.metric().usedDirectMemory()).as("direct bytes held at the end: %s", alloc.metric()).isZero();
            assertThat(leaks.afterCollection(alloc)).as("Netty leak reports").isEmpty();
        }
    }

    /** Length-prefixed frames of 0 B to 300 KiB, each with its own bytes; fills frames in order. */
    private static byte[] frameStream(Random random, List<byte[]> frames) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (int f = 0; f < 400; f++) {
            int size = random.nextInt(10) == 0 ? random.nextInt(300 << 10) : random.nextInt(2048);
            byte[] frame = new byte[size];
            random.nextBytes(frame);
            frames.add(frame);
            out.writeInt(size);
            out.write(frame);
        }
        return bytes.toByteArray();
    }
}
