package org.hakmem.netty.heap;

import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.FastPolicy;
import org.hakmem.netty.slab.SizeClasses;
import org.hakmem.netty.slab.Slab;
import org.hakmem.netty.slab.SlabOwner;
import org.hakmem.netty.slab.SuperslabPool;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ready flag's handshake (Slab's banner): a span may change owner only once a push toward its old
 * owner has finished, or that push can cut the new owner's ready stack.
 */
class ReadyStackTest {
    private static final int TWO_SLOT_CLASS = SizeClasses.classOf(200_000); // 256 KiB slots, 2 per span
    private static final int ONE_SLOT_CLASS = SizeClasses.classOf(SizeClasses.MAX_SIZE); // 1 MiB, 1 per span

    private final SuperslabPool pool = new SuperslabPool(new OsMemory(64L << 20), FastPolicy.INSTANCE);
    private final HeapRegistry registry = new HeapRegistry(pool, FastPolicy.INSTANCE, () -> { });

    /** An owner whose stack push stalls until the test lets it go: a remote freer preempted mid-push. */
    private static final class StallingOwner implements SlabOwner {
        final CountDownLatch stalled = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);
        final List<Slab> pushed = new ArrayList<>();

        @Override
        public Thread thread() {
            return null;
        }

        @Override
        public void enqueueReady(Slab slab) {
            stalled.countDown();
            try {
                resume.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            slab.readyNext(null); // what a push writes: the link, before its CAS
            pushed.add(slab);
        }
    }

    @Test
    void aSpanChangesOwnerOnlyAfterAPushTowardItsOldOwnerHasFinished() throws Exception {
        StallingOwner old = new StallingOwner();
        Slab s = pool.acquireSpan(TWO_SLOT_CLASS, old);
        int s0 = s.pop();
        int s1 = s.pop();

        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread freer = start("freer", () -> s.pushRemote(s0), failure); // wins the flag, stalls in the push
        assertTrue(old.stalled.await(10, TimeUnit.SECONDS));

        Thread orphaning = start("orphaning", () -> pool.addOrphan(s), failure); // the old owner retires
        orphaning.join(300);
        assertTrue(orphaning.isAlive(), "the owner changed while a push toward the old one was in flight");

        old.resume.countDown();
        freer.join(10_000);
        orphaning.join(10_000);
        assertFalse(orphaning.isAlive());
        assertEquals(null, failure.get());
        assertEquals(List.of(s), old.pushed);

        // A new owner adopts the span; its ready stack must stay whole when spans are pushed on it.
        ThreadHeap adopter = new ThreadHeap(new Thread(() -> { }), pool, registry, FastPolicy.INSTANCE);
        Slab y = adopter.spanWithFreeSlot(ONE_SLOT_CLASS);
        int ySlot = y.pop();
        assertNotSame(y, adopter.spanWithFreeSlot(ONE_SLOT_CLASS)); // y is now FULL, found only via the stack
        assertEquals(Slab.FULL, y.state);
        assertSame(s, adopter.spanWithFreeSlot(TWO_SLOT_CLASS)); // the orphan, adopted (s0 collected)
        adopter.spanWithFreeSlot(TWO_SLOT_CLASS).pop();

        y.pushRemote(ySlot);
        s.pushRemote(s1);
        adopter.drainReady();
        assertEquals(0, y.pendingRemote(), "the remote free of a span behind s on the stack was lost");
        assertEquals(0, y.used);
        assertEquals(0, s.pendingRemote());
    }

    private static Thread start(String name, Runnable body, AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, name);
        t.start();
        return t;
    }
}
