package org.hakmem.netty;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The four-thread trade of ConcurrencyStressTest with Netty's leak detector at SIMPLE, its production
 * setting: about one buffer in 128 is watched, and a watched buffer is out of its span's array while it
 * is out (HakmemDirectByteBuf.watch), while the others stay bound to their slots. Watched and unwatched
 * buffers are released on their own thread and on others, and one in four is moved by capacity(int),
 * which swaps objects between the slot it takes and the slot it leaves. An object handed out twice, or
 * bound to a slot another live buffer uses, breaks a pattern; a watched buffer whose release got lost
 * is reported by the detector as a leak.
 */
@ResourceLock(WithoutLeakTracking.LEVEL)
class WatchedBuffersStressTest {
    /** Bursts of 64, 90% of sizes up to 4 KiB and the rest up to 300 KB, 200 kept, one in 4 moved. */
    private static final BufferTrade.Shape SHAPE = new BufferTrade.Shape(64, 200, 90, 300_000, 4);

    private CapturedLog leakReports;
    private ResourceLeakDetector.Level savedLevel;

    @BeforeEach
    void sampleLikeProduction() {
        savedLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        leakReports = new CapturedLog(ResourceLeakDetector.class);
    }

    @AfterEach
    void restore() {
        leakReports.close();
        ResourceLeakDetector.setLevel(savedLevel);
    }

    /**
     * FAST, and LEAN with no decay and a 1 MiB budget while a fifth thread trims in a loop, so that
     * spans are given back and their arrays, with the objects left in them, pass to new spans.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FAST", "LEAN"})
    void watchedAndUnwatchedBuffersTradedAndMovedNeverShareMemory(String profile) throws Exception {
        boolean lean = profile.equals("LEAN");
        HakmemByteBufAllocator alloc = BufferTrade.fastOrEagerLean(lean);
        BufferTrade trade = new BufferTrade(alloc, 4);
        trade.run(SHAPE, lean, "watched");

        assertThat(trade.watched.get()).as("the detector watched some buffers (of %s)", trade.served)
                .isPositive();
        assertThat(trade.watched.get()).as("and left most of them unwatched").isLessThan(trade.served.get() / 2);
        assertThat(trade.moves.get()).as("capacity moves").isPositive();
        assertEquals(0, alloc.metric().usedDirectMemory());
        alloc.reapDeadThreads();
        assertEquals(0, alloc.metric().liveSpans(), "every span went back to the pool");

        // Every watched buffer was released, so the detector has nothing to report once the
        // collector has run and it tracks a few more buffers (it reports on track()).
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            for (int j = 0; j < 512; j++) {
                alloc.directBuffer(16).release();
            }
        }
        // The level is global and other classes' tests run beside this one: only reports of buffers
        // this trade allocated count (their creation trace names BufferTrade).
        assertThat(leakReports.at(Level.SEVERE)).noneMatch(r -> r.getMessage().contains("LEAK")
                && r.getMessage().contains(BufferTrade.class.getName()));
    }
}
