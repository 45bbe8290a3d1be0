/*
 * Hakmem: can netty-hakmem run here? Asked before anything builds an allocator.
 *
 * The same three methods as Netty's native transports (Epoll, KQueue, IoUring), so that a server
 * author who develops on macOS or Windows and deploys on Linux can pick the allocator as they pick
 * the transport. The question is only the platform's: 64-bit Linux, and JNA's direct mapping of libc
 * bound (LibCBinding, which initialises the os layer's LibC once and keeps what it threw). It never
 * touches HakmemByteBufAllocator, whose initialisation builds DEFAULT and with it reads the settings:
 * an invalid setting is an error to fix, not a platform to work around, so it keeps failing the
 * first use of that class loudly, whatever this class answers.
 */
package org.hakmem.netty;

import org.hakmem.netty.os.LibCBinding;

/**
 * Tells whether netty-hakmem can run on this platform, as Netty's {@code Epoll} and {@code KQueue}
 * tell for their transports: {@link #isAvailable()}, {@link #unavailabilityCause()},
 * {@link #ensureAvailability()}. netty-hakmem needs 64-bit Linux and a JNA that can load its native
 * library; elsewhere (macOS, Windows, or a temporary directory mounted {@code noexec} where JNA
 * unpacks its library) the first use of {@link HakmemByteBufAllocator} fails, so ask here first:
 *
 * <pre>{@code
 * ByteBufAllocator alloc = Hakmem.isAvailable() ? HakmemByteBufAllocator.DEFAULT : ByteBufAllocator.DEFAULT;
 * }</pre>
 *
 * <p>Asking does not initialise {@link HakmemByteBufAllocator}, so it neither builds
 * {@link HakmemByteBufAllocator#DEFAULT} nor reads netty-hakmem's settings. Availability is the
 * platform's alone: where it is true, an invalid or mistyped netty-hakmem system property or
 * environment variable still fails the first use of {@link HakmemByteBufAllocator} with an
 * {@link ExceptionInInitializerError} that names it, as it should (a configuration error is to be
 * fixed, not worked around with another allocator). The answer is found once, at the first call of
 * any method here or the first use of the allocator, and never changes.
 */
public final class Hakmem {
    private Hakmem() {
    }

    /**
     * Tells whether netty-hakmem can run here: 64-bit Linux, with JNA's native library loaded and libc
     * bound through it.
     *
     * @return true if {@link HakmemByteBufAllocator} can be used on this platform
     */
    public static boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /**
     * Returns why netty-hakmem cannot run here, or null if it can.
     *
     * @return null where {@link #isAvailable()} is true; else the error the first use of
     *         {@link HakmemByteBufAllocator} throws (or, on a platform other than 64-bit Linux, the
     *         cause of the {@link ExceptionInInitializerError} it throws): an
     *         {@link UnsupportedOperationException} naming the platform, an {@link UnsatisfiedLinkError}
     *         that says what to do when JNA cannot load its native library (JNA's own error as its
     *         cause), or a {@link NoClassDefFoundError} when JNA is not on the class path
     */
    public static Throwable unavailabilityCause() {
        return LibCBinding.failure();
    }

    /**
     * Throws if netty-hakmem cannot run here, and does nothing if it can.
     *
     * @throws UnsatisfiedLinkError if {@link #isAvailable()} is false, with
     *         {@link #unavailabilityCause()} as its cause and a message that repeats it and says what
     *         to do
     */
    public static void ensureAvailability() {
        Throwable cause = unavailabilityCause();
        if (cause != null) {
            UnsatisfiedLinkError unavailable = new UnsatisfiedLinkError("netty-hakmem is not available here: it"
                    + " needs 64-bit Linux with JNA's native library loaded (" + cause + "). Fix the cause, or"
                    + " check Hakmem.isAvailable() first and use another allocator where it is false"
                    + " (HakmemBootstraps.useIfAvailable leaves a bootstrap's allocator as it is)");
            unavailable.initCause(cause);
            throw unavailable;
        }
    }
}
