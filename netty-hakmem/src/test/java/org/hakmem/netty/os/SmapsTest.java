package org.hakmem.netty.os;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Smaps' parsing of /proc/self/smaps, over files written by the test. */
class SmapsTest {
    private static final long[][] OURS = {{0x7f0000200000L, 0x7f0000400000L}};

    private static Path smaps(Path dir, byte[]... lines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] line : lines) {
            out.writeBytes(line);
            out.write('\n');
        }
        Path file = dir.resolve("smaps");
        Files.write(file, out.toByteArray());
        return file;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void sumsLazyFreeOfTheAreasThatOverlapOurs(@TempDir Path dir) throws IOException {
        Path file = smaps(dir,
                ascii("7f0000000000-7f0000200000 rw-p 00000000 00:00 0"),
                ascii("LazyFree:            100 kB"),
                ascii("7f0000200000-7f0000400000 rw-p 00000000 00:00 0"),
                ascii("Size:               2048 kB"),
                ascii("LazyFree:            512 kB"),
                ascii("VmFlags: rd wr mr mw me nr sd"));
        assertEquals(512 << 10, Smaps.lazyFreeBytes(file, OURS));
    }

    /**
     * The kernel prints a mapped file's path as raw bytes; a JVM started from /home/jürgen, or any
     * jar or library whose path is not ASCII, puts such bytes in the process's smaps.
     */
    @Test
    void pathsThatAreNotAsciiDoNotBreakTheReading(@TempDir Path dir) throws IOException {
        Path file = smaps(dir,
                "7effff000000-7effff100000 r--p 00000000 08:01 1234  /home/jürgen/jdk/lib/modules"
                        .getBytes(StandardCharsets.UTF_8),
                ascii("LazyFree:              0 kB"),
                new byte[] {'7', 'e', 'f', 'f', 'f', 'f', '1', '0', '0', '0', '0', '0', '-', '7', 'e', 'f', 'f', 'f',
                        'f', '2', '0', '0', '0', '0', '0', ' ', 'r', 'w', '-', 'p', ' ', '0', ' ', '0', ':', '0', ' ',
                        '0', ' ', '[', 'a', 'n', 'o', 'n', ':', (byte) 0xff, (byte) 0xfe, ']'}, // not even UTF-8
                ascii("7f0000200000-7f0000400000 rw-p 00000000 00:00 0"),
                ascii("LazyFree:            512 kB"));
        assertEquals(512 << 10, Smaps.lazyFreeBytes(file, OURS));
    }

    /** The same in this process: a file with a non-ASCII name mapped while OsMemory reads smaps. */
    @Test
    void lazyFreeBytesWorksWhileAFileWithANonAsciiNameIsMapped(@TempDir Path dir) throws IOException {
        Path file;
        try {
            file = dir.resolve("hakmem-j\u00fcrgen.bin");
        } catch (InvalidPathException e) {
            file = null;
        }
        assumeTrue(file != null, "this JVM's file name encoding cannot name the file");
        Files.write(file, new byte[4096]);
        OsMemory os = new OsMemory(64L << 20);
        long a = os.map(2L << 20, 2L << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            java.nio.MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, 4096);
            assertEquals(0, os.lazyFreeBytes());
            assertEquals(0, mapped.get(0)); // keeps the mapping alive until here
        } finally {
            os.unmap(a, 2L << 20);
        }
    }
}
