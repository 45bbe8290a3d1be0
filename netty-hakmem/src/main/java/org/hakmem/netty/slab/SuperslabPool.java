/*
 * SuperslabPool: the shared store of superslabs. Thread heaps take spans of slabs from it and give
 * them back; it maps superslabs through OsMemory when it has no room, and asks the release policy
 * what to do with a superslab that became empty.
 *
 *     ThreadHeap --acquireSpan(class)--> [ superslab 0 | superslab 1 | ... ] --map--> OsMemory
 *                <--releaseSpan(slab)--
 *                <--adoptOrphan(class)-- orphans[class]   (spans of heaps whose thread died)
 *
 * Everything here is a slow-path event (a span serves at least 8 allocations before the next
 * request, usually thousands), so one monitor guards it all.
 *
 * Huge buffers (more than SizeClasses.MAX_SIZE) bypass superslabs: each gets its own page-aligned
 * mapping, unmapped when the buffer is released.
 */
package org.hakmem.netty.slab;

import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.ReleasePolicy;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

public final class SuperslabPool {
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

    public SuperslabPool(OsMemory os, ReleasePolicy policy) {
        this.os = os;
        this.policy = policy;
        for (int c = 0; c < orphans.length; c++) {
            orphans[c] = new ArrayList<>();
        }
    }

    /** A fresh span of the class, owned by {@code owner}. Maps a superslab if none has room. */
    public synchronized Slab acquireSpan(int sizeClass, SlabOwner owner) {
        int count = SizeClasses.spanSlabs(sizeClass);
        for (Superslab ss : superslabs) {
            int first = ss.findFreeRun(count);
            if (first >= 0) {
                return newSpan(ss, first, sizeClass, owner);
            }
        }
        Superslab ss = new Superslab(os.map(Superslab.SIZE, Superslab.SIZE));
        superslabs.add(ss);
        return newSpan(ss, 0, sizeClass, owner);
    }

    private Slab newSpan(Superslab ss, int first, int sizeClass, SlabOwner owner) {
        Slab s = new Slab(ss, first, sizeClass);
        ss.markUsed(first, s.slabCount, true);
        s.setOwner(owner);
        liveSpans.put(s, Boolean.TRUE);
        return s;
    }

    /** Takes back an empty span. Its descriptor is never reused (see ThreadHeap's ready stack). */
    public synchronized void releaseSpan(Slab s) {
        if (s.used != 0) {
            throw new IllegalStateException("releasing a span with " + s.used + " live slots: " + s);
        }
        s.setOwner(null);
        s.state = Slab.RELEASED;
        liveSpans.remove(s);
        Superslab ss = s.superslab;
        ss.markUsed(s.firstSlab, s.slabCount, false);
        if (ss.isEmpty() && !policy.keepEmptySuperslab(os.mappedBytes())) {
            superslabs.remove(ss);
            os.unmap(ss.base, Superslab.SIZE);
        }
    }

    /** Parks a span whose owner died with live slots in it. */
    public synchronized void addOrphan(Slab s) {
        s.setOwner(null);
        s.state = Slab.ORPHAN;
        orphans[s.sizeClass].add(s);
        orphanCount++;
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

    /** Maps a huge block of its own (page-rounded). */
    public HugeBlock mapHuge(int capacity) {
        long size = (capacity + OsMemory.PAGE_SIZE - 1) & -OsMemory.PAGE_SIZE;
        HugeBlock block = new HugeBlock(os.map(size, OsMemory.PAGE_SIZE), size);
        hugeBytes.addAndGet(size);
        return block;
    }

    public void unmapHuge(HugeBlock block) {
        os.unmap(block.address, block.size);
        hugeBytes.addAndGet(-block.size);
    }

    /** Bytes of slots and huge blocks held by live buffers. */
    public synchronized long liveBytes() {
        long total = hugeBytes.get();
        for (Slab s : liveSpans.keySet()) {
            total += s.liveBytes();
        }
        return total;
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
