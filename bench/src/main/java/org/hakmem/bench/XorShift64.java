package org.hakmem.bench;

/** Marsaglia's xorshift64 (13, 7, 17): a tiny, allocation-free PRNG for size and slot picks. */
final class XorShift64 {
    static final long DEFAULT_SEED = 0x9E3779B97F4A7C15L;

    private long state;

    XorShift64(long seed) {
        if (seed == 0) {
            throw new IllegalArgumentException("xorshift64 seed must be non-zero");
        }
        this.state = seed;
    }

    XorShift64() {
        this(DEFAULT_SEED);
    }

    long next() {
        long x = state;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        state = x;
        return x;
    }

    /** Uniform in [0, bound) (bound > 0), up to the negligible modulo bias of a 63-bit source. */
    int nextInt(int bound) {
        return (int) ((next() >>> 1) % bound);
    }

    /** Uniform in [min, max], both inclusive. */
    int nextInt(int min, int max) {
        return min + nextInt(max - min + 1);
    }
}
