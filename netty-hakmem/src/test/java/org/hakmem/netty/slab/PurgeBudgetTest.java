package org.hakmem.netty.slab;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.LeanPolicy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Over the budget, one purge round gives back only what brings the allocator down to its budget
 * (LeanPolicy, SuperslabPool.purge): free slabs are decommitted, and empty superslabs unmapped, only
 * while what is left is still over it; the rest stays for its decay. Each round counts what it has
 * already chosen to give back, so a round that forgot would give back everything that is due by the
 * over-budget rule.
 */
class PurgeBudgetTest {
    private static final int CLASS_4K = SizeClasses.classOf(4096); // one slab per span
    private static final long SLAB = Superslab.SLAB_SIZE;
    private static final long HOUR_NANOS = 3_600_000_000_000L;
    /** Longer than LeanPolicy's 100 ms over-budget idle time, so that every freed slab is due by it. */
    private static final long PAST_OVER_BUDGET_IDLE_MS = 150;

    @Test
    void freeSlabsAreDecommittedOnlyDownToTheBudget() throws Exception {
        OsMemory os = new OsMemory(64L << 20);
        SuperslabPool pool = new SuperslabPool(os, new LeanPolicy(DecommitMode.DONTNEED, 16 * SLAB, HOUR_NANOS));
        assertEquals(1, SizeClasses.spanSlabs(CLASS_4K));
        List<Slab> spans = acquire(pool, 25);
        Slab keeper = spans.remove(24); // the superslab is never empty: only slabs are given back
        spans.forEach(pool::releaseSpan);
        assertEquals(25 * SLAB, pool.committedBytes(), "1 live slab and 24 free dirty ones");
        Thread.sleep(PAST_OVER_BUDGET_IDLE_MS);

        pool.purge(false, DecommitMode.DONTNEED);
        assertEquals(16 * SLAB, pool.committedBytes(), "9 slabs given back: exactly the budget is left");
        pool.purge(false, DecommitMode.DONTNEED);
        assertEquals(16 * SLAB, pool.committedBytes(), "under the budget, the rest waits for its decay");

        pool.releaseSpan(keeper);
        pool.purge(true, DecommitMode.DONTNEED);
        assertEquals(0, os.mappedBytes());
    }

    /**
     * Each free slab ages from its own release: over the budget, the one released 150 ms ago goes back
     * and the one released just now stays (and is where the class's next span is cut, as dirty slabs
     * of the same layout come first).
     */
    @Test
    void eachFreeSlabAgesFromItsOwnRelease() throws Exception {
        OsMemory os = new OsMemory(64L << 20);
        SuperslabPool pool = new SuperslabPool(os, new LeanPolicy(DecommitMode.DONTNEED, SLAB, HOUR_NANOS));
        List<Slab> spans = acquire(pool, 3); // slabs 0 (kept live), 1 and 2
        pool.releaseSpan(spans.get(1));
        Thread.sleep(PAST_OVER_BUDGET_IDLE_MS);
        pool.releaseSpan(spans.get(2));

        pool.purge(false, DecommitMode.DONTNEED);
        assertEquals(2 * SLAB, pool.committedBytes(), "the live slab and the slab released just now");
        Slab next = pool.acquireSpan(CLASS_4K, CallingThreadOwner.INSTANCE);
        assertEquals(2, next.firstSlab, "cut where the dirty slab left is: the one released last");

        pool.releaseSpan(next);
        pool.releaseSpan(spans.get(0));
        pool.purge(true, DecommitMode.DONTNEED);
        assertEquals(0, os.mappedBytes());
    }

    @Test
    void emptySuperslabsAreUnmappedOnlyWhileTheMappedBytesAreOverTheBudget() {
        OsMemory os = new OsMemory(64L << 20);
        // Decay 0: every free slab and empty superslab is due at once; the budget decides retire or decommit.
        SuperslabPool pool = new SuperslabPool(os, new LeanPolicy(DecommitMode.DONTNEED, 3L << 20, 0));
        acquire(pool, 3 * Superslab.SLABS).forEach(pool::releaseSpan);
        assertEquals(3, pool.superslabCount());

        pool.purge(false, DecommitMode.DONTNEED);
        assertEquals(1, pool.superslabCount(), "6 MiB mapped: two unmapped, the third decommitted and kept");
        assertEquals((long) Superslab.SIZE, os.mappedBytes());
        assertEquals(0, pool.committedBytes());

        pool.purge(true, DecommitMode.DONTNEED);
        assertEquals(0, os.mappedBytes());
    }

    @Test
    void aSuperslabUnmappedInARoundCountsAsGivenBackForTheRestOfIt() throws Exception {
        OsMemory os = new OsMemory(64L << 20);
        SuperslabPool pool = new SuperslabPool(os, new LeanPolicy(DecommitMode.DONTNEED, 3L << 20, HOUR_NANOS));
        acquire(pool, 3 * Superslab.SLABS).forEach(pool::releaseSpan);
        assertEquals(6L << 20, pool.committedBytes());
        Thread.sleep(PAST_OVER_BUDGET_IDLE_MS);

        pool.purge(false, DecommitMode.DONTNEED);
        // 6 MiB over a 3 MiB budget: the first two superslabs go (4 MiB, then 2 MiB left), and the
        // third, now under the budget, keeps its dirty slabs for their decay.
        assertEquals(1, pool.superslabCount());
        assertEquals(2L << 20, pool.committedBytes());

        pool.purge(true, DecommitMode.DONTNEED);
        assertEquals(0, os.mappedBytes());
    }

    private static List<Slab> acquire(SuperslabPool pool, int count) {
        List<Slab> spans = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            spans.add(pool.acquireSpan(CLASS_4K, CallingThreadOwner.INSTANCE));
        }
        return spans;
    }
}
