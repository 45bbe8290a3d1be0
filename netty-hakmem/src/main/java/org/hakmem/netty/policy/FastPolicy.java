/*
 * FastPolicy: the speed-first profile (the default). New superslabs are touched at once (prewarm),
 * memory once mapped stays mapped and resident, and each thread heap keeps a few empty spans per size
 * class (ReleasePolicy.SPARE_SLOTS), so a class whose live count swings up and down seldom goes back
 * to the pool's monitor.
 * Only an explicit trim() gives memory back.
 */
package org.hakmem.netty.policy;

import org.hakmem.netty.os.DecommitMode;

public final class FastPolicy implements ReleasePolicy {
    public static final FastPolicy INSTANCE = new FastPolicy();

    private FastPolicy() {
    }

    @Override
    public long idleGiveBackNanos() {
        return -1;
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
