package org.hakmem.netty.os;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HugePages reads the host's THP default from sysfs: "always" there, or for any page size. */
class HugePagesSettingTest {
    @TempDir
    Path dir;

    private void write(String file, String text) throws IOException {
        Path p = dir.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text + "\n");
    }

    @Test
    void alwaysIsOnByDefault() throws IOException {
        write("enabled", "[always] madvise never");
        assertTrue(HugePages.onByDefault(dir));
    }

    @Test
    void madviseAndNeverAreNot() throws IOException {
        write("enabled", "always [madvise] never");
        write("hugepages-2048kB/enabled", "always [inherit] madvise never");
        write("hugepages-64kB/enabled", "always inherit madvise [never]");
        assertFalse(HugePages.onByDefault(dir), "inherit follows madvise");
        write("enabled", "always madvise [never]");
        assertFalse(HugePages.onByDefault(dir));
    }

    @Test
    void onePageSizeAlwaysIsOnByDefault() throws IOException {
        write("enabled", "always [madvise] never");
        write("hugepages-64kB/enabled", "[always] inherit madvise never");
        assertTrue(HugePages.onByDefault(dir), "multi-size THP (Linux 6.8+): 64 KiB folios at a first write");
    }

    @Test
    void aKernelWithoutThpHasNone() {
        assertFalse(HugePages.onByDefault(dir.resolve("absent")));
        assertFalse(HugePages.onByDefault(dir), "an empty directory");
    }
}
