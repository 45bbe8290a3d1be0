package org.hakmem.netty.os;

import com.sun.jna.LastErrorException;

import java.util.function.LongConsumer;

/**
 * The real system calls, except those a test tells to fail with an errno. Public so that tests of
 * the layers above can build an OsMemory (and an allocator) over it.
 */
public final class FaultySyscalls implements Syscalls {
    /** madvise(2): the mapping may be backed by transparent huge pages. */
    private static final int MADV_HUGEPAGE = 14;
    public volatile int mmapErrno;
    public volatile int madviseErrno;
    public volatile int munmapErrno;
    /** Errno for mincore, as a kernel short of memory answers (EAGAIN). */
    public volatile int mincoreErrno;
    /** Errno for madvise(MADV_FREE) only, as a kernel older than 4.5 answers (EINVAL); DONTNEED still works. */
    public volatile int madviseFreeErrno;
    /** Thrown by madvise instead of a LastErrorException, as JNA does for a fault in native code. */
    public volatile Error madviseThrows;
    /** Thrown by munmap instead of a LastErrorException. */
    public volatile Error munmapThrows;
    /**
     * Makes every mapping eligible for transparent huge pages as it is made, as a host whose THP
     * setting is "always" does (this machine's is "madvise": MADV_HUGEPAGE on the fresh mapping
     * gives it the same treatment).
     */
    public volatile boolean hugePagesByDefault;
    /** Run with the address at the start of each madvise, munmap or mincore (a test holds a call there). */
    public volatile LongConsumer beforeMadvise;
    public volatile LongConsumer beforeMunmap;
    public volatile LongConsumer beforeMincore;
    /** madvise calls that reached the kernel. */
    public final java.util.concurrent.atomic.AtomicLong realMadvises = new java.util.concurrent.atomic.AtomicLong();
    /** The switch of the OsMemory made by {@link #newOsMemory}: private to the test, not PROCESS. */
    public final DecommitSwitch decommitSwitch = new DecommitSwitch("this test's OS gate");

    /** An OS gate over these calls, with its own decommit switch. */
    public OsMemory newOsMemory(long maxMappedBytes) {
        return new OsMemory(maxMappedBytes, this, decommitSwitch);
    }

    @Override
    public long mmap(long size) {
        if (mmapErrno != 0) {
            throw new LastErrorException(mmapErrno);
        }
        long address = LIBC.mmap(size);
        if (hugePagesByDefault) {
            LIBC.madvise(address, size, MADV_HUGEPAGE);
        }
        return address;
    }

    @Override
    public void munmap(long address, long size) {
        before(beforeMunmap, address);
        if (munmapThrows != null) {
            throw munmapThrows;
        }
        if (munmapErrno != 0) {
            throw new LastErrorException(munmapErrno);
        }
        LIBC.munmap(address, size);
    }

    @Override
    public void madvise(long address, long length, int advice) {
        before(beforeMadvise, address);
        if (madviseThrows != null) {
            throw madviseThrows;
        }
        if (madviseErrno != 0) {
            throw new LastErrorException(madviseErrno);
        }
        if (madviseFreeErrno != 0 && advice == LibC.MADV_FREE) {
            throw new LastErrorException(madviseFreeErrno);
        }
        realMadvises.incrementAndGet();
        LIBC.madvise(address, length, advice);
    }

    @Override
    public boolean hugePagesByDefault() {
        return hugePagesByDefault;
    }

    @Override
    public void mincore(long address, long length, byte[] vec) {
        before(beforeMincore, address);
        if (mincoreErrno != 0) {
            throw new LastErrorException(mincoreErrno);
        }
        LIBC.mincore(address, length, vec);
    }

    private static void before(LongConsumer hook, long address) {
        if (hook != null) {
            hook.accept(address);
        }
    }
}
