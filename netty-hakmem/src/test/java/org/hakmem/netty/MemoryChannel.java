package org.hakmem.netty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;

/**
 * A channel over memory for the buffer tests: what is written to it lands in sink, what is read from it
 * comes from source, at most 'chunk' bytes a call, as a socket may move fewer than asked. Closed, it
 * throws ClosedChannelException.
 */
final class MemoryChannel implements GatheringByteChannel, ScatteringByteChannel {
    final ByteArrayOutputStream sink = new ByteArrayOutputStream();
    final ByteBuffer source;
    private final int chunk;
    boolean open = true;

    MemoryChannel(byte[] source, int chunk) {
        this.source = ByteBuffer.wrap(source);
        this.chunk = chunk;
    }

    private void checkOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        checkOpen();
        int n = Math.min(src.remaining(), chunk);
        byte[] bytes = new byte[n];
        src.get(bytes);
        sink.write(bytes, 0, n);
        return n;
    }

    // ByteBuf's calls take one ByteBuffer at a time: the array forms are not used.

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long write(ByteBuffer[] srcs) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        checkOpen();
        if (!source.hasRemaining()) {
            return -1;
        }
        int n = Math.min(Math.min(dst.remaining(), source.remaining()), chunk);
        ByteBuffer part = source.slice().limit(n);
        dst.put(part);
        source.position(source.position() + n);
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long read(ByteBuffer[] dsts) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
