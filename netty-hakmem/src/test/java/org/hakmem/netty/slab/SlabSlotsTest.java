package org.hakmem.netty.slab;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A span's slot accounting (Slab): which slot pop hands out, what a full span answers, and that the
 * ready flag, once cleared by the owner, lets the next remote free tell the owner again; and the
 * pool's orphans (spans whose owner died with live slots in them): reaped once empty, else adopted.
 */
class SlabSlotsTest extends FastPoolFixture {
    private static final int C1M = SizeClasses.classOf(SizeClasses.MAX_SIZE); // one slot per span
    private static final int C64 = SizeClasses.classOf(64);

    @Test
    void slotZeroFreedLocallyIsHandedOutAgainAndAFullSpanAnswersMinusOne() {
        Slab s = pool.acquireSpan(C1M, OWNER);
        assertEquals(0, s.pop());
        assertEquals(-1, s.pop(), "a full span has no slot");
        assertFalse(s.hasFree());
        s.pushLocal(0);
        assertTrue(s.hasFree());
        assertEquals(0, s.pop(), "slot 0 on the local free list");
        assertEquals(1, s.used);
        s.pushLocal(0);
        pool.releaseSpan(s);
    }

    /**
     * Remote frees and local frees mixed, on a span of many slots: a collection puts every remotely
     * freed slot on the local free list once, ahead of the local ones, and leaves the local ones as
     * they were (a collection that lost a link, or spliced the lists at the wrong end, hands out a
     * slot twice or loses one).
     */
    @Test
    void aCollectionHandsOutEveryRemotelyFreedSlotOnceAndKeepsTheLocalOnes() {
        Slab s = pool.acquireSpan(C64, OWNER);
        int n = 200;
        for (int i = 0; i < n; i++) {
            assertEquals(i, s.pop());
        }
        List<Integer> remote = new ArrayList<>();
        List<Integer> local = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i % 3 == 0) {
                s.pushLocal(i);
                local.add(i);
            } else {
                s.pushRemote(i);
                remote.add(i);
            }
        }
        assertEquals(remote.size(), s.collectRemote());
        assertEquals(0, s.collectRemote(), "nothing left to collect");
        Set<Integer> handedOut = new HashSet<>();
        for (int i = 0; i < remote.size(); i++) {
            int slot = s.pop();
            assertTrue(remote.contains(slot), "slot " + slot + " was freed remotely");
            assertTrue(handedOut.add(slot), "slot " + slot + " handed out twice");
        }
        for (int i = local.size() - 1; i >= 0; i--) {
            assertEquals(local.get(i), s.pop(), "then the local free list, last freed first");
        }
        assertEquals(n, s.pop(), "then the bump");
        for (int slot = 0; slot <= n; slot++) {
            s.pushLocal(slot);
        }
        assertEquals(0, s.used);
        pool.releaseSpan(s);
    }

    @Test
    void aRemoteFreeAfterTheOwnerClearedTheReadyFlagIsAnnouncedAgain() {
        List<Slab> announced = new ArrayList<>();
        SlabOwner owner = new SlabOwner() {
            @Override
            public Thread thread() {
                return Thread.currentThread();
            }

            @Override
            public void enqueueReady(Slab slab) {
                announced.add(slab);
            }
        };
        Slab s = pool.acquireSpan(SizeClasses.classOf(64), owner);
        int a = s.pop();
        int b = s.pop();
        s.pushRemote(a);
        assertEquals(1, announced.size());
        s.clearReadyFlag(); // the owner popped the span from its ready stack
        assertEquals(1, s.collectRemote());
        s.pushRemote(b);
        assertEquals(2, announced.size(), "the second remote free was not announced: the span is lost to its owner");
        assertEquals(1, s.collectRemote());
        pool.releaseSpan(s);
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
