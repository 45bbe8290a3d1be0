/*
 * SuperslabPool: the shared store of superslabs. Thread heaps take spans of slabs from it and give
 * them back; it maps superslabs through OsMemory when it has no room, and asks the release policy
 * what to do with a superslab that became empty.
 *
 *     ThreadHeap --acquireSpan(class)--> [ superslab 0 | superslab 1 | ... ] --map--> OsMemory
 *                <--releaseSpan(slab)--
 *                <--adoptOrphan(class)-- orphans[class]   (spans of heaps whose thread died)
 *
 * Everything here is a slow-path event (a span of a class up to 64 KiB serves at least 8 allocations
 * before the next request, usually thousands; one of a larger class 1 to 6, but each of those moves
 * 80 KiB or more), so one monitor guards it all.
 *
 * Giving memory back (purge): releasing a span never makes a system call; it only marks the span's
 * slabs free and dirty with a time stamp. purge() - run by the background purger of a LEAN
 * allocator, and by trim() - asks the release policy about each empty superslab and each dirty slab,
 * in the order they were mapped (ReleasePolicy's banner), and then carries out the answers outside
 * the monitor:
 *
 *     under the monitor:  dirty --DECOMMIT--> purging          empty superslab --RETIRE--> removed
 *     outside it:         os.decommit(run)                     os.retire(superslab)
 *     under the monitor:  purging --> clean (or dirty again    failed: put back, intact
 *                         if the decommit failed)
 *
 * so threads that need a span never wait for a madvise or munmap. A purging slab is neither free
 * nor live, so no span can be cut from it while its pages are being given back. Every give-back
 * goes through OsMemory, which refuses ranges it did not map.
 *
 * Where a new span is cut, best first:
 *
 *   1. same layout: dirty slabs that last held a span of the same class starting at the same slab.
 *      The new span's slots lie exactly where the old one's did, so the pages its buffers write are
 *      mostly pages already resident. Buffers often write only part of their slot (a read buffer
 *      larger than the message), and a slot's unwritten pages are never touched; cut for another
 *      class, the same slabs would get writes on other pages, and their resident set would grow to
 *      the union of both classes' pages. On mixed-ws400-32k in LEAN (each buffer writes its first
 *      and last byte) this took the resident peak from 8.0 to 6.5 MiB, with heaps keeping up to four
 *      spare spans per class; with every page of every buffer written it changes nothing (BENCHMARKS.md).
 *   2. FAST: dirty slabs (still resident), which cost no page faults. LEAN: clean slabs
 *      (decommitted or never touched), so that the span's buffers make only the pages they write
 *      resident. Dirty slabs another class left would add the new class's pages to the old one's,
 *      and the span would keep both while it lives: over three minutes of mixed-ws400-32k, LEAN's
 *      resident crept from 8 to 10 MiB with dirty first and stayed at 6 MiB with clean first;
 *   3. any free run (dirty, clean, or both);
 *   4. a new superslab.
 *
 * Huge buffers (more than SizeClasses.MAX_SIZE) bypass superslabs: each gets its own page-aligned
 * mapping. A released one is kept for the next huge buffers of about its size (HugeCache, up to 8
 * blocks and the keptHugeMB setting's bytes: by default 64 MiB, or a quarter of the cap, or LEAN's
 * budget, whichever is least), and the purge unmaps kept blocks as it retires empty superslabs; one
 * that is not kept is unmapped at its release.
 */
package org.hakmem.netty.slab;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.ReleasePolicy;
import org.hakmem.netty.policy.ReleasePolicy.Release;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/*
 * Not final for one test only (RetireInterruptedTest): it makes a span's hand-over throw, as an
 * OutOfMemoryError or a StackOverflowError in a reap can, to check that the next reap carries on
 * where the first stopped. Production code never subclasses it.
 */
