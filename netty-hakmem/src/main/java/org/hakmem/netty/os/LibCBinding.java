/*
 * LibCBinding: whether libc could be bound through JNA here, asked once, and why not.
 *
 * LibC binds in its class initialiser, which throws when it cannot (not 64-bit Linux, or JNA unable
 * to load its native library). A class whose initialiser failed cannot be initialised again: every
 * later use throws NoClassDefFoundError, which on JDK 17 does not say why. So the first attempt goes
 * through here and its error is kept, and both askers get that same first error: Hakmem (the public
 * isAvailable/unavailabilityCause/ensureAvailability), and OsMemory, whose class initialiser rethrows
 * it, so that the allocator fails exactly as it did before this class existed. Whoever asks first,
 * the answer and its cause are the same.
 */
package org.hakmem.netty.os;

public final class LibCBinding {
    /** Null once libc is bound; else what binding threw (an ExceptionInInitializerError unwrapped). */
    private static final Throwable FAILURE = bind();

    private LibCBinding() {
    }

    /**
     * Returns why libc could not be bound, or null if it is bound. The first call binds it.
     *
     * @return null, or the error: an UnsupportedOperationException on a platform other than 64-bit
     *         Linux, an UnsatisfiedLinkError that says what to do when JNA cannot load its native
     *         library, a NoClassDefFoundError when JNA is not on the class path
     */
    public static Throwable failure() {
        return FAILURE;
    }

    /** Throws the error {@link #failure()} returns, if there is one: the first one, every time. */
    static void ensureBound() {
        if (FAILURE instanceof RuntimeException) {
            throw (RuntimeException) FAILURE;
        }
        if (FAILURE != null) {
            throw (Error) FAILURE;
        }
    }

    /**
     * Initialises LibC. Only what a failed initialisation throws is caught: a LinkageError (its own
     * UnsatisfiedLinkError, or JNA missing) and the ExceptionInInitializerError that wraps its
     * UnsupportedOperationException, which is unwrapped because the cause alone says what is wrong.
     */
    private static Throwable bind() {
        try {
            LibC.bind();
            return null;
        } catch (ExceptionInInitializerError e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (LinkageError | RuntimeException e) {
            return e;
        }
    }
}
