/*
 * PaddedReference: a volatile reference alone on its cache lines, for the head of a lock-free stack
 * that other threads push onto while its owner works on neighbouring fields.
 *
 * Used for the stacks that carry work back to an owner thread (a heap's ready spans, a cache's
 * returned buffer objects). Without the padding, each remote push would invalidate the cache line
 * holding the owner's hot fields.
 *
 * Padding by inheritance: HotSpot lays out superclass fields first, but since JDK 15 it also puts a
 * subclass's field into a hole the superclass layout left. A class of longs leaves one, the 4 bytes
 * after the 12-byte object header, and `value` sat there, at offset 12: on the cache line of
 * whatever object precedes this one, with the padding behind it. The int p0 takes that hole, so
 * `value` sits at offset 80 with 64 bytes of longs on each side (BENCHMARKS.md, session 7: on JDK 25,
 * cross-thread on an event loop went from 14.1-15.0 to 15.5-16.0 ops/us with this and the same fix
 * in RemoteFrees). FieldLayoutTest checks the offsets the running JVM chose, for every padded class.
 */
package org.hakmem.netty.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

abstract class PaddedReferencePadBefore {
    /** Takes the 4-byte hole after the object header, which `value` would otherwise fill. */
    int p0;
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class PaddedReferenceValue<T> extends PaddedReferencePadBefore {
    volatile T value;
}

public final class PaddedReference<T> extends PaddedReferenceValue<T> {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(PaddedReferenceValue.class, "value", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    long p10, p11, p12, p13, p14, p15, p16, p17;

    public T get() {
        return value;
    }

    public boolean compareAndSet(T expected, T next) {
        return VALUE.compareAndSet(this, expected, next);
    }

    @SuppressWarnings("unchecked")
    public T getAndSet(T next) {
        return (T) VALUE.getAndSet(this, next);
    }

    public void set(T next) {
        value = next;
    }
}
