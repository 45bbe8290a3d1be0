package org.hakmem.netty.slab;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.FastPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The pool's orphans: spans whose owner died with live slots in them (SuperslabPool). */
class OrphansTest {
    private static final int C64 = SizeClasses.classOf(64);
    private static final SlabOwner OWNER = CallingThreadOwner.INSTANCE;

    private final SuperslabPool pool = new SuperslabPool(new OsMemory(64L << 20), FastPolicy.INSTANCE);

    @AfterEach
    void unmap() {
        pool.purge(true, DecommitMode.DONTNEED);
    }

    @Test
    void anOrphanWhoseLastSlotWasFreedRemotelyIsReapedIntoThePool() {
        Slab s = pool.acquireSpan(C64, OWNER);
        int slot = s.pop();
        pool.addOrphan(s);
        s.pushRemote(slot); // the buffer outlived its thread and was released by another
        assertEquals(1, pool.reapOrphans());
        assertEquals(0, pool.orphanCount());
        assertEquals(0, pool.liveSpanCount(), "the empty orphan went back to the pool");
        assertEquals(Slab.RELEASED, s.state);
    }

    @Test
    void anOrphanWithLiveSlotsIsAdoptedWithItsRemoteFreesCollected() {
        Slab s = pool.acquireSpan(C64, OWNER);
        int a = s.pop();
        s.pop();
        pool.addOrphan(s);
        s.pushRemote(a);
        assertEquals(0, pool.reapOrphans(), "a slot is still live");
        Slab adopted = pool.adoptOrphan(C64, OWNER);
        assertSame(s, adopted);
        assertSame(OWNER, adopted.owner());
        assertEquals(1, adopted.used, "the remote free was collected at adoption");
        assertEquals(0, pool.orphanCount());
    }
}
