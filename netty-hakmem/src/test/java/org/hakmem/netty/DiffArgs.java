package org.hakmem.netty;

import java.util.SplittableRandom;

/**
 * The arguments of one step of the differential test, drawn from the step's seed: mostly valid for the
 * buffer's state as the oracle shows it, sometimes just past a limit, sometimes absurd (negative,
 * Integer.MIN_VALUE / MAX_VALUE). Both sides get the same values.
 */
final class DiffArgs {
    static final int MIB = 1 << 20;
    /** The largest capacity a step asks for on purpose; out-of-range requests aside, nothing grows past ~4 MiB. */
    static final int LARGEST = 3 * MIB;

    /** Capacities around size-class and huge-mapping edges (slot sizes, page multiples, 1 MiB). */
    private static final int[] EDGES = {0, 1, 15, 16, 17, 20, 21, 32, 33, 63, 64, 65, 112, 113, 128, 129, 255, 256,
        257, 1024, 1025, 4095, 4096, 4097, 8192, 8193, 10240, 16384, 16385, 32768, 32769, 65536, 65537, 131072,
        262144, 655360, 655361, 917504, 917505, MIB - 1, MIB, MIB + 1, MIB + 4095, MIB + 4096, MIB + 4097,
        2 * MIB - 1, 2 * MIB, 2 * MIB + 1, LARGEST};

    private final SplittableRandom random;

    DiffArgs(long seed) {
        random = new SplittableRandom(seed);
    }

    int below(int bound) {
        return bound <= 0 ? 0 : random.nextInt(bound);
    }

    /** A value in [from, to], both included. */
    int between(int from, int to) {
        return from >= to ? from : from + random.nextInt(to - from + 1);
    }

    boolean percent(int p) {
        return random.nextInt(100) < p;
    }

    long nextLong() {
        return random.nextLong();
    }

    /** A value to store: edges of the integer ranges now and then, else any bits. */
    long value() {
        switch (below(10)) {
            case 0:
                return 0;
            case 1:
                return -1;
            case 2:
                return Long.MIN_VALUE >>> below(64);
            case 3:
                return 0x80L << (8 * below(8));
            default:
                return random.nextLong();
        }
    }

    /** An out-of-range value near or far from 'limit', the first invalid one. */
    int wild(int limit) {
        switch (below(6)) {
            case 0:
                return -1;
            case 1:
                return Integer.MIN_VALUE;
            case 2:
                return Integer.MAX_VALUE;
            case 3:
                return limit - 1 == Integer.MAX_VALUE ? -2 : limit; // the first index past the end
            case 4:
                return limit + below(8) < 0 ? -3 : limit + below(8);
            default:
                return -1 - below(100);
        }
    }

    /** An index for a field of 'width' bytes in [0, capacity): valid 85% of the time, edges favoured. */
    int index(int capacity, int width) {
        int lastValid = capacity - width;
        if (lastValid >= 0 && percent(85)) {
            switch (below(8)) {
                case 0:
                    return 0;
                case 1:
                    return lastValid;
                default:
                    return below(lastValid + 1);
            }
        }
        return wild(lastValid + 1);
    }

    /** A byte count in [0, available], small ones favoured; out of range 12% of the time. */
    int length(int available) {
        if (available < 0 || percent(12)) {
            return wild(Math.max(available, 0) + 1);
        }
        switch (below(6)) {
            case 0:
                return Math.min(available, below(17));
            case 1:
                return available;
            default:
                return below(available + 1);
        }
    }

    /** A capacity for a new buffer, 0 to ~2 MiB: mostly small, some past 1 MiB (a huge mapping). */
    int size() {
        int p = below(100);
        if (p < 40) {
            return below(129);
        }
        if (p < 65) {
            return below(4097);
        }
        if (p < 85) {
            return between(4097, 70_000);
        }
        if (p < 94) {
            return between(70_001, MIB);
        }
        return between(MIB + 1, 2 * MIB + 4096 + 1);
    }

    /** A new capacity for a buffer of 'capacity': near it, at a class or mapping edge, anywhere, or invalid. */
    int newCapacity(int capacity, int maxCapacity) {
        int p = below(100);
        int wanted;
        if (p < 8) {
            // invalid: negative, or past maxCapacity (not a valid Integer.MAX_VALUE: that would map 2 GiB)
            return percent(50) || maxCapacity == Integer.MAX_VALUE ? -1 - below(3) * (Integer.MAX_VALUE / 2)
                    : maxCapacity + 1 + below(8);
        } else if (p < 35) {
            wanted = capacity + between(-20, 20);
        } else if (p < 70) {
            wanted = EDGES[below(EDGES.length)];
        } else if (p < 85) {
            wanted = below(Math.min(LARGEST, 2 * capacity + 64) + 1);
        } else {
            wanted = size();
        }
        return Math.max(0, Math.min(wanted, Math.min(maxCapacity, LARGEST)));
    }

    <T> T pick(T[] choices) {
        return choices[below(choices.length)];
    }
}