public class SuperslabPool {
    /** next[] arrays kept per class from released spans (the most spare spans a heap keeps of a class). */
    static final int NEXT_ARRAYS_KEPT = 4;
    /** The default bound on kept huge blocks, before the cap's quarter (defaultKeptHugeBytes). */
    private static final long KEPT_HUGE_BYTES = 64L << 20;
    private final OsMemory os;
    private final ReleasePolicy policy;
    /** Every mapped superslab. Guarded by this. */
    private final List<Superslab> superslabs = new ArrayList<>();
    /** Every live span, for metrics and trimming. Guarded by this. */
    private final IdentityHashMap<Slab, Boolean> liveSpans = new IdentityHashMap<>();
    /** Orphaned spans per class. Guarded by this. */
    @SuppressWarnings("unchecked")
    private final List<Slab>[] orphans = new List[SizeClasses.COUNT];
    /** Orphans in all classes; read without the lock to skip the monitor when there are none. */
    private volatile int orphanCount;
    private final AtomicLong hugeBytes = new AtomicLong();
    /** Released huge blocks kept for reuse. Guarded by this. */
    private final HugeCache hugeCache;
    /**
     * The next[] arrays of released spans, up to NEXT_ARRAYS_KEPT per class, for the class's next
     * spans: span churn then makes no array garbage (8 KiB for a span of 16-byte slots). Guarded by this.
     */
    private final short[][][] nextArrays = new short[SizeClasses.COUNT][NEXT_ARRAYS_KEPT][];
    /**
     * The buffers[] array kept with each of nextArrays, with the buffer objects bound to its slots:
     * a span of the class that takes them over binds them to itself as it hands them out, so churn
     * makes no object garbage either. Guarded by this.
     */
    private final Object[][][] bufferArrays = new Object[SizeClasses.COUNT][NEXT_ARRAYS_KEPT][];
    private final int[] nextArrayCount = new int[SizeClasses.COUNT];
    /** Spans cut for heaps and spans taken back since creation, per size class. Guarded by this. */
    private final long[] spansAcquiredByClass = new long[SizeClasses.COUNT];
    private final long[] spansReleasedByClass = new long[SizeClasses.COUNT];
    /**
     * Serializes purges (the background purger's and trim()'s) with each other, not with allocation:
     * a trim waits for a purge in flight, so it sees no slab half given back and skips nothing.
     */
    private final Object purgeLock = new Object();
    /** The kinds of free run a new span is cut from, best first (Superslab.findFreeRun; see the banner). */
    private final int[] cutOrder;
    /** Bumped to ask every thread heap to give its empty spans back (see ThreadHeap). */
    private volatile int trimEpoch;

    /**
     * The most bytes of released huge blocks kept for reuse when nothing says otherwise: 64 MiB, and
     * at most a quarter of the cap, so that kept blocks leave the cap to live memory.
     */
    public static long defaultKeptHugeBytes(long maxMappedBytes) {
        return Math.min(KEPT_HUGE_BYTES, maxMappedBytes / 4);
    }

    /** A pool that keeps released huge blocks up to defaultKeptHugeBytes of the OS gate's cap. */
    public SuperslabPool(OsMemory os, ReleasePolicy policy) {
        this(os, policy, defaultKeptHugeBytes(os.maxMappedBytes()));
    }

    /** @param keptHugeBytes at most this many bytes of released huge blocks are kept for reuse; 0 or more */
    public SuperslabPool(OsMemory os, ReleasePolicy policy, long keptHugeBytes) {
        this.os = os;
        this.policy = policy;
        this.hugeCache = new HugeCache(keptHugeBytes);
        this.cutOrder = new int[] {Superslab.SAME_LAYOUT,
                policy.cleanSlabsFirst() ? Superslab.CLEAN : Superslab.DIRTY, Superslab.ANY};
        for (int c = 0; c < orphans.length; c++) {
            orphans[c] = new ArrayList<>();
        }
    }

    /** A fresh span of the class, owned by {@code owner}. Maps a superslab if none has room. */
    public synchronized Slab acquireSpan(int sizeClass, SlabOwner owner) {
        int count = SizeClasses.spanSlabs(sizeClass);
        for (int kind : cutOrder) {
            for (Superslab ss : superslabs) {
                int first = ss.findFreeRun(count, kind, sizeClass);
                if (first >= 0) {
                    return newSpan(ss, first, sizeClass, owner);
                }
            }
        }
        Superslab ss = mapThen(Superslab.SIZE, Superslab.SIZE, Superslab::new);
        if (policy.prewarm()) {
            ss.prewarm(OsMemory.PAGE_SIZE, System.nanoTime());
        }
        superslabs.add(ss);
        return newSpan(ss, 0, sizeClass, owner);
    }

