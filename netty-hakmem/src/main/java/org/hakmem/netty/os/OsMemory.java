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
 * Giving memory back (the release policy's decommit and retire) also goes through here, and only
 * here. A failure there is loud and then safe: counted, logged once, and decommit is switched off
 * for the process (DecommitSwitch); the memory stays mapped with its contents. One exception: a
 * kernel that refuses MADV_FREE with EINVAL (before Linux 4.5) is counted and logged once, and FREE
 * gives back with MADV_DONTNEED from then on.
 *
 * Alignment: the kernel does not promise an alignment beyond the page size, so map(size, alignment)
 * over-maps by `alignment` bytes and trims both ends:
 *
 *     raw:      |--head--|=============== size ===============|----tail----|
 *               ^addr    ^aligned (multiple of alignment)                  ^addr+size+alignment
 *     result:            |=============== size ===============|
 *
 * Mappings are MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE: the kernel backs a page only when it is first
 * written, so an untouched slot costs address space, not resident memory. On a host whose transparent
 * huge pages are on by default, a first write can back a whole 2 MiB huge page instead; a caller that
 * needs resident memory to follow its writes (LEAN) maps with hugePages false, and the mapping is
 * marked MADV_NOHUGEPAGE at once (HugePages; one madvise per mapping, on such hosts only).
 *
 * Locking: one monitor for the books. Mapping and unmapping are slow-path events (a superslab is
 * 2 MiB), so a monitor is simpler than anything lock-free and costs nothing measurable. The calls of
 * giving back and of measuring (madvise, the munmap of unmap and retire, mincore) run outside it: a
 * madvise or munmap of 2 MiB takes about 0.2 ms (a huge buffer's more), a residency scan 3-5 ms per
 * GiB mapped, and a thread that maps a superslab does so under the pool's monitor, so every thread
 * that needed a span waited behind them. A mapping such a call is using is marked in use, and unmap
 * and retire wait until it is not, so no call ever reaches a range that was unmapped (and maybe
 * mapped again by someone else) under it; unmap and retire take their mapping out of the books
 * before the munmap, so no call starts on it meanwhile. Its bytes stay counted as mapped until the
 * munmap returns, and a mapping that the cap would refuse only for such bytes waits for them, as it
 * did when the munmap held the monitor.
 */
package org.hakmem.netty.os;

import com.sun.jna.LastErrorException;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

public final class OsMemory {
    /** The system page size, read once from sysconf(_SC_PAGESIZE). */
    public static final long PAGE_SIZE = pageSize();

    private final long maxMappedBytes;
    /** Start address -> length of every live mapping made by this instance. Guarded by this. */
    private final TreeMap<Long, Long> mappings = new TreeMap<>();
    /** Start address -> calls using the mapping outside the monitor (madvise, mincore). Guarded by this. */
    private final HashMap<Long, Integer> inUse = new HashMap<>();
    /**
     * Bytes whose munmap runs outside the monitor now (unmap, retire): out of the books, still in
     * mappedBytes until it returns. A mapping the cap would refuse only for them waits. Guarded by this.
     */
    private long unmapping;
    private final MutableOsStats stats = new MutableOsStats();
    /** Decommit and retire are switched off for good after a failure (fail loud, then stay safe). */
    private final DecommitSwitch decommitSwitch;
    private final Syscalls syscalls;

    public OsMemory(long maxMappedBytes) {
        this(maxMappedBytes, Syscalls.LIBC, DecommitSwitch.PROCESS);
    }

    /** For tests that inject failing system calls, with a switch of their own. */
    OsMemory(long maxMappedBytes, Syscalls syscalls, DecommitSwitch decommitSwitch) {
        if (maxMappedBytes <= 0) {
            throw new IllegalArgumentException("maxMappedBytes: " + maxMappedBytes + " (expected: > 0)");
        }
        this.maxMappedBytes = maxMappedBytes;
        this.syscalls = syscalls;
        this.decommitSwitch = decommitSwitch;
    }

    /**
     * Binds libc through LibCBinding first, which throws its first error where it cannot (the
     * allocator's first use fails with the same error that Hakmem.unavailabilityCause() reports).
     */
    private static long pageSize() {
        LibCBinding.ensureBound();
        return LibC.sysconf(LibC.SC_PAGESIZE);
    }

    public long maxMappedBytes() {
        return maxMappedBytes;
    }

    /**
     * Maps {@code size} bytes of fresh, zero-filled, non-resident memory whose address is a multiple of
     * {@code alignment}, which the kernel may back with transparent huge pages as it does by default.
     *
     * @throws OutOfMemoryError if the mapping would exceed the cap or the kernel refuses it
     */
    public long map(long size, long alignment) {
        return map(size, alignment, true);
    }

    /**
     * As {@link #map(long, long)}; with {@code hugePages} false, on a host whose transparent huge pages
     * are on by default, the mapping is marked MADV_NOHUGEPAGE before anyone writes it, so that a write
     * makes its own page resident and not a 2 MiB huge page (HugePages). A refused mark is counted as a
     * failed madvise and logged once; the mapping is returned all the same.
     *
     * @throws OutOfMemoryError if the mapping would exceed the cap or the kernel refuses it
     */
    public synchronized long map(long size, long alignment, boolean hugePages) {
        checkPageMultiple("size", size);
        checkPageMultiple("alignment", alignment);
        if (Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment: " + alignment + " (expected: a power of two)");
        }
        awaitUnmapsInFlight(size);
        // Compared as the room left, not as mapped + size: that sum overflows for a size near 2^63 and
        // would let the request past the cap (and size + slack past the kernel's sanity).
        if (size > maxMappedBytes - stats.mappedBytes) {
            stats.capRefusals++;
            throw new OutOfMemoryError("netty-hakmem: cannot map " + size + " more bytes: the cap is "
                    + maxMappedBytes + " bytes (maxMappedBytes, -Dhakmem.maxMappedMB, HAKMEM_MAX_MAPPED_MB) and "
                    + stats.mappedBytes + " bytes are mapped now");
        }
        long slack = alignment > PAGE_SIZE ? alignment : 0;
        long raw = rawMap(size + slack);
        long aligned = (raw + alignment - 1) & -alignment;
        long kept = raw; // from here on, what the kernel still maps for us is [kept, raw + size + slack)
        try {
            if (aligned > raw) {
                rawUnmap(raw, aligned - raw);
            }
            kept = aligned;
            long tail = raw + size + slack - (aligned + size);
            if (tail > 0) {
                rawUnmap(aligned + size, tail);
            }
        } catch (IllegalStateException e) {
            // A trim failed (munmap splitting a mapping the kernel merged with a neighbour fails with
            // ENOMEM at vm.max_map_count). What is left stays mapped for good, never used: it counts
            // as mapped, so the cap still bounds what the process holds; else every retry would map
            // `size + slack` more.
            // Thrown as the OutOfMemoryError this method documents: the kernel is out of map entries,
            // and the callers' answer to a refusal (make room: unmap empty superslabs, which frees
            // entries, then try once more) is the right one here too.
            stats.mappedBytes += raw + size + slack - kept;
            stats.peakMappedBytes = Math.max(stats.peakMappedBytes, stats.mappedBytes);
            OutOfMemoryError refused = new OutOfMemoryError("netty-hakmem: cannot trim a new mapping to its"
                    + " alignment (" + e.getMessage() + "); the process may be at vm.max_map_count");
            refused.initCause(e);
            throw refused;
        }
        mappings.put(aligned, size);
        stats.mappedBytes += size;
        stats.peakMappedBytes = Math.max(stats.peakMappedBytes, stats.mappedBytes);
        if (!hugePages && syscalls.hugePagesByDefault()) {
            keepOffHugePages(aligned, size);
        }
        return aligned;
    }

    /** MADV_NOHUGEPAGE: a hint, so a refusal is counted and logged but neither thrown nor a reason to stop giving back. */
    private void keepOffHugePages(long address, long size) {
        stats.madviseCalls++;
        try {
            syscalls.madvise(address, size, LibC.MADV_NOHUGEPAGE);
        } catch (LastErrorException e) {
            stats.madviseFailures++;
            HugePages.refused("madvise(MADV_NOHUGEPAGE) of " + size + " bytes at 0x" + Long.toHexString(address)
                    + " failed with errno " + e.getErrorCode());
            return;
        }
        stats.madviseBytes += size;
    }

    /**
     * Unmaps a whole mapping made by {@link #map}; any other range is refused. The munmap runs outside
     * the monitor (a huge buffer's release: 0.2 ms per 2 MiB), so mappings of other threads do not
     * wait for it. A refused munmap leaves the mapping in the books, mapped and never reused.
     *
     * @throws IllegalStateException if the kernel refuses the munmap (the range is ours and page
     *         aligned, so only a kernel fault does)
     */
    public void unmap(long address, long size) {
        synchronized (this) {
            beginUnmap(address, size);
        }
        LastErrorException refused = munmapBegun(address, size);
        if (refused != null) {
            synchronized (this) {
                stats.munmapFailures++;
            }
            throw new IllegalStateException("netty-hakmem: munmap of " + size + " bytes at 0x"
                    + Long.toHexString(address) + " failed with errno " + refused.getErrorCode(), refused);
        }
    }

    /**
     * The munmap of a mapping that beginUnmap took out of the books, outside the monitor, booked by
     * endUnmap whatever happens (a JNA Error too, which propagates).
     *
     * @return null once unmapped; the kernel's refusal otherwise (not counted yet: the caller counts
     *         it with what else it changes, in one step as stats() sees them)
     */
    private LastErrorException munmapBegun(long address, long size) {
        boolean unmapped = false;
        try {
            syscalls.munmap(address, size);
            unmapped = true;
            return null;
        } catch (LastErrorException e) {
            return e;
        } finally {
            endUnmap(address, size, unmapped);
        }
    }

    /**
     * Takes a whole mapping out of the books for a munmap outside the monitor, once no call uses it:
     * no call starts on it meanwhile. It stays in mappedBytes (and in unmapping) until endUnmap.
     */
    private void beginUnmap(long address, long size) {
        checkWholeMapping(address, size);
        awaitNotInUse(address, size);
        mappings.remove(address);
        stats.munmapCalls++;
        unmapping += size;
    }

    /**
     * Books the end of a munmap begun by beginUnmap: gone, or (refused, or a JNA Error that may or may
     * not have unmapped it) back in the books, mapped for good and never reused. Wakes the mappings
     * that wait for room under the cap.
     */
    private synchronized void endUnmap(long address, long size, boolean unmapped) {
        unmapping -= size;
        if (unmapped) {
            stats.munmapBytes += size;
            stats.mappedBytes -= size;
        } else {
            mappings.put(address, size);
        }
        notifyAll();
    }

    /**
     * Waits while the cap would refuse {@code size} bytes and unmaps are in flight: when their munmap
     * ran under the monitor a mapping waited for it here and then fit, and failing instead would
     * throw OutOfMemoryError while the memory is being given back.
     */
    private void awaitUnmapsInFlight(long size) {
        waitWhile(() -> unmapping > 0 && size > maxMappedBytes - stats.mappedBytes);
    }

    /**
     * Waits on the monitor (held by the caller, released meanwhile) while the condition holds. What it
     * waits for, a call outside the monitor, ends on its own, so an interrupt does not cut the wait
     * short: it is kept for the caller.
     */
    private void waitWhile(BooleanSupplier condition) {
        boolean interrupted = false;
        while (condition.getAsBoolean()) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Gives the pages of [address, address + length) back to the kernel with the given mode, keeping
     * the range mapped. The range must be page aligned and inside one of our mappings; the caller
     * guarantees that no live buffer lies in it. Counted as a lean decommit. FREE on a kernel that
     * does not know MADV_FREE gives back with DONTNEED (DecommitSwitch.freeRefused).
     *
     * @return true if the pages were given back; false if the mode is OFF or decommit is disabled
     *         (after a failure, here or in any allocator of the process): the memory simply stays
     *         resident, with its contents
     */
    public boolean decommit(long address, long length, DecommitMode mode) {
        DecommitMode used;
        long mapping;
        synchronized (this) {
            checkPageMultiple("address", address);
            checkPageMultiple("length", length);
            mapping = checkOwned(address, length);
            if (mode == DecommitMode.OFF || decommitSwitch.disabled()) {
                return false;
            }
            used = mode == DecommitMode.FREE && decommitSwitch.freeRefused() ? DecommitMode.DONTNEED : mode;
            stats.madviseCalls++;
            markInUse(mapping);
        }
        LastErrorException refused = null;
        try {
            syscalls.madvise(address, length, used == DecommitMode.FREE ? LibC.MADV_FREE : LibC.MADV_DONTNEED);
        } catch (LastErrorException e) {
            refused = e;
        } finally {
            release(mapping); // also when JNA throws an Error: the books are whole, the mapping free to unmap
        }
        return refused == null ? decommitted(length) : refusedDecommit(address, length, used, refused);
    }

    private synchronized boolean decommitted(long length) {
        stats.madviseBytes += length;
        stats.leanDecommits++;
        stats.leanDecommitBytes += length;
        return true;
    }

    /** Counts a refused madvise and flips the switch in one step, as stats() sees them. */
    private boolean refusedDecommit(long address, long length, DecommitMode mode, LastErrorException e) {
        String failure = "madvise(MADV_" + mode + ") of " + length + " bytes at 0x" + Long.toHexString(address)
                + " failed with errno " + e.getErrorCode();
        boolean freeUnknown = mode == DecommitMode.FREE && e.getErrorCode() == LibC.EINVAL;
        synchronized (this) {
            stats.madviseFailures++;
            if (freeUnknown) {
                decommitSwitch.refuseFree(failure);
            } else {
                decommitSwitch.disable(failure);
            }
        }
        // Kernels before 4.5 do not know MADV_FREE (FREE is the default mode). DONTNEED gives the pages
        // back there too, so the refusal switches FREE to DONTNEED rather than decommit off; if
        // DONTNEED fails as well, that switches it off.
        return freeUnknown && decommit(address, length, DecommitMode.DONTNEED);
    }

    /**
     * Whether decommit and retire are off for good (a failure here or in another allocator of the
     * process): callers then keep their memory instead of preparing to give it back.
     */
    public boolean givingBackDisabled() {
        return decommitSwitch.disabled();
    }

    /**
     * Unmaps a whole mapping that the release policy (or trim) no longer wants, counted as a lean
     * retire. Unlike {@link #unmap}, a failure does not throw: it is counted, logged once, switches
     * decommit off for the process, and leaves the mapping registered and intact, so the caller can
     * keep using it.
     *
     * @return true if the mapping is gone; false if decommit is disabled or munmap failed
     */
    public boolean retire(long address, long size) {
        synchronized (this) {
            checkWholeMapping(address, size);
            if (decommitSwitch.disabled()) {
                return false;
            }
            beginUnmap(address, size);
        }
        LastErrorException refused = munmapBegun(address, size);
        synchronized (this) {
            if (refused != null) { // the mapping is back in the books, intact (endUnmap)
                stats.munmapFailures++;
                decommitSwitch.disable("munmap of " + size + " bytes at 0x" + Long.toHexString(address)
                        + " failed with errno " + refused.getErrorCode());
                return false;
            }
            stats.leanRetires++;
            stats.leanRetireBytes += size;
        }
        return true;
    }

    /**
     * Bytes of our mappings that were given back with MADV_FREE and that the kernel has not reclaimed
     * yet: they still count in RSS. Read from /proc/self/smaps (LazyFree), so it is slow; for
     * monitoring only. The kernel may merge adjacent mappings with the same flags into one area, so
     * an area that overlaps one of ours is counted whole.
     */
    public long lazyFreeBytes() {
        long[][] ranges;
        synchronized (this) {
            ranges = new long[mappings.size()][];
            int i = 0;
            for (Map.Entry<Long, Long> m : mappings.entrySet()) {
                ranges[i++] = new long[] {m.getKey(), m.getKey() + m.getValue()};
            }
        }
        return Smaps.lazyFreeBytes(ranges);
    }

    /**
     * Resident bytes of the pages that [address, address + length) touches; the range must lie inside
     * one of our mappings.
     */
    public long residentBytes(long address, long length) {
        long mapping;
        synchronized (this) {
            mapping = checkOwned(address, length);
            markInUse(mapping);
        }
        try {
            // mincore takes a page-aligned start (EINVAL otherwise); our mappings start on a page, so
            // the page that holds `address` is ours too.
            long start = address & -PAGE_SIZE;
            return rawResident(start, address + length - start);
        } finally {
            release(mapping);
        }
    }

    /**
     * Resident bytes of all our mappings (mincore: exact, independent of the JVM, while no mapping
     * comes or goes; one that goes during the scan may be counted or not).
     *
     * @throws IllegalStateException if the kernel refuses a mincore (EAGAIN: short of memory)
     */
    public long residentBytes() {
        long[] starts;
        synchronized (this) {
            starts = mappings.keySet().stream().mapToLong(Long::longValue).toArray();
        }
        long total = 0;
        for (long start : starts) {
            total += residentOfMapping(start);
        }
        return total;
    }

    /** Resident bytes of the mapping at {@code start}, or 0 if it has gone since the scan began. */
    private long residentOfMapping(long start) {
        long length;
        synchronized (this) {
            Long l = mappings.get(start);
            if (l == null) {
                return 0;
            }
            length = l;
            markInUse(start);
        }
        try {
            return rawResident(start, length);
        } finally {
            release(start);
        }
    }

    /** A call outside the monitor is about to use the mapping at {@code start} (caller holds the monitor). */
    private void markInUse(long start) {
        inUse.merge(start, 1, Integer::sum);
    }

    /** A call outside the monitor is done with the mapping at {@code start}. */
    private synchronized void release(long start) {
        if (inUse.merge(start, -1, Integer::sum) == 0) {
            inUse.remove(start);
            notifyAll();
        }
    }

    /**
     * Waits (under the monitor, which it releases meanwhile) until no call is using the mapping, which
     * is then still [address, address + size): only unmap and retire remove mappings, and a caller
     * never unmaps a mapping twice at once; checked again all the same.
     */
    private void awaitNotInUse(long address, long size) {
        waitWhile(() -> inUse.containsKey(address));
        checkWholeMapping(address, size);
    }

    public synchronized OsStats stats() {
        return stats.snapshot(mappings.size(), decommitSwitch.disabled(), decommitSwitch.freeRefused());
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

    /**
     * mincore over a range that is ours and in use. The kernel refuses it with EAGAIN when it is short
     * of memory: thrown as an IllegalStateException that names the call, not as JNA's exception type.
     * Not counted in OsStats, which counts what the allocator asks of the kernel, not what monitoring
     * reads (a scrape would otherwise change the syscalls a benchmark reports).
     */
    private long rawResident(long address, long length) {
        int pages = (int) ((length + PAGE_SIZE - 1) / PAGE_SIZE);
        byte[] vec = new byte[pages];
        try {
            syscalls.mincore(address, length, vec);
        } catch (LastErrorException e) {
            throw new IllegalStateException("netty-hakmem: mincore of " + length + " bytes at 0x"
                    + Long.toHexString(address) + " failed with errno " + e.getErrorCode(), e);
        }
        long resident = 0;
        for (byte b : vec) {
            resident += b & 1;
        }
        return resident * PAGE_SIZE;
    }

    private void checkWholeMapping(long address, long size) {
        Long length = mappings.get(address);
        if (length == null || length != size) {
            throw new IllegalStateException("netty-hakmem refuses to unmap [0x" + Long.toHexString(address)
                    + ", +" + size + "): not a mapping it made" + (length == null ? "" : " (that mapping has " + length + " bytes)"));
        }
    }

    /** The start of the mapping that holds [address, address + length); refused if none does. */
    private long checkOwned(long address, long length) {
        Map.Entry<Long, Long> m = mappings.floorEntry(address);
        // Compared as offsets into the mapping, not as end addresses: address + length can overflow
        // and wrap below the mapping's end, and a madvise(DONTNEED) of such a range would zero every
        // mapping above ours.
        long offset = m == null ? 0 : address - m.getKey();
        if (m == null || length < 0 || offset > m.getValue() || length > m.getValue() - offset) {
            throw new IllegalStateException("netty-hakmem refuses to touch [0x" + Long.toHexString(address)
                    + ", +" + length + "): not inside a mapping it made");
        }
        return m.getKey();
    }

    private static void checkPageMultiple(String name, long value) {
        if (value <= 0 || value % PAGE_SIZE != 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a positive multiple of the page size "
                    + PAGE_SIZE + ")");
        }
    }
}
