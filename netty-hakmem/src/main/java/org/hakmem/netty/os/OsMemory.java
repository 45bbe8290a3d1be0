/*
 * OsMemory: the single gate between netty-hakmem and the kernel's virtual memory.
 *
 * Every byte this library uses is mapped here, and every byte it gives back leaves through here.
 * Nothing else calls mmap, munmap or madvise. That gives three guarantees:
 *
 *   1. It only ever touches its own memory. Each mapping is entered in a registry (address -> length);
 *      unmap must name a registered mapping exactly and decommit must fall inside one, or the call is
 *      refused with an IllegalStateException before any system call is made.
 *   2. It is bounded. Mapped bytes never exceed maxMappedBytes; a request past the cap throws an
 *      OutOfMemoryError that names the cap and the current use. Nothing is reserved on failure, so the
 *      allocator works again as soon as memory is released.
 *   3. It is counted. Calls and bytes of mmap, munmap and madvise, and failures, feed OsStats.
 *
 * Alignment: the kernel does not promise an alignment beyond the page size, so map(size, alignment)
 * over-maps by `alignment` bytes and trims both ends:
 *
 *     raw:      |--head--|=============== size ===============|----tail----|
 *               ^addr    ^aligned (multiple of alignment)                  ^addr+size+alignment
 *     result:            |=============== size ===============|
 *
 * Mappings are MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE: the kernel backs a page only when it is first
 * written, so an untouched slot costs address space, not resident memory.
 *
 * Locking: one monitor. Mapping and unmapping are slow-path events (a superslab is 2 MiB), so a
 * monitor is simpler than anything lock-free and costs nothing measurable.
 */
package org.hakmem.netty.os;

import com.sun.jna.LastErrorException;

import java.util.Map;
import java.util.TreeMap;

public final class OsMemory {
    /** The system page size, read once from sysconf(_SC_PAGESIZE). */
    public static final long PAGE_SIZE = LibC.sysconf(LibC.SC_PAGESIZE);

    private final long maxMappedBytes;
    /** Start address -> length of every live mapping made by this instance. Guarded by this. */
    private final TreeMap<Long, Long> mappings = new TreeMap<>();
    private final MutableOsStats stats = new MutableOsStats();
    /** Decommit is switched off for good after its first failure (fail loud, then stay safe). */
    private boolean decommitDisabled;
    private final Syscalls syscalls;

    public OsMemory(long maxMappedBytes) {
        this(maxMappedBytes, Syscalls.LIBC);
    }

    /** For tests that inject failing system calls. */
    OsMemory(long maxMappedBytes, Syscalls syscalls) {
        if (maxMappedBytes <= 0) {
            throw new IllegalArgumentException("maxMappedBytes: " + maxMappedBytes + " (expected: > 0)");
        }
        this.maxMappedBytes = maxMappedBytes;
        this.syscalls = syscalls;
    }

    public long maxMappedBytes() {
        return maxMappedBytes;
    }

    /**
     * Maps {@code size} bytes of fresh, zero-filled, non-resident memory whose address is a multiple of
     * {@code alignment}.
     *
     * @throws OutOfMemoryError if the mapping would exceed the cap or the kernel refuses it
     */
    public synchronized long map(long size, long alignment) {
        checkPageMultiple("size", size);
        checkPageMultiple("alignment", alignment);
        if (Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment: " + alignment + " (expected: a power of two)");
        }
        if (stats.mappedBytes + size > maxMappedBytes) {
            stats.capRefusals++;
            throw new OutOfMemoryError("netty-hakmem: cannot map " + size + " more bytes: the cap is "
                    + maxMappedBytes + " bytes (maxMappedBytes, -Dhakmem.maxMappedMB, HAKMEM_MAX_MAPPED_MB) and "
                    + stats.mappedBytes + " bytes are mapped now");
        }
        long slack = alignment > PAGE_SIZE ? alignment : 0;
        long raw = rawMap(size + slack);
        long aligned = (raw + alignment - 1) & -alignment;
        if (aligned > raw) {
            rawUnmap(raw, aligned - raw);
        }
        long tail = raw + size + slack - (aligned + size);
        if (tail > 0) {
            rawUnmap(aligned + size, tail);
        }
        mappings.put(aligned, size);
        stats.mappedBytes += size;
        stats.peakMappedBytes = Math.max(stats.peakMappedBytes, stats.mappedBytes);
        return aligned;
    }

