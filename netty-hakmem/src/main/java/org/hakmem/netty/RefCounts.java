/*
 * RefCounts: the compare-and-set loops of a reference count kept in an int field, shared by the two
 * buffer classes that keep one (RefCountedByteBuf, HakmemDerivedByteBuf) so that the rules for when
 * retain() and release() throw are written once.
 *
 * Both callers pass a static final VarHandle; once these small methods are inlined into them the
 * handle is a constant again. Neither loop is on the allocate/release hot path: RefCountedByteBuf's
 * common last release() does not come here (see its banner).
 */
package org.hakmem.netty;

import io.netty.util.IllegalReferenceCountException;

import java.lang.invoke.VarHandle;

final class RefCounts {
    private RefCounts() {
    }

    /**
     * Adds increment (positive) to the count, unless it is released (0) or would overflow.
     *
     * @throws IllegalReferenceCountException with the count and the increment, as Netty's buffers
     */
    static void retain(VarHandle count, Object holder, int increment) {
        for (;;) {
            int c = (int) count.getVolatile(holder);
            if (c <= 0 || c > Integer.MAX_VALUE - increment) {
                throw new IllegalReferenceCountException(c, increment);
            }
            if (count.compareAndSet(holder, c, c + increment)) {
                return;
            }
        }
    }

    /**
     * Takes decrement (positive) off the count, c being its value last read; every change is a CAS,
     * so of two threads that release the same last reference at once only one sees true (the other
     * throws). RefCountedByteBuf's release() takes its common last reference without one, before it
     * gets here (its banner says why that is safe for a legal caller).
     *
     * @return true if the count reached 0: the caller frees what it holds
     * @throws IllegalReferenceCountException if fewer than decrement references are left
     */
    static boolean release(VarHandle count, Object holder, int decrement, int c) {
        for (;;) {
            if (c < decrement) {
                throw new IllegalReferenceCountException(c, -decrement);
            }
            if (count.compareAndSet(holder, c, c - decrement)) {
                return c == decrement;
            }
            c = (int) count.getVolatile(holder);
        }
    }
}
