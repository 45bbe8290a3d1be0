/*
 * FastPolicy: the speed-first profile. Memory once mapped stays mapped and resident, and each thread
 * heap keeps one empty span per size class, so a class that empties and refills in a loop never goes
 * back to the pool's monitor.
 */
package org.hakmem.netty.policy;

public final class FastPolicy implements ReleasePolicy {
    public static final FastPolicy INSTANCE = new FastPolicy();

    private FastPolicy() {
    }

    @Override
    public int spareSpansPerClass() {
        return 1;
    }

    @Override
    public boolean keepEmptySuperslab(long mappedBytes) {
        return true;
    }

    @Override
    public String name() {
        return "FAST";
    }
}