    private Slab newSpan(Superslab ss, int first, int sizeClass, SlabOwner owner) {
        Slab s = newDescriptor(ss, first, sizeClass);
        spansAcquiredByClass[sizeClass]++;
        ss.markLive(s);
        s.setOwner(owner);
        liveSpans.put(s, Boolean.TRUE);
        return s;
    }

    /** A span's descriptor, with the next[] and buffers[] arrays of a released span if some are kept. */
    private Slab newDescriptor(Superslab ss, int first, int sizeClass) {
        int n = nextArrayCount[sizeClass];
        if (n == 0) {
            int slots = SizeClasses.slotsPerSpan(sizeClass);
            return new Slab(ss, first, sizeClass, new short[slots], new Object[slots]);
        }
        n--;
        Slab s = new Slab(ss, first, sizeClass, nextArrays[sizeClass][n], bufferArrays[sizeClass][n]);
        nextArrays[sizeClass][n] = null;
        bufferArrays[sizeClass][n] = null;
        nextArrayCount[sizeClass] = n;
        return s;
    }

    /**
     * Takes back an empty span. Its descriptor is never reused (see ThreadHeap's ready stack); its
     * next[] and buffers[] arrays are (keepSlotArrays).
     */
    public synchronized void releaseSpan(Slab s) {
        if (s.state == Slab.RELEASED) {
            // Its slabs may hold a new span by now, and its arrays are kept: a second release
            // would free those slabs under the new span and give the array to two spans.
            throw new IllegalStateException("span released twice: " + s);
        }
        if (s.used != 0) {
            throw new IllegalStateException("releasing a span with " + s.used + " live slots: " + s);
        }
        spansReleasedByClass[s.sizeClass]++;
        s.setOwner(null);
        s.state = Slab.RELEASED;
        liveSpans.remove(s);
        s.superslab.markFree(s.firstSlab, s.slabCount, System.nanoTime());
        // In no heap's list any more. A retiring heap leaves the links to the pool (ThreadHeap.retire)
        // so that a hand-over cut short can be carried on; cleared, they keep no span of a dead heap
        // reachable from one that lives on. Plain stores after every call: an error leaves them be.
        s.ownedPrev = null;
        s.ownedNext = null;
        keepSlotArrays(s);
    }

    /**
     * Keeps a released span's next[] and buffers[] arrays for the class's next span, if there is room.
     * Only the arrays: no thread reads or writes them any more. Its slots were all freed and collected
     * (used is 0), so no remote free is left to write an entry, setOwner(null) waited out a push in
     * flight (which touches the span's RemoteFrees, never next[]), and every object in buffers[] is
     * released: an entry is a buffer out on its slot only while that slot is allocated. A new span
     * writes a next[] entry before it reads it (see Slab.next), and binds an entry's object to itself
     * before handing it out (see Slab.buffers). The descriptor and its RemoteFrees are not reused (a
     * stale entry on a ready stack still reads them).
     */
    private void keepSlotArrays(Slab s) {
        int n = nextArrayCount[s.sizeClass];
        if (n < NEXT_ARRAYS_KEPT) {
            nextArrays[s.sizeClass][n] = s.next;
            bufferArrays[s.sizeClass][n] = s.buffers;
            nextArrayCount[s.sizeClass] = n + 1;
        }
    }

    // ---- giving memory back ----

    /**
     * Gives back free memory: what the policy says is due, or with {@code force} (trim) every empty
     * superslab (retired) and every other free slab (decommitted with {@code forcedMode}).
     *
     * @return bytes decommitted plus bytes unmapped
     */
    public long purge(boolean force, DecommitMode forcedMode) {
        synchronized (purgeLock) {
            return purgeSerially(force, forcedMode);
        }
    }

