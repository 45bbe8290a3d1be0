package org.hakmem.examples.bench;

import io.netty.buffer.ByteBuf;
import org.hakmem.netty.HakmemByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ProcStatus.resetPeak, which the echo server uses to measure the peak of its measured phase: after a
 * 64 MiB peak has come and gone, VmHWM holds it until the reset and drops to about VmRSS after it.
 */
class ProcStatusTest {
    private static final int PEAK_BYTES = 64 << 20;
    private static final long PAGE = 4096;

    @Test
    void resetPeakForgetsAPeakThatHasGone() {
        assumeTrue(ProcStatus.statusKib("VmHWM") > 0, "no /proc/self/status on this system");
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        ByteBuf peak = alloc.directBuffer(PEAK_BYTES); // a mapping of its own
        for (long i = 0; i < PEAK_BYTES; i += PAGE) {
            peak.setByte((int) i, 1); // every page resident
        }
        long rssAtPeakKib = ProcStatus.statusKib("VmRSS");
        peak.release(); // its mapping is kept for the next buffer of its size (HugeCache) ...
        alloc.trim();   // ... until trim() unmaps it
        long rssAfterKib = ProcStatus.statusKib("VmRSS");
        long hwmBeforeResetKib = ProcStatus.statusKib("VmHWM");
        // The kernel's RSS counters are approximate by a few pages, so compare by half the peak.
        assertThat(rssAfterKib).as("the peak's pages are gone").isLessThan(rssAtPeakKib - (PEAK_BYTES >> 11));
        assertThat(hwmBeforeResetKib).as("VmHWM keeps the peak").isGreaterThan(rssAfterKib + (PEAK_BYTES >> 11));

        assertThat(ProcStatus.resetPeak()).as("the kernel accepts the reset").isTrue();

        long hwmAfterResetKib = ProcStatus.statusKib("VmHWM");
        assertThat(hwmAfterResetKib).as("VmHWM after the reset (VmHWM before: %d KiB, VmRSS: %d KiB)",
                        hwmBeforeResetKib, rssAfterKib)
                .isLessThan(hwmBeforeResetKib - (PEAK_BYTES >> 11));
    }
}
