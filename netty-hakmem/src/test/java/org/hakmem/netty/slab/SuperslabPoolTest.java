package org.hakmem.netty.slab;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.FastPolicy;
import org.hakmem.netty.policy.LeanPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Where the pool cuts a new span (SuperslabPool's banner: same layout; clean or dirty by profile; any; new superslab). */
class SuperslabPoolTest {
    private static final int CLASS_16K = SizeClasses.classOf(16 << 10); // 2-slab spans
    private static final int CLASS_10K = SizeClasses.classOf(10 << 10); // 2-slab spans too
    private static final SlabOwner OWNER = CallingThreadOwner.INSTANCE;

    /** LEAN: no prewarm, so only the slabs a span held become dirty; an hour's decay, so no purge runs by itself. */
    private final SuperslabPool pool = new SuperslabPool(new OsMemory(64L << 20),
            new LeanPolicy(DecommitMode.DONTNEED, 64L << 20, 3_600_000_000_000L));

    @AfterEach
    void unmap() {
        pool.purge(true, DecommitMode.DONTNEED);
    }

    @Test
    void aSpanIsCutAgainWhereASpanOfItsClassLeftDirtySlabs() {
        assertEquals(2, SizeClasses.spanSlabs(CLASS_16K));
        assertEquals(2, SizeClasses.spanSlabs(CLASS_10K));
        Slab a16 = acquire(CLASS_16K, 0);
        Slab a10 = acquire(CLASS_10K, 2);
        Slab keeper = acquire(CLASS_16K, 4); // keeps the superslab from being empty
        pool.releaseSpan(a16);
        pool.releaseSpan(a10); // slabs 0-3 are dirty: 0-1 as the 16 KiB span left them, 2-3 as the 10 KiB one

        Slab again10 = acquire(CLASS_10K, 2); // the first dirty run would be slab 0
        Slab again16 = acquire(CLASS_16K, 0);
        assertSame(a10.superslab, again10.superslab);
        assertSame(a16.superslab, again16.superslab);
        pool.releaseSpan(again10);
        pool.releaseSpan(again16);
        pool.releaseSpan(keeper);
    }

    @Test
    void leanCutsAnotherClassFromCleanSlabsBeforeDirtyOnesAndFastFromDirtyOnes() {
        assertEquals(0, cutAfterOneRunIsCleanAndOneDirty(pool), "LEAN: the clean run (0-1)");
        SuperslabPool fast = new SuperslabPool(new OsMemory(64L << 20), FastPolicy.INSTANCE);
        try {
            assertEquals(2, cutAfterOneRunIsCleanAndOneDirty(fast), "FAST: the dirty run (2-3)");
        } finally {
            fast.purge(true, DecommitMode.DONTNEED);
        }
    }

    @Test
    void leanTakesACleanRunAfterADirtyOneOverTheDirtyOne() {
        Slab a = acquire(CLASS_16K, 0);
        Slab b = acquire(CLASS_16K, 2);
        Slab keeper = acquire(CLASS_16K, 4);
        pool.releaseSpan(b);
        pool.purge(true, DecommitMode.DONTNEED); // slabs 2-3 clean
        pool.releaseSpan(a); // slabs 0-1 dirty, first in the superslab
        Slab cut = acquire(CLASS_10K, 2); // another class: clean slabs, not the first free run
        pool.releaseSpan(cut);
        pool.releaseSpan(keeper);
    }

    /**
     * Leaves slabs 0-1 clean (decommitted) and 2-3 dirty, both last held by 16 KiB spans, and returns
     * where a 10 KiB span is cut; a second one still fits in the same superslab. Releases everything.
     */
    private static int cutAfterOneRunIsCleanAndOneDirty(SuperslabPool p) {
        Slab a = p.acquireSpan(CLASS_16K, OWNER);
        Slab b = p.acquireSpan(CLASS_16K, OWNER);
        Slab keeper = p.acquireSpan(CLASS_16K, OWNER); // the superslab is never empty, so it stays mapped
        assertEquals(4, keeper.firstSlab);
        p.releaseSpan(a);
        p.purge(true, DecommitMode.DONTNEED); // slabs 0-1 clean
        p.releaseSpan(b); // slabs 2-3 dirty
        Slab first = p.acquireSpan(CLASS_10K, OWNER);
        Slab second = p.acquireSpan(CLASS_10K, OWNER);
        assertSame(keeper.superslab, second.superslab, "free runs are left: no new superslab");
        int cut = first.firstSlab;
        p.releaseSpan(first);
        p.releaseSpan(second);
        p.releaseSpan(keeper);
        return cut;
    }

    private Slab acquire(int sizeClass, int expectedFirstSlab) {
        Slab s = pool.acquireSpan(sizeClass, OWNER);
        assertEquals(expectedFirstSlab, s.firstSlab, "span of class " + sizeClass + " cut at slab " + s.firstSlab);
        return s;
    }
}
