/*
 * HeapRegistry: every live thread heap of one allocator, and the hand-over of a heap's memory when
 * its thread dies.
 *
 * Two ways a heap is retired:
 *   - Netty threads (FastThreadLocalThread running a FastThreadLocalRunnable, as Netty's event loops
 *     do) remove their FastThreadLocals on exit; the allocator's removal hook calls retire(heap) on
 *     the dying thread itself.
 *   - Any other thread just ends. The registry notices: a heap whose thread is no longer alive is
 *     retired by whichever thread calls reapDead(). Thread.isAlive() returning false makes everything
 *     the dead thread wrote visible to the caller (JLS 17.4.4), so the caller may then touch the
 *     heap's plain, owner-only state.
 *
 * reapDead() runs when the number of heaps doubles since the last reap (so a stream of short-lived
 * threads is reaped in amortized O(1) per thread), from a heap that asks the pool for a new span when
 * the last reap started more than REAP_INTERVAL_NANOS ago (one such heap at a time), every round of
 * LEAN's purger, and on trim().
 *
 * The same walk serves idle heaps: a live thread's heap that parked (ThreadHeap, "Going idle", LEAN)
 * gets its empty spans given back on its owner's behalf when a walk finds it parked by the same park
 * as the walk before - at once on trim().
 *
 * A heap that never parks because other threads released its buffers (its count of live slots drops
 * only when the owner collects those frees) is out of every walker's reach: only its owner may touch
 * its spans. Where the owner is a Netty event loop the allocator watches (HakmemByteBufAllocator.
 * watchEventLoops), askIdleOwnersToLook asks that loop to look, as a task: LEAN's purger for heaps
 * that allocated nothing over two of its rounds and hold remote frees, trim() for any that holds
 * them. The candidates are picked under the monitor; the tasks are submitted outside it.
 */
package org.hakmem.netty.heap;

import org.hakmem.netty.policy.ReleasePolicy;
import org.hakmem.netty.slab.SuperslabPool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

public final class HeapRegistry {
    private static final long REAP_INTERVAL_NANOS = 100_000_000L;
    private static final int MIN_REAP_THRESHOLD = 16;

    private final SuperslabPool pool;
    private final ReleasePolicy policy;
    /** Runs after each reap, so that layers above can drop what they keep per thread. */
    private final Runnable afterReap;
    /**
     * Gives back the empty spans of shared heaps (SharedCaches' lanes) whose lock is free, without
     * waiting for any; run when a thread makes room at the mapping cap (ThreadHeap.makeRoom).
     */
    private final Runnable releaseFreeSharedHeaps;
    /** Guarded by this. */
    private final List<ThreadHeap> heaps = new ArrayList<>();
    private int reapThreshold = MIN_REAP_THRESHOLD;
    /** Parked heaps whose spans a reap gave back for their idle owners; guarded by this. */
    private long idleGiveBacks;
    /** Owners asked to look at their remote frees (askIdleOwnersToLook); guarded by this. */
    private long ownerLooksAsked;
    /** When the last reap started; through LAST_REAP_NANOS for the slow paths' CAS. */
    private volatile long lastReapNanos = System.nanoTime();
    private static final VarHandle LAST_REAP_NANOS;