    private long purgeSerially(boolean force, DecommitMode forcedMode) {
        DecommitMode mode = force ? forcedMode : policy.decommitMode();
        List<Superslab> retiring = new ArrayList<>();
        List<long[]> runs = new ArrayList<>(); // {superslab index in purging list, first, count}
        List<Superslab> purging = new ArrayList<>();
        List<HugeBlock> unmapping;
        // Once giving back is off, a superslab taken out of the list to be retired would only be put
        // back after a refused call, and a thread that needs a span meanwhile would map a new one.
        boolean givingBackDisabled = os.givingBackDisabled();
        synchronized (this) {
            long now = System.nanoTime();
            long committed = committedBytes();
            long mapped = os.mappedBytes();
            unmapping = dueHugeBlocks(force, now, committed, mapped);
            for (HugeBlock b : unmapping) {
                committed -= b.size;
                mapped -= b.size;
            }
            for (Iterator<Superslab> it = superslabs.iterator(); it.hasNext(); ) {
                Superslab ss = it.next();
                boolean all = false;
                if (ss.isEmpty() && !givingBackDisabled) {
                    Release r = force ? Release.RETIRE : policy.release(true, now - ss.emptySince, committed, mapped);
                    if (r == Release.RETIRE) {
                        it.remove();
                        retiring.add(ss);
                        committed -= (long) Integer.bitCount(ss.dirtyMask) * Superslab.SLAB_SIZE;
                        mapped -= Superslab.SIZE;
                        continue;
                    }
                    all = r == Release.DECOMMIT;
                }
                if (mode == DecommitMode.OFF || givingBackDisabled || ss.dirtyMask == 0) {
                    continue;
                }
                int chosen = 0;
                for (int i = 0; i < Superslab.SLABS; i++) {
                    if ((ss.dirtyMask & (1 << i)) == 0) {
                        continue;
                    }
                    Release r = force || all ? Release.DECOMMIT
                            : policy.release(false, now - ss.freedAt[i], committed, mapped);
                    if (r != Release.KEEP) {
                        chosen |= 1 << i;
                        committed -= Superslab.SLAB_SIZE;
                    }
                }
                if (chosen != 0) {
                    ss.dirtyMask &= ~chosen;
                    ss.purgingMask |= chosen;
                    purging.add(ss);
                    addRuns(runs, purging.size() - 1, chosen);
                }
            }
        }
        long bytes;
        try {
            bytes = carryOut(retiring, purging, runs, mode);
        } catch (RuntimeException | Error e) {
            putBackKept(unmapping, 0); // not tried: still mapped and intact
            throw e;
        }
        return bytes + unmapKept(unmapping);
    }

    /**
     * The kept huge blocks to unmap now (under the monitor): all of them when forced, else those the
     * policy would give back as an empty superslab that has been free as long. Giving back switched
     * off does not keep them: a huge block's munmap never depended on it (releaseHuge).
     */
    private List<HugeBlock> dueHugeBlocks(boolean force, long now, long committed, long mapped) {
        if (hugeCache.count() == 0) {
            return List.of();
        }
        return hugeCache.takeDue(now, (block, keptNanos) ->
                force || policy.release(true, keptNanos, committed, mapped) != Release.KEEP);
    }

    /**
     * Unmaps kept huge blocks outside the monitor, as a release unmaps a block it does not keep. A
     * refused munmap is counted and thrown once the others are unmapped: the block stays mapped and
     * unused, never handed out again, as at a release. If a call throws anything else (a JNA Error,
     * as in carryOut), the blocks not tried yet are kept again, still mapped and intact.
     */
    private long unmapKept(List<HugeBlock> blocks) {
        long bytes = 0;
        IllegalStateException refused = null;
        int tried = 0;
        try {
            for (; tried < blocks.size(); tried++) {
                HugeBlock b = blocks.get(tried);
                try {
                    os.unmap(b.address, b.size);
                    bytes += b.size;
                } catch (IllegalStateException e) {
                    refused = refused == null ? e : refused;
                }
            }
        } finally {
            putBackKept(blocks, tried + 1);
        }
        if (refused != null) {
            throw refused;
        }
        return bytes;
    }

