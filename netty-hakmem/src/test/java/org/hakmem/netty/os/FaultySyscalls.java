package org.hakmem.netty.os;

import com.sun.jna.LastErrorException;

/** The real system calls, except those a test tells to fail with an errno. */
final class FaultySyscalls implements Syscalls {
    int mmapErrno;
    int madviseErrno;

    @Override
    public long mmap(long size) {
        if (mmapErrno != 0) {
            throw new LastErrorException(mmapErrno);
        }
        return LIBC.mmap(size);
    }

    @Override
    public void munmap(long address, long size) {
        LIBC.munmap(address, size);
    }

    @Override
    public void madvise(long address, long length, int advice) {
        if (madviseErrno != 0) {
            throw new LastErrorException(madviseErrno);
        }
        LIBC.madvise(address, length, advice);
    }

    @Override
    public void mincore(long address, long length, byte[] vec) {
        LIBC.mincore(address, length, vec);
    }
}