    /** Unmaps a whole mapping made by {@link #map}; any other range is refused. */
    public synchronized void unmap(long address, long size) {
        Long length = mappings.get(address);
        if (length == null || length != size) {
            throw new IllegalStateException("netty-hakmem refuses to unmap [0x" + Long.toHexString(address)
                    + ", +" + size + "): not a mapping it made" + (length == null ? "" : " (that mapping has " + length + " bytes)"));
        }
        rawUnmap(address, size);
        mappings.remove(address);
        stats.mappedBytes -= size;
    }

    /**
     * Gives the pages of [address, address + length) back to the kernel with the given mode, keeping
     * the range mapped. The range must be page aligned and inside one of our mappings.
     *
     * @return false if decommit is disabled (after an earlier failure): the memory simply stays resident
     */
    public synchronized boolean decommit(long address, long length, DecommitMode mode) {
        checkPageMultiple("address", address);
        checkPageMultiple("length", length);
        checkOwned(address, length);
        if (decommitDisabled || mode == DecommitMode.OFF) {
            return false;
        }
        int advice = mode == DecommitMode.FREE ? LibC.MADV_FREE : LibC.MADV_DONTNEED;
        stats.madviseCalls++;
        try {
            syscalls.madvise(address, length, advice);
        } catch (LastErrorException e) {
            stats.madviseFailures++;
            decommitDisabled = true;
            System.err.println("netty-hakmem: madvise(" + mode + ") of " + length + " bytes failed with errno "
                    + e.getErrorCode() + "; decommit is now disabled for this allocator (memory stays resident)");
            return false;
        }
        stats.madviseBytes += length;
        return true;
    }

    /** Resident bytes of [address, address + length), which must lie inside one of our mappings. */
    public synchronized long residentBytes(long address, long length) {
        checkOwned(address, length);
        return rawResident(address, length);
    }

    /** Resident bytes of all our mappings (mincore: exact, independent of the JVM). */
    public synchronized long residentBytes() {
        long total = 0;
        for (Map.Entry<Long, Long> m : mappings.entrySet()) {
            total += rawResident(m.getKey(), m.getValue());
        }
        return total;
    }

    public synchronized OsStats stats() {
        return stats.snapshot(mappings.size(), decommitDisabled);
    }

    public synchronized long mappedBytes() {
        return stats.mappedBytes;
    }

    private long rawMap(long size) {
        stats.mmapCalls++;
        long address;
        try {
            address = syscalls.mmap(size);
        } catch (LastErrorException e) {
            stats.mmapFailures++;
            throw new OutOfMemoryError("netty-hakmem: mmap of " + size + " bytes failed with errno "
                    + e.getErrorCode() + " (" + stats.mappedBytes + " bytes mapped now)");
        }
        if (address == LibC.MAP_FAILED || address == 0) {
            stats.mmapFailures++;
            throw new OutOfMemoryError("netty-hakmem: mmap of " + size + " bytes failed");
        }
        stats.mmapBytes += size;
        return address;
    }

    private void rawUnmap(long address, long size) {
        stats.munmapCalls++;
        try {
            syscalls.munmap(address, size);
        } catch (LastErrorException e) {
            // The range is ours and page aligned, so this cannot happen short of a kernel fault.
            // Keeping the registry entry leaves the memory mapped (leaked, never reused): safe.
            stats.munmapFailures++;
            throw new IllegalStateException("netty-hakmem: munmap of " + size + " bytes at 0x"
                    + Long.toHexString(address) + " failed with errno " + e.getErrorCode(), e);
        }
        stats.munmapBytes += size;
    }

    private long rawResident(long address, long length) {
        int pages = (int) ((length + PAGE_SIZE - 1) / PAGE_SIZE);
        byte[] vec = new byte[pages];
        syscalls.mincore(address, length, vec);
        long resident = 0;
        for (byte b : vec) {
            resident += b & 1;
        }
        return resident * PAGE_SIZE;
    }

    private void checkOwned(long address, long length) {
        Map.Entry<Long, Long> m = mappings.floorEntry(address);
        if (m == null || length < 0 || address + length > m.getKey() + m.getValue()) {
            throw new IllegalStateException("netty-hakmem refuses to touch [0x" + Long.toHexString(address)
                    + ", +" + length + "): not inside a mapping it made");
        }
    }

    private static void checkPageMultiple(String name, long value) {
        if (value <= 0 || value % PAGE_SIZE != 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a positive multiple of the page size "
                    + PAGE_SIZE + ")");
        }
    }
}
