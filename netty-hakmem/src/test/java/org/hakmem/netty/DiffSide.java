package org.hakmem.netty;

import io.netty.buffer.ByteBufAllocator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * What one side of the differential test works with besides its buffers: its allocator (for peers
 * from the same allocator) and a file of its own, so that file-channel calls on the two sides start
 * from the same file and can be compared afterwards.
 */
final class DiffSide implements AutoCloseable {
    /** Files are emptied when they grow past this, between steps, on both sides at once. */
    private static final long FILE_LIMIT = 8L << 20;

    final boolean ours;
    final ByteBufAllocator alloc;
    final FileChannel file;
    /** A channel already closed: reads answer -1 through the buffer, writes throw ClosedChannelException. */
    final FileChannel closedFile;

    DiffSide(boolean ours, ByteBufAllocator alloc, Path dir) throws IOException {
        this.ours = ours;
        this.alloc = alloc;
        Path path = Files.createTempFile(dir, ours ? "ours" : "theirs", ".bin");
        file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        closedFile = FileChannel.open(path, StandardOpenOption.READ);
        closedFile.close();
    }

    void resetFile() throws IOException {
        file.truncate(0);
        file.position(0);
    }

    void trimFile() throws IOException {
        if (file.size() > FILE_LIMIT) {
            resetFile();
        }
    }

    /** The file's size, position and bytes, read without moving its position. */
    List<Object> fileState() throws IOException {
        ByteBuffer content = ByteBuffer.allocate((int) file.size());
        while (content.hasRemaining() && file.read(content, content.position()) > 0) {
            // a positional read: the channel's own position stays
        }
        return List.of(file.size(), file.position(), content.flip());
    }

    /** Makes this side's file a copy of the other side's: bytes and position. */
    void copyFileFrom(DiffSide other) throws IOException {
        List<Object> state = other.fileState();
        resetFile();
        ByteBuffer content = ((ByteBuffer) state.get(2)).duplicate();
        while (content.hasRemaining()) {
            file.write(content);
        }
        file.position((Long) state.get(1));
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    @Override
    public String toString() {
        return ours ? "ours" : "theirs";
    }
}
