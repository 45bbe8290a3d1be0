package org.hakmem.netty.slab;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.FaultySyscalls;
import org.hakmem.netty.policy.LeanPolicy;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Slabs being decommitted (outside the pool's monitor) are "purging": no span is cut from them until
 * the madvise returns, or a buffer's fresh bytes could be zeroed under it (SuperslabPool's banner).
 */
class PurgeInFlightTest {
    private static final long MIB = 1 << 20;
    private static final int CLASS_8K = SizeClasses.classOf(8 << 10); // one-slab spans
    private static final SlabOwner OWNER = CallingThreadOwner.INSTANCE;

    private final FaultySyscalls faults = new FaultySyscalls();
    private final SuperslabPool pool = new SuperslabPool(faults.newOsMemory(64 * MIB),
            new LeanPolicy(DecommitMode.DONTNEED, 64 * MIB, 3_600_000_000_000L));

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