    /** Keeps blocks[from..] again, after a purge stopped before it tried them. */
    private void putBackKept(List<HugeBlock> blocks, int from) {
        if (from < blocks.size()) { // a purge that tried every block (the usual case) takes no lock here
            putBackKeptLocked(blocks, from);
        }
    }

    private synchronized void putBackKeptLocked(List<HugeBlock> blocks, int from) {
        long now = System.nanoTime();
        for (int i = from; i < blocks.size(); i++) {
            hugeCache.putBack(blocks.get(i), now);
        }
    }

    /** Splits a mask into runs of consecutive slabs: one madvise each. */
    private static void addRuns(List<long[]> runs, int index, int mask) {
        int i = 0;
        while (i < Superslab.SLABS) {
            if ((mask & (1 << i)) == 0) {
                i++;
                continue;
            }
            int first = i;
            while (i < Superslab.SLABS && (mask & (1 << i)) != 0) {
                i++;
            }
            runs.add(new long[] {index, first, i - first});
        }
    }

    /**
     * Carries out the purge's answers outside the monitor: the retires, then the decommits. A call
     * that throws instead of returning false (JNA's Error for a fault in native code, not a failing
     * munmap or madvise) leaves the books whole. The superslabs not tried yet go back into the pool;
     * the one that threw may or may not be mapped still, so it stays out (OsMemory keeps it
     * registered). The runs not given back yet end their purge as free and dirty, with no further
     * system call: else they would stay "purging" for good, never cut again, their superslab never
     * empty.
     *
     * @return bytes unmapped plus bytes decommitted
     */
    private long carryOut(List<Superslab> retiring, List<Superslab> purging, List<long[]> runs, DecommitMode mode) {
        long bytes = 0;
        int tried = 0; // superslabs whose retire returned
        int ended = 0; // runs whose purge has ended
        try {
            for (; tried < retiring.size(); tried++) {
                bytes += retire(retiring.get(tried));
            }
            for (; ended < runs.size(); ended++) {
                bytes += decommit(purging, runs.get(ended), mode);
            }
        } finally {
            if (tried + 1 < retiring.size()) {
                synchronized (this) {
                    superslabs.addAll(retiring.subList(tried + 1, retiring.size()));
                }
            }
            for (; ended < runs.size(); ended++) {
                endPurge(purging, runs.get(ended), false);
            }
        }
        return bytes;
    }

    /** Unmaps an empty superslab; one whose munmap failed is still mapped and intact: back into the pool. */
    private long retire(Superslab ss) {
        if (os.retire(ss.base, Superslab.SIZE)) {
            return Superslab.SIZE;
        }
        synchronized (this) {
            superslabs.add(ss); // usable as before
        }
        return 0;
    }

    /** Decommits one run of a purging superslab and ends its purge. */
    private long decommit(List<Superslab> purging, long[] run, DecommitMode mode) {
        long length = run[2] << Superslab.SLAB_SHIFT;
        boolean done = os.decommit(purging.get((int) run[0]).slabAddress((int) run[1]), length, mode);
        endPurge(purging, run, done);
        return done ? length : 0;
    }

    /** A run's purge is over: its slabs become clean, or dirty again if they were not given back. */
    private synchronized void endPurge(List<Superslab> purging, long[] run, boolean done) {
        Superslab ss = purging.get((int) run[0]);
        int b = Superslab.bits((int) run[1], (int) run[2]);
        ss.purgingMask &= ~b;
        if (!done) {
            ss.dirtyMask |= b; // decommit is off or failed: the slabs are free and still resident
        }
    }

    /** Asks every thread heap to give back its empty spans (at its next refill or heap tick). */
    public synchronized void requestHeapTrim() {
        trimEpoch++;
    }

    /** The current trim request; heaps compare it with the last one they served. */
    public int trimEpoch() {
        return trimEpoch;
    }

    /**
     * Bytes that may be resident: slabs in live spans, free slabs not yet decommitted, and huge
     * blocks, kept without a system call. An upper bound of what mincore reports, except for pages
     * given back with MADV_FREE, which mincore counts until the kernel reclaims them. The sum of
     * committedParts(), read under the same lock (a slab is in one state only).
     */
    public synchronized long committedBytes() {
        return spanBytes() + freeCommittedBytes() + hugeBytes.get();
    }

