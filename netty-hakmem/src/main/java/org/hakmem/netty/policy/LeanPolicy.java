/*
 * LeanPolicy: the memory-lean profile (opt-in). Memory follows the live data: nothing is prewarmed,
 * thread heaps' empty spans go back when their thread goes idle (given back by the purge for the
 * idle thread, which parks its heap) and when the purge asks, while the allocator is over its
 * budget; and free
 * memory goes back to the kernel once it has been idle for the decay time, or after 100 ms while the
 * allocator is over its resident budget.
 *
 * Why a decay: a run of slabs that empties and refills in a tight loop would otherwise cost a
 * madvise and a page fault per cycle. Giving back only what stayed free for `decay` bounds the rate
 * of system calls by construction (each slab at most once per decay; per 100 ms over the budget), as
 * mimalloc's purge delay and jemalloc's decay do. Why a budget: the decay alone lets a burst stay
 * resident for up to `decay`; the budget caps what the allocator may hold in the meantime, and
 * decides that empty superslabs beyond it are unmapped (retired) rather than kept as cheap,
 * decommitted address space.
 *
 * With DecommitMode.OFF nothing is decommitted or retired, and heaps keep their empty spans: the
 * profile differs from FAST only in where pages come from (no prewarm, clean slabs first, no huge
 * pages), which isolates the cost of giving memory back in an A/B run.
 */
package org.hakmem.netty.policy;

import org.hakmem.netty.os.DecommitMode;

public final class LeanPolicy implements ReleasePolicy {
    private static final long MIN_PURGE_INTERVAL_NANOS = 5_000_000L;
    /** The budget is checked at least this often, however long the decay. */
    private static final long MAX_PURGE_INTERVAL_NANOS = 250_000_000L;
    /**
     * Over the budget, free memory is given back once it has been free this long (or the decay, if
     * shorter) rather than at once: memory freed and taken again within it is the churn of the live
     * data, and giving it back would only cost a madvise and page faults per cycle.
     */
    private static final long OVER_BUDGET_MIN_IDLE_NANOS = 100_000_000L;

    private final DecommitMode mode;
    private final long budgetBytes;
    private final long decayNanos;

    public LeanPolicy(DecommitMode mode, long budgetBytes, long decayNanos) {
        if (mode == null || budgetBytes <= 0 || decayNanos < 0) {
            throw new IllegalArgumentException("LeanPolicy(mode: " + mode + ", budgetBytes: " + budgetBytes
                    + ", decayNanos: " + decayNanos + ") (expected: a mode, budget > 0, decay >= 0)");
        }
        this.mode = mode;
        this.budgetBytes = budgetBytes;
        this.decayNanos = decayNanos;
    }

    private boolean givesBack() {
        return mode != DecommitMode.OFF;
    }

    /** Never on the heap's own thread: a LEAN heap parks instead (parksIdleHeaps). */
    @Override
    public long idleGiveBackNanos() {
        return -1;
    }

    /**
     * Yes when memory goes back at all: an idle thread must not keep resident spans. The heap parks
     * each time its thread releases its last buffer, and the purger gives its spans back once a
     * round finds it parked by the same park as the round before (ThreadHeap, "Going idle").
     */
    @Override
    public boolean parksIdleHeaps() {
        return givesBack();
    }

    /**
     * None: a LEAN heap keeps the base spares only. Empty spans in a heap are out of the purger's
     * reach while the heap is busy; given back, they are the pool's to decommit.
     */
    @Override
    public long spareGrowthBytes() {
        return 0;
    }

    @Override
    public boolean prewarm() {
        return false;
    }

    /** No, with OFF too: resident memory follows what buffers write, and OFF differs only in giving back. */
    @Override
    public boolean hugePages() {
        return false;
    }

    @Override
    public boolean cleanSlabsFirst() {
        return true; // another class's resident slabs would add its pages to the span's own (SuperslabPool)
    }

    @Override
    public DecommitMode decommitMode() {
        return mode;
    }

    @Override
    public long purgeIntervalNanos() {
        if (!givesBack()) {
            return 0;
        }
        return Math.min(MAX_PURGE_INTERVAL_NANOS, Math.max(MIN_PURGE_INTERVAL_NANOS, decayNanos / 2));
    }

    @Override
    public boolean trimHeaps(long committedBytes) {
        return givesBack() && committedBytes > budgetBytes;
    }

    @Override
    public Release release(boolean wholeSuperslab, long idleNanos, long committedBytes, long mappedBytes) {
        if (!givesBack()) {
            return Release.KEEP;
        }
        boolean due = idleNanos >= decayNanos
                || committedBytes > budgetBytes && idleNanos >= Math.min(decayNanos, OVER_BUDGET_MIN_IDLE_NANOS);
        if (!due) {
            return Release.KEEP;
        }
        return wholeSuperslab && mappedBytes > budgetBytes ? Release.RETIRE : Release.DECOMMIT;
    }

    @Override
    public String name() {
        return "LEAN(" + mode + ", budget " + (budgetBytes >> 20) + " MiB, decay " + decayNanos / 1_000_000 + " ms)";
    }
}
