/*
 * Syscalls: the seam between OsMemory's bookkeeping and the real system calls, so that tests can
 * inject a failing call and prove that a failure is loud, counted and harmless.
 */
package org.hakmem.netty.os;

interface Syscalls {
    /** Maps anonymous read-write memory; throws LastErrorException on failure. */
    long mmap(long size);

    void munmap(long address, long size);

    void madvise(long address, long length, int advice);

    void mincore(long address, long length, byte[] vec);

    /** Whether the kernel backs new anonymous mappings with transparent huge pages on its own (HugePages). */
    boolean hugePagesByDefault();

    Syscalls LIBC = new Syscalls() {
        @Override
        public long mmap(long size) {
            return LibC.mmap(0, size, LibC.PROT_READ | LibC.PROT_WRITE,
                    LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE, -1, 0);
        }

        @Override
        public void munmap(long address, long size) {
            LibC.munmap(address, size);
        }

        @Override
        public void madvise(long address, long length, int advice) {
            LibC.madvise(address, length, advice);
        }

        @Override
        public void mincore(long address, long length, byte[] vec) {
            LibC.mincore(address, length, vec);
        }

        @Override
        public boolean hugePagesByDefault() {
            return HugePages.ON_BY_DEFAULT;
        }
    };
}