    /** Bytes of the slabs in live spans (held by thread heaps or orphaned), used slots or not. */
    public synchronized long spanBytes() {
        long slabs = 0;
        for (Superslab ss : superslabs) {
            slabs += Integer.bitCount(ss.slabMask);
        }
        return slabs << Superslab.SLAB_SHIFT;
    }

    /**
     * Bytes of free memory that may still be resident: free slabs released and not yet decommitted,
     * and released huge blocks kept for reuse.
     */
    public synchronized long freeCommittedBytes() {
        long slabs = 0;
        for (Superslab ss : superslabs) {
            slabs += Integer.bitCount(ss.dirtyMask | ss.purgingMask);
        }
        return (slabs << Superslab.SLAB_SHIFT) + hugeCache.bytes();
    }

    /** Bytes of the released huge blocks kept for reuse (part of freeCommittedBytes()). */
    public synchronized long keptHugeBytes() {
        return hugeCache.bytes();
    }

    /**
     * The parts of committedBytes() read in one step, for the metric's log line: {bytes in spans,
     * free committed bytes, huge blocks}. They add up to committedBytes() at that moment (a slab is in
     * one state only); read one by one while threads allocate, they need not.
     */
    public synchronized long[] committedParts() {
        return new long[] {spanBytes(), freeCommittedBytes(), hugeBytes.get()};
    }

    /** Spans cut for thread heaps since creation: churn = how often heaps come back for one. */
    public synchronized long spansAcquired() {
        return Arrays.stream(spansAcquiredByClass).sum();
    }

    /** Empty spans taken back from thread heaps since creation. */
    public synchronized long spansReleased() {
        return Arrays.stream(spansReleasedByClass).sum();
    }

    /** Parks a span whose owner died with live slots in it. */
    public synchronized void addOrphan(Slab s) {
        s.setOwner(null);
        s.state = Slab.ORPHAN;
        orphans[s.sizeClass].add(s);
        orphanCount++;
        s.ownedPrev = null; // in no heap's list, as in releaseSpan
        s.ownedNext = null;
    }

    /** An orphan of the class, now owned by {@code owner} with its remote frees collected; or null. */
    public Slab adoptOrphan(int sizeClass, SlabOwner owner) {
        if (orphanCount == 0) {
            return null;
        }
        synchronized (this) {
            List<Slab> list = orphans[sizeClass];
            if (list.isEmpty()) {
                return null;
            }
            Slab s = list.remove(list.size() - 1);
            orphanCount--;
            s.setOwner(owner);
            s.collectRemote();
            return s;
        }
    }

    /** Releases every orphan whose slots have all been freed. Returns the number released. */
    public synchronized int reapOrphans() {
        int released = 0;
        for (List<Slab> list : orphans) {
            for (int i = list.size() - 1; i >= 0; i--) {
                Slab s = list.get(i);
                s.collectRemote();
                if (s.used == 0) {
                    list.remove(i);
                    orphanCount--;
                    releaseSpan(s);
                    released++;
                }
            }
        }
        return released;
    }

    /** A huge block for capacity: a kept one it fits (HugeCache), else a new mapping (page-rounded). */
    public HugeBlock mapHuge(int capacity) {
        long size = hugeSize(capacity);
        HugeBlock kept = takeKeptHuge(size);
        if (kept != null) {
            return kept;
        }
        HugeBlock block = mapThen(size, OsMemory.PAGE_SIZE, address -> new HugeBlock(address, size));
        hugeBytes.addAndGet(size);
        return block;
    }

    /** Moves a kept block to the live ones in one step, so committedBytes() counts it throughout. */
    private synchronized HugeBlock takeKeptHuge(long size) {
        HugeBlock b = hugeCache.take(size);
        if (b != null) {
            b.live = true;
            hugeBytes.addAndGet(b.size);
        }
        return b;
    }

    /** Whether the cap could ever hold a huge block of this capacity (with nothing else mapped). */
    public boolean hugeFitsUnderCap(int capacity) {
        return hugeSize(capacity) <= os.maxMappedBytes();
    }

