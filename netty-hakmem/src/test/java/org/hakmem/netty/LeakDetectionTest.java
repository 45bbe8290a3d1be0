package org.hakmem.netty;

import org.junit.jupiter.api.parallel.ResourceLock;
import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** A buffer dropped without release() is reported by Netty's ResourceLeakDetector, as with Netty's allocators. */
@ResourceLock(WithoutLeakTracking.LEVEL)
class LeakDetectionTest {
    // Netty logs through java.util.logging when no other logging framework is on the class path.
    private final Logger leakLogger = Logger.getLogger("io.netty.util.ResourceLeakDetector");
    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            reports.add(String.valueOf(record.getMessage()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private ResourceLeakDetector.Level savedLevel;

    @BeforeEach
    void captureLeakReports() {
        savedLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        leakLogger.addHandler(capture);
    }

    @AfterEach
    void restore() {
        leakLogger.removeHandler(capture);
        ResourceLeakDetector.setLevel(savedLevel);
    }

    @Test
    void aDroppedBufferIsReportedAsALeak() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        for (int attempt = 0; attempt < 50 && reports.stream().noneMatch(r -> r.contains("LEAK")); attempt++) {
            dropWithoutRelease(alloc);
            System.gc();
            Thread.sleep(20);
            // The detector reports collected, unreleased buffers when it tracks the next one.
            alloc.directBuffer(16).release();
        }
        assertThat(reports).anyMatch(r -> r.contains("LEAK") && r.contains("release()"));
    }

    private static void dropWithoutRelease(HakmemByteBufAllocator alloc) {
        ByteBuf leaked = alloc.directBuffer(64);
        leaked.writeLong(42);
    }
}
