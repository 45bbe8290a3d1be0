/*
 * SharedCaches: where virtual threads allocate.
 *
 * A heap per thread suits the threads Netty runs its channels on: a few long-lived event loops. A
 * virtual thread is the opposite: there may be a hundred thousand of them, each living for one
 * request. A heap of its own would cut a span (64 KiB or more) of every size class it touches for
 * the one or two buffers it holds: 10,000 virtual threads holding a 1 KiB buffer each added 627 MiB
 * of RSS in FAST for 10 MiB of live data; 9.7 MiB with lanes (docs/BENCHMARKS.md, "Virtual threads").
 *
 * So virtual threads share a few caches instead, one per CPU ("lanes"), each behind a lock:
 *
 *     virtual thread --allocate--> lane[id % n] if its lock is free, else the next free lane,
 *                                  else wait for lane[id % n]
 *                                    lane = ThreadCache + ThreadHeap, used by whoever holds the lock
 *     any thread --release--> the remote paths, lock-free: the span's remote-free stack and the
 *                             cache's returned-objects stack (one CAS each); the lane collects
 *                             them when it refills
 *
 * A lane's cache and heap belong to a placeholder thread that never runs, so no thread is ever their
 * owner: every release takes the remote path, and every allocation from a lane - a capacity move
 * included - holds its lock, which orders the owner-only plain fields between the threads that hold
 * it in turn. The lock is a ReentrantLock, so a virtual thread that waits for it unmounts instead of
 * pinning its carrier.
 *
 * Only a virtual thread's allocation takes a lock; platform threads keep their own heaps and the
 * lock-free path. Lanes are made when a virtual thread first allocates, and never retire: they live
 * as long as the allocator. trim() empties them under their locks, and a LEAN allocator's purger
 * (FREE or DONTNEED; OFF has none) gives back the empty spans of a lane that served no allocation
 * since its last round, so memory does not stay with lanes the virtual threads have stopped using. Heap-buffer arrays are not cached
 * for virtual threads (ThreadCache's array cache is owner-only and small; a lane would only churn it).
 */
package org.hakmem.netty;

import org.hakmem.netty.heap.HeapRegistry;

import java.util.concurrent.locks.ReentrantLock;

final class SharedCaches {
    /** One lane: a cache over a heap, and the lock that makes whoever holds it their owner. */
    static final class Lane {
        final ReentrantLock lock = new ReentrantLock();
        final ThreadCache cache;
        /** Allocations served, and their count at the purger's last look; both guarded by lock. */
        private int allocations;
        private int allocationsAtLastPurge;

        Lane(ThreadCache cache) {
            this.cache = cache;
        }

        /** Counts an allocation; the caller holds the lock. */
        void countAllocation() {
            allocations++;
        }

        void unlock() {
            lock.unlock();
        }
    }

    private final HeapRegistry registry;
    private final int laneCount;
    /** Null until a virtual thread first allocates; written once under this. */
    private volatile Lane[] lanes;

    SharedCaches(HeapRegistry registry, int laneCount) {
        if (laneCount < 1) {
            throw new IllegalArgumentException("laneCount must be at least 1: " + laneCount);
        }
        this.registry = registry;
        this.laneCount = laneCount;
    }

    /**
     * Locks a lane for the calling thread: its own lane (by thread id) if free, else any free lane,
     * else it waits for its own. The caller unlocks it in a finally block.
     */
    @SuppressWarnings("deprecation") // Thread.getId(): threadId() needs JDK 19
    Lane lock(Thread t) {
        Lane[] all = lanes();
        int first = (int) Long.remainderUnsigned(t.getId(), all.length);
        for (int i = 0; i < all.length; i++) {
            Lane lane = all[(first + i) % all.length];
            if (lane.lock.tryLock()) {
                return lane;
            }
        }
        Lane own = all[first];
        own.lock.lock();
        return own;
    }

    /** Lanes made so far: 0 until a virtual thread allocates, then laneCount. */
    int created() {
        Lane[] all = lanes;
        return all == null ? 0 : all.length;
    }

    /** Gives back every empty span of every lane (trim()), waiting for each lane's lock. */
    void releaseEmptySpans() {
        Lane[] all = lanes;
        if (all == null) {
            return;
        }
        for (Lane lane : all) {
            lane.lock.lock();
            try {
                lane.cache.heap.releaseEmptySpans();
            } finally {
                lane.unlock();
            }
        }
    }

    /**
     * Gives back the empty spans of every lane whose lock is free, waiting for none (a thread that
     * makes room at the mapping cap, ThreadHeap.makeRoom). The caller may hold a lane's lock (a
     * virtual thread's refill): that lane is its own heap, which makeRoom has emptied already, and
     * tryLock never waits, so no lock order between lanes arises.
     */
    void releaseFreeLanes() {
        Lane[] all = lanes;
        if (all == null) {
            return;
        }
        for (Lane lane : all) {
            if (!lane.lock.isHeldByCurrentThread() && lane.lock.tryLock()) {
                try {
                    lane.cache.heap.releaseEmptySpans();
                } finally {
                    lane.unlock();
                }
            }
        }
    }

    /**
     * Gives back the empty spans of lanes that served no allocation since the last call (LEAN's
     * purger). A busy lane is skipped, never waited for.
     */
    void releaseIdleLanes() {
        Lane[] all = lanes;
        if (all == null) {
            return;
        }
        for (Lane lane : all) {
            if (lane.lock.tryLock()) {
                try {
                    if (lane.allocations == lane.allocationsAtLastPurge) {
                        lane.cache.heap.releaseEmptySpans();
                    }
                    lane.allocationsAtLastPurge = lane.allocations;
                } finally {
                    lane.unlock();
                }
            }
        }
    }

    private Lane[] lanes() {
        Lane[] all = lanes;
        return all != null ? all : createLanes();
    }

    private synchronized Lane[] createLanes() {
        Lane[] all = lanes;
        if (all == null) {
            all = new Lane[laneCount];
            for (int i = 0; i < laneCount; i++) {
                // Never started: no thread is ever the lane's owner, so every release is remote. It
                // inherits no thread-locals from the virtual thread that happens to create it.
                Thread placeholder = new Thread(null, null, "netty-hakmem-shared-lane-" + i, 0, false);
                all[i] = new Lane(new ThreadCache(registry.newSharedHeap(placeholder)));
            }
            lanes = all;
        }
        return all;
    }
}
