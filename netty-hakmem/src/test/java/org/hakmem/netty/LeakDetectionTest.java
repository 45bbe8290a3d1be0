package org.hakmem.netty;

import org.junit.jupiter.api.parallel.ResourceLock;
import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/** A buffer dropped without release() is reported by Netty's ResourceLeakDetector, as with Netty's allocators. */
@ResourceLock(WithoutLeakTracking.LEVEL)
class LeakDetectionTest {
    private CapturedLog leakReports;
    private ResourceLeakDetector.Level savedLevel;

    @BeforeEach
    void captureLeakReports() {
        savedLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        leakReports = new CapturedLog(ResourceLeakDetector.class);
    }

    @AfterEach
    void restore() {
        leakReports.close();
        ResourceLeakDetector.setLevel(savedLevel);
    }

    @Test
    void aDroppedBufferIsReportedAsALeak() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        for (int attempt = 0; attempt < 50 && !leakReports.toString().contains("LEAK"); attempt++) {
            dropWithoutRelease(alloc);
            System.gc();
            Thread.sleep(20);
            // The detector reports collected, unreleased buffers when it tracks the next one.
            alloc.directBuffer(16).release();
        }
        assertThat(leakReports.at(Level.SEVERE)).anyMatch(r -> r.getMessage().contains("LEAK")
                && r.getMessage().contains("release()"));
    }

    private static void dropWithoutRelease(HakmemByteBufAllocator alloc) {
        ByteBuf leaked = alloc.directBuffer(64);
        leaked.writeLong(42);
    }
}
