/*
 * VirtualThreads: tells a virtual thread (JDK 21+) from a platform thread, on a library compiled for
 * Java 17.
 *
 * Thread.isVirtual() is public API from JDK 21 on. It is looked up once, through the public lookup;
 * on an older JDK there is no such method and no virtual thread, so the answer is always false. The
 * handle is a constant, so the JIT compiles a call to it down to the method itself.
 */
package org.hakmem.netty;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

final class VirtualThreads {
    /** Thread.isVirtual(), or null before JDK 21. */
    private static final MethodHandle IS_VIRTUAL = lookUpIsVirtual();

    private VirtualThreads() {
    }

    /** True if the JDK has virtual threads (21+). */
    static boolean supported() {
        return IS_VIRTUAL != null;
    }

    static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(t);
        } catch (Throwable e) {
            // Thread.isVirtual() declares no exception and reads a type; nothing can be thrown here.
            throw new AssertionError("Thread.isVirtual() failed", e);
        }
    }

    private static MethodHandle lookUpIsVirtual() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException e) {
            return null; // JDK 17-20: no virtual threads
        } catch (IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
