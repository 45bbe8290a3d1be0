package org.hakmem.netty.slab;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.FaultySyscalls;
import org.hakmem.netty.policy.LeanPolicy;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A system call that throws something other than its errno (JNA turns a fault in native code into
 * java.lang.Error("Invalid memory access")) leaves the pool's books whole: no slab stays "purging"
 * for good, no superslab drops out of the pool while still mapped. And while a decommit is in flight
 * (outside the pool's monitor) its slabs are "purging": no span is cut from them until the madvise
 * returns, or a buffer's fresh bytes could be zeroed under it (SuperslabPool's banner).
 */
class PurgeFailureTest {
    private static final long MIB = 1 << 20;
    private static final int CLASS_64K = SizeClasses.classOf(64 << 10);
    private static final int CLASS_8K = SizeClasses.classOf(8 << 10); // one-slab spans
    private static final SlabOwner OWNER = CallingThreadOwner.INSTANCE;

    private final FaultySyscalls faults = new FaultySyscalls();
    /** An hour's decay: nothing is given back unless the test forces it. */
    private final SuperslabPool pool = new SuperslabPool(faults.newOsMemory(64 * MIB),
            new LeanPolicy(DecommitMode.DONTNEED, 64 * MIB, 3_600_000_000_000L));

    @Test
    void aDecommitThatThrowsLeavesItsSlabsFreeNotPurgingForever() {
        Slab keeper = pool.acquireSpan(CLASS_64K, OWNER);
        Slab a = pool.acquireSpan(CLASS_64K, OWNER);
        Slab b = pool.acquireSpan(CLASS_64K, OWNER);
        Slab c = pool.acquireSpan(CLASS_64K, OWNER);
        pool.releaseSpan(a);
        pool.releaseSpan(c); // two runs: slab 1 and slab 3
        faults.madviseThrows = new Error("Invalid memory access");
        assertThrows(Error.class, () -> pool.purge(true, DecommitMode.DONTNEED));
        faults.madviseThrows = null;
        assertTrue(pool.describe().contains("purging=00000000"), "no slab is left purging: " + pool.describe());
        pool.releaseSpan(b);
        pool.releaseSpan(keeper);
        pool.purge(true, DecommitMode.DONTNEED);
        assertEquals(0, pool.superslabCount(), "the empty superslab is retired: " + pool.describe());
        assertEquals(0, pool.committedBytes());
    }

    @Test
    void aRetireThatThrowsKeepsTheSuperslabsItDidNotTryInThePool() {
        Slab[] spans = new Slab[3 * (Superslab.SLABS / SizeClasses.spanSlabs(CLASS_64K))];
        for (int i = 0; i < spans.length; i++) {
            spans[i] = pool.acquireSpan(CLASS_64K, OWNER);
        }
        assertEquals(3, pool.superslabCount());
        for (Slab s : spans) {
            pool.releaseSpan(s);
        }
        faults.munmapThrows = new Error("Invalid memory access");
        assertThrows(Error.class, () -> pool.purge(true, DecommitMode.DONTNEED));
        faults.munmapThrows = null;
        // The superslab whose munmap threw may or may not be mapped still: it stays out of the pool
        // (and mapped in OsMemory's books, never touched again). The two not tried are intact.
        assertEquals(2, pool.superslabCount(), "the superslabs not tried are back in the pool");
        pool.purge(true, DecommitMode.DONTNEED);
        assertEquals(0, pool.superslabCount());
    }

    @Test
    void aRetireThatThrowsLeavesTheSlabsChosenForDecommitFreeNotPurgingForever() {
        // Superslab 1 wholly free (to retire); superslab 2 holds a live span and a free dirty slab (to
        // decommit). The munmap of the first throws before any madvise runs.
        int perSuperslab = Superslab.SLABS / SizeClasses.spanSlabs(CLASS_64K);
        Slab[] first = new Slab[perSuperslab];
        for (int i = 0; i < perSuperslab; i++) {
            first[i] = pool.acquireSpan(CLASS_64K, OWNER);
        }
        Slab keeper = pool.acquireSpan(CLASS_64K, OWNER);
        Slab freed = pool.acquireSpan(CLASS_64K, OWNER);
        assertEquals(2, pool.superslabCount());
        for (Slab s : first) {
            pool.releaseSpan(s);
        }
        pool.releaseSpan(freed);
        faults.munmapThrows = new Error("Invalid memory access");
        assertThrows(Error.class, () -> pool.purge(true, DecommitMode.DONTNEED));
        faults.munmapThrows = null;
        assertTrue(!pool.describe().matches("(?s).*purging=0*[1-9a-f].*"),
                "no slab is left purging: " + pool.describe());
        pool.releaseSpan(keeper);
        pool.purge(true, DecommitMode.DONTNEED);
        assertEquals(0, pool.superslabCount(), "the empty superslab is retired: " + pool.describe());
    }

    @Test
    void noSpanIsCutFromASlabWhileItIsBeingDecommitted() {
        Slab keeper = pool.acquireSpan(CLASS_8K, OWNER);
        Slab a = pool.acquireSpan(CLASS_8K, OWNER);
        assertEquals(1, a.firstSlab);
        pool.releaseSpan(a);
        AtomicReference<Slab> cutDuringPurge = new AtomicReference<>();
        faults.beforeMadvise = address -> {
            if (cutDuringPurge.get() == null) {
                cutDuringPurge.set(pool.acquireSpan(CLASS_8K, OWNER)); // another thread's refill
            }
        };
        pool.purge(true, DecommitMode.DONTNEED);
        faults.beforeMadvise = null;
        Slab cut = cutDuringPurge.get();
        assertNotNull(cut);
        assertNotEquals(1, cut.firstSlab, "a span was cut from slab 1 while it was being decommitted");
        pool.releaseSpan(cut);
        pool.releaseSpan(keeper);
        pool.purge(true, DecommitMode.DONTNEED);
    }
}
