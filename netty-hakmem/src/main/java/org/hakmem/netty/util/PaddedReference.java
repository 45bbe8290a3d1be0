/*
 * PaddedReference: a volatile reference alone on its cache lines, for the head of a lock-free stack
 * that other threads push onto while its owner works on neighbouring fields.
 *
 * Used for the stacks that carry work back to an owner thread (a heap's ready spans, a cache's
 * returned buffer objects). Without the padding, each remote push would invalidate the cache line
 * holding the owner's hot fields. Superclass fields are laid out first, so 64 bytes of padding sit
 * on each side of `value`.
 */
package org.hakmem.netty.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

abstract class PaddedReferencePadBefore {
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