    static {
        try {
            LAST_REAP_NANOS = MethodHandles.lookup().findVarHandle(HeapRegistry.class, "lastReapNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public HeapRegistry(SuperslabPool pool, ReleasePolicy policy, Runnable afterReap) {
        this(pool, policy, afterReap, () -> { });
    }

    public HeapRegistry(SuperslabPool pool, ReleasePolicy policy, Runnable afterReap, Runnable releaseFreeSharedHeaps) {
        this.pool = pool;
        this.policy = policy;
        this.afterReap = afterReap;
        this.releaseFreeSharedHeaps = releaseFreeSharedHeaps;
    }

    /** Lets the shared heaps whose lock is free give back their empty spans (makeRoom). */
    void releaseFreeSharedHeaps() {
        releaseFreeSharedHeaps.run();
    }

    /** A new heap for the calling thread. */
    public ThreadHeap register() {
        ThreadHeap heap = new ThreadHeap(Thread.currentThread(), pool, this, policy);
        boolean reap;
        synchronized (this) {
            heaps.add(heap);
            reap = heaps.size() >= reapThreshold;
        }
        if (reap) {
            reapDead();
        }
        return heap;
    }

    /**
     * A heap for threads that share it under a lock (virtual threads): owned by a placeholder thread
     * that never runs, so every release into it is remote. Not listed: it is never reaped, and lives
     * as long as the allocator.
     */
    public ThreadHeap newSharedHeap(Thread placeholder) {
        return new ThreadHeap(placeholder, pool, this, policy);
    }

    /** Retires a heap on behalf of its own (exiting) thread. */
    public synchronized void retire(ThreadHeap heap) {
        if (!heap.retired) {
            heap.retire();
            heaps.remove(heap);
        }
    }

    /**
     * Retires the heaps of dead threads, gives back the empty spans of idle heaps found parked by the
     * same park as on the last walk, and releases orphans that became empty.
     */
    public void reapDead() {
        reapDead(false);
    }

    /**
     * As {@link #reapDead()}; with {@code allIdleNow}, every parked heap gives its spans back at once
     * (trim()).
     */
    public void reapDead(boolean allIdleNow) {
        // Stamped as the reap starts, not as it ends: a slow path that comes while this reap waits
        // for the monitor or walks finds the interval taken and does not walk again right after it.
        lastReapNanos = System.nanoTime();
        synchronized (this) {
            for (int i = heaps.size() - 1; i >= 0; i--) {
                ThreadHeap heap = heaps.get(i);
                if (!heap.thread().isAlive()) {
                    heap.retire();
                    heaps.remove(i);
                } else if (heap.giveBackIfParked(allIdleNow)) {
                    idleGiveBacks++;
                }
            }
            reapThreshold = Math.max(MIN_REAP_THRESHOLD, heaps.size() * 2);
        }
        pool.reapOrphans();
        afterReap.run();
    }

    /**
     * Reaps if the last reap started longer ago than the interval (called on the span-acquisition slow
     * path). Of the threads that find it so at once, one reaps: the others lose the CAS. Without it
     * each walked in turn, and a walk right after another took a parked heap whose thread had been
     * idle only for one walk (a heap is taken when two walks find it parked by the same park).
     */
    void maybeReap() {
        long last = lastReapNanos;
        long now = System.nanoTime();
        if (now - last > REAP_INTERVAL_NANOS && LAST_REAP_NANOS.compareAndSet(this, last, now)) {
            reapDead();
        }
    }

    /**
     * Asks the owners of heaps that hold frees other threads made, and (unless forced) allocated
     * nothing over the last walks, to look at them on their own thread (ThreadHeap.wantsOwnerLook),
     * through the executor loopOf names for the thread; a thread with none (not a watched event loop)
     * is not asked. Every candidate is tried even when loopOf or an executor throws (a group whose
     * iterator misbehaves, an execute that throws something other than RejectedExecutionException):
     * a candidate not asked has its pending mark dropped, or it would never be asked again, and the
     * first such failure is rethrown once all have been tried.
     *
     * @return the owners asked by this call
     */
    public int askIdleOwnersToLook(Function<Thread, Executor> loopOf, boolean force) {
        List<ThreadHeap> candidates = new ArrayList<>();
        synchronized (this) {
            for (ThreadHeap heap : heaps) {
                if (heap.thread().isAlive() && heap.wantsOwnerLook(force)) {
                    candidates.add(heap);
                }
            }
        }
        int asked = 0;
        Throwable failure = null;
        for (ThreadHeap heap : candidates) {
            boolean taken = false;
            try {
                taken = askOwner(heap, loopOf);
            } catch (RuntimeException | Error e) {
                failure = firstOf(failure, e);
            } finally {
                if (!taken) {
                    heap.ownerNotAsked();
                }
            }
            asked += taken ? 1 : 0;
        }
        if (asked > 0) {
            synchronized (this) {
                ownerLooksAsked += asked;
            }
        }
        rethrowIfAny(failure);
        return asked;
    }

    /** Submits the look to the heap's owner loop; false if it has none or it refused (shutting down). */
    private static boolean askOwner(ThreadHeap heap, Function<Thread, Executor> loopOf) {
        Executor loop = loopOf.apply(heap.thread());
        if (loop == null) {
            return false;
        }
        try {
            heap.askOwnerToLook(loop);
            return true;
        } catch (RejectedExecutionException shuttingDown) {
            return false;
        }
    }

    private static Throwable firstOf(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private static void rethrowIfAny(Throwable failure) {
        if (failure instanceof Error) {
            throw (Error) failure;
        }
        if (failure != null) {
            throw (RuntimeException) failure;
        }
    }

    /** Owners of heaps asked to look at frees other threads made into their spans, so far. */
    public synchronized long ownerLooksAsked() {
        return ownerLooksAsked;
    }

    /** Parked heaps whose empty spans were given back on their idle owners' behalf, so far. */
    public synchronized long idleGiveBacks() {
        return idleGiveBacks;
    }

    /** Heaps on the list, dead threads' not yet reaped included (tests: retirement really happened). */
    public synchronized int registeredHeaps() {
        return heaps.size();
    }

    /**
     * Heaps of threads that are alive (the metric's threadHeaps). A plain thread that ended stays in
     * the list until the next reap; counting it would keep a joined thread in the figure. Walks the
     * list: monitoring only.
     */
    public synchronized int liveHeaps() {
        int live = 0;
        for (ThreadHeap heap : heaps) {
            if (heap.thread().isAlive()) {
                live++;
            }
        }
        return live;
    }
}
