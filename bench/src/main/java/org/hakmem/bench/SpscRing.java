package org.hakmem.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded single-producer single-consumer ring buffer. {@link #offer} may be called by one thread
 * only, {@link #poll} by one (other) thread only. The indices grow without wrapping and are published
 * with release stores and read with acquire loads; each side caches the other's index and refreshes it
 * only when the ring looks full (producer) or empty (consumer). Padding keeps the two indices, and
 * the cached copies, on different cache lines.
 */
final class SpscRing<E> extends SpscRingFields {
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(SpscRingHead.class, "head", long.class);
            TAIL = lookup.findVarHandle(SpscRingTail.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] elements;
    private final int mask;

    SpscRing(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2: " + capacity);
        }
        this.elements = new Object[capacity];
        this.mask = capacity - 1;
    }

    int capacity() {
        return elements.length;
    }

    /** Producer only. False if the ring is full. */
    boolean offer(E e) {
        if (e == null) {
            throw new NullPointerException();
        }
        long t = tail; // only the producer writes tail
        if (t - headCache >= elements.length) {
            headCache = (long) HEAD.getAcquire(this);
            if (t - headCache >= elements.length) {
                return false;
            }
        }
        elements[(int) t & mask] = e;
        TAIL.setRelease(this, t + 1);
        return true;
    }

    /** Consumer only. Null if the ring is empty. */
    @SuppressWarnings("unchecked")
    E poll() {
        long h = head; // only the consumer writes head
        if (h >= tailCache) {
            tailCache = (long) TAIL.getAcquire(this);
            if (h >= tailCache) {
                return null;
            }
        }
        int i = (int) h & mask;
        E e = (E) elements[i];
        elements[i] = null;
        HEAD.setRelease(this, h + 1);
        return e;
    }

    /** Elements taken so far (acquire); any thread. */
    long consumedCount() {
        return (long) HEAD.getAcquire(this);
    }

    /** Elements added so far (acquire); any thread. */
    long producedCount() {
        return (long) TAIL.getAcquire(this);
    }
}

// Field layout by inheritance (the JVM keeps superclass fields first), so that the producer's line
// (tail, headCache) and the consumer's line (head, tailCache) do not share a cache line with each
// other or with neighbouring objects.

abstract class SpscRingPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p10, p11, p12, p13, p14, p15;
}

abstract class SpscRingTail extends SpscRingPad0 {
    /** Written by the producer (release), read by the consumer (acquire). */
    volatile long tail;
    /** Producer's last seen head. */
    long headCache;
}

abstract class SpscRingPad1 extends SpscRingTail {
    long p10a, p11a, p12a, p13a, p14a, p15a, p16a, p17a;
    long p18a, p19a, p1aa, p1ba, p1ca, p1da, p1ea, p1fa;
}

abstract class SpscRingHead extends SpscRingPad1 {
    /** Written by the consumer (release), read by the producer (acquire). */
    volatile long head;
    /** Consumer's last seen tail. */
    long tailCache;
}

abstract class SpscRingFields extends SpscRingHead {
    long p20, p21, p22, p23, p24, p25, p26, p27;
    long p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;
}
