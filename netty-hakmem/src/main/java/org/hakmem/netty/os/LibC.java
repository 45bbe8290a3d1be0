/*
 * LibC: the raw libc calls netty-hakmem makes, bound with JNA direct mapping.
 *
 * Direct mapping (Native.register) compiles each call into a JNI stub with no reflection and no
 * argument boxing, so a call costs about as much as a hand-written JNI call. Addresses travel as
 * `long`: this library only runs on 64-bit Linux, where a pointer fits a long exactly.
 *
 * Nothing outside the os package calls these: OsMemory is the one gate (see its banner). The class is
 * first initialised through LibCBinding, which keeps what the initialiser threw.
 */
package org.hakmem.netty.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

final class LibC {
    static final int PROT_READ = 0x1;
    static final int PROT_WRITE = 0x2;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_NORESERVE = 0x4000;
    static final long MAP_FAILED = -1L;
    static final int MADV_DONTNEED = 4;
    static final int MADV_FREE = 8;
    static final int MADV_NOHUGEPAGE = 15;
    static final int SC_PAGESIZE = 30;
    /** errno: invalid argument; what madvise answers for an advice the kernel does not know. */
    static final int EINVAL = 22;

    static {
        if (!Platform.isLinux() || !Platform.is64Bit()) {
            throw new UnsupportedOperationException("netty-hakmem needs 64-bit Linux; this is "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
        try {
            Native.register(LibC.class, Platform.C_LIBRARY_NAME);
        } catch (UnsatisfiedLinkError e) {
            throw bindFailure(e);
        }
    }

    /**
     * JNA's own message names the file it failed to load but not what to do. The usual cause in
     * production is a temporary directory mounted noexec (containers, hardened hosts): JNA unpacks its
     * native library there and the kernel refuses to map it executable.
     */
    private static UnsatisfiedLinkError bindFailure(UnsatisfiedLinkError e) {
        String tmp = System.getProperty("jna.tmpdir", System.getProperty("java.io.tmpdir"));
        UnsatisfiedLinkError clear = new UnsatisfiedLinkError("netty-hakmem could not bind libc through JNA ("
                + e.getMessage() + "). JNA unpacks its native library into jna.tmpdir (now " + tmp
                + "), which must allow executing mapped files (not mounted noexec): set -Djna.tmpdir to such a"
                + " directory, or install JNA's libjnidispatch.so and point -Djna.boot.library.path at it");
        clear.initCause(e);
        return clear;
    }

    private LibC() {
    }

    /**
     * Does nothing: calling it initialises this class, which binds libc or throws why it cannot. Only
     * LibCBinding calls it, so that the first attempt's error is kept (see its banner).
     */
    static void bind() {
    }

    static native long mmap(long addr, long length, int prot, int flags, int fd, long offset)
            throws LastErrorException;

    static native int munmap(long addr, long length) throws LastErrorException;

    static native int madvise(long addr, long length, int advice) throws LastErrorException;

    static native int mincore(long addr, long length, byte[] vec) throws LastErrorException;

    static native long sysconf(int name) throws LastErrorException;
}