    private static long hugeSize(int capacity) {
        return (capacity + OsMemory.PAGE_SIZE - 1) & -OsMemory.PAGE_SIZE;
    }

    /**
     * Maps {@code size} bytes and wraps them; if the wrapping throws, the mapping is undone, so a
     * failed allocation leaves nothing mapped or counted against the cap.
     */
    private <T> T mapThen(long size, long alignment, LongFunction<T> wrap) {
        long address = os.map(size, alignment, policy.hugePages());
        try {
            return wrap.apply(address);
        } catch (RuntimeException | Error e) {
            os.unmap(address, size);
            throw e;
        }
    }

    /**
     * Takes back a released buffer's block: kept for reuse if the cache has room (HugeCache), else
     * unmapped. An unmapped block leaves the live and committed figures first: no buffer holds it any
     * more, also while the munmap is in the kernel (outside OsMemory's monitor), and also when the
     * kernel refuses it (the mapping then stays, counted as a failure and in mappedBytes, but unused).
     * Taken out after the munmap, it counted in both while the munmap ran and for a moment after
     * mappedBytes dropped, when both exceeded it.
     */
    public void releaseHuge(HugeBlock block) {
        if (keepHuge(block)) {
            return;
        }
        os.unmap(block.address, block.size);
    }

    /**
     * Moves a released block from the live ones to the kept ones in one step, if there is room. A block
     * released twice (two threads releasing a buffer's last reference at once both deallocate it) is
     * refused before anything changes: kept twice it would go to two buffers, kept after a purge
     * unmapped it, to one buffer unmapped. (Unmapped at once, as before HugeCache, OsMemory refused
     * the second munmap.)
     */
    private synchronized boolean keepHuge(HugeBlock block) {
        if (!block.live) {
            throw new IllegalStateException("huge block released twice: " + block.size + " bytes at 0x"
                    + Long.toHexString(block.address) + " (expected: a block a live buffer holds)");
        }
        block.live = false;
        hugeBytes.addAndGet(-block.size);
        return hugeCache.keep(block, System.nanoTime());
    }

    /** Bytes of slots and huge blocks held by live buffers. */
    public synchronized long liveBytes() {
        long total = hugeBytes.get();
        for (Slab s : liveSpans.keySet()) {
            total += s.liveBytes();
        }
        return total;
    }

    /**
     * Per size class, the live spans and the slots live buffers hold in them, counted in one walk, and
     * the spans acquired and released so far, read in the same step. The slot counts are those of
     * liveBytes(), so their bytes and hugeBytes() add up to it.
     */
    public synchronized ClassCounts countByClass() {
        ClassCounts counts = new ClassCounts(spansAcquiredByClass.clone(), spansReleasedByClass.clone());
        for (Slab s : liveSpans.keySet()) {
            counts.spans[s.sizeClass]++;
            counts.liveSlots[s.sizeClass] += s.liveSlots();
        }
        return counts;
    }

    /** What countByClass() counted, indexed by size class. */
    public static final class ClassCounts {
        public final int[] spans = new int[SizeClasses.COUNT];
        public final long[] liveSlots = new long[SizeClasses.COUNT];
        public final long[] spansAcquired;
        public final long[] spansReleased;

        ClassCounts(long[] spansAcquired, long[] spansReleased) {
            this.spansAcquired = spansAcquired;
            this.spansReleased = spansReleased;
        }
    }

    /** Bytes of the mappings of live huge buffers (over MAX_SIZE), page-rounded. */
    public long hugeBytes() {
        return hugeBytes.get();
    }

    /** One line per superslab with its slab masks, for diagnostics. */
    public synchronized String describe() {
        StringBuilder sb = new StringBuilder();
        for (Superslab ss : superslabs) {
            sb.append(String.format("0x%x live=%08x dirty=%08x purging=%08x%n", ss.base, ss.slabMask, ss.dirtyMask,
                    ss.purgingMask));
        }
        return sb.toString();
    }

    public synchronized int superslabCount() {
        return superslabs.size();
    }

    public synchronized int orphanCount() {
        return orphanCount;
    }

    public synchronized int liveSpanCount() {
        return liveSpans.size();
    }
}
