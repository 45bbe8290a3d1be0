/*
 * FastPolicy: the speed-first profile (the default). New superslabs are touched at once (prewarm),
 * memory once mapped stays mapped and resident, and each thread heap keeps a few empty spans per size
 * class (ReleasePolicy.SPARE_SLOTS), so a class whose live count swings up and down seldom goes back
 * to the pool's monitor. A heap whose thread holds no buffer any more hands its empty spans to the
 * pool (at most once a second), where other threads can use them; the memory stays mapped and
 * resident. Only an explicit trim() gives memory back to the kernel.
 */
package org.hakmem.netty.policy;

import org.hakmem.netty.os.DecommitMode;

public final class FastPolicy implements ReleasePolicy {
    public static final FastPolicy INSTANCE = new FastPolicy();

    /**
     * A heap whose thread released its last buffer hands its empty spans to the pool at most once a
     * second. The pool keeps them mapped and resident (FAST never decommits), so nothing goes back to
     * the kernel, but any thread can cut its spans from them: memory follows what the threads hold
     * together, not threads times size classes. Without it, 200 pool threads that each had used 50
     * buffers of 16 B-4 KiB added 219 MiB of RSS while idle, all of it empty spans; 25.7 MiB with it
     * (docs/BENCHMARKS.md, "Threads that go idle"). Once a second bounds the cost for a thread that
     * empties and refills in a loop (an event loop between messages) to a clock read per emptying
     * and one round of span hand-over per second.
     */
    static final long IDLE_GIVE_BACK_NANOS = 1_000_000_000L;

    private FastPolicy() {
    }

    @Override
    public long idleGiveBackNanos() {
        return IDLE_GIVE_BACK_NANOS;
    }

    /**
     * No: the speed-first profile keeps its allocation path free of atomic operations. A heap whose
     * thread empties twice within a second and then idles keeps its empty spans (resident in FAST
     * either way) until the thread allocates again, calls trim() or exits.
     */
    @Override
    public boolean parksIdleHeaps() {
        return false;
    }

    /** Spare spans adapt to churn, within SPARE_GROWTH_BYTES per heap (heap.SpareSpans). */
    @Override
    public long spareGrowthBytes() {
        return SPARE_GROWTH_BYTES;
    }

    @Override
    public boolean trimHeaps(long committedBytes) {
        return false; // FAST has no background purge; trim() still asks the heaps
    }

    @Override
    public boolean prewarm() {
        return true;
    }

    @Override
    public boolean hugePages() {
        return true; // every page is prewarmed, so a huge page costs no extra residency
    }

    @Override
    public boolean cleanSlabsFirst() {
        return false; // resident slabs first: no page faults
    }

    @Override
    public DecommitMode decommitMode() {
        return DecommitMode.OFF;
    }

    @Override
    public long purgeIntervalNanos() {
        return 0;
    }

    @Override
    public Release release(boolean wholeSuperslab, long idleNanos, long committedBytes, long mappedBytes) {
        return Release.KEEP;
    }

    @Override
    public String name() {
        return "FAST";
    }
}
