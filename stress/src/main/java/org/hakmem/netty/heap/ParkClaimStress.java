package org.hakmem.netty.heap;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.LeanPolicy;
import org.hakmem.netty.policy.ReleasePolicy;
import org.hakmem.netty.slab.Slab;
import org.hakmem.netty.slab.StressSpans;
import org.hakmem.netty.slab.SuperslabPool;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A LEAN heap parked when its thread released its last buffer (ThreadHeap, "Going idle"). Its owner
 * allocates again while a walker claims the parked heap to give its empty spans back: one CAS on
 * idleState decides, and an owner that loses waits for the walker to finish, so it never hands out a
 * slot of a span that went back to the pool.
 *
 * Real spans from a pool: the walker gives the span back and the owner may cut a new one, so each
 * state takes a span and its arbiter retires the heap, which puts every span back.
 */
@JCStressTest
@Description("An idle LEAN heap's owner resumes while a walker claims it: exactly one wins, and the owner never uses a span given back.")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "the owner resumed first and kept its span")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "the walker gave the span back first; the owner took a new one")
@Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "both won: the owner allocates from a span given back to the pool")
@Outcome(expect = FORBIDDEN, desc = "both won or neither, or the owner allocates from a span given back")
@State
public class ParkClaimStress {
    /** LEAN parks idle heaps; an hour's decay and no purger: nothing is decommitted behind the test. */
    private static final ReleasePolicy LEAN = new LeanPolicy(DecommitMode.DONTNEED, 1L << 30, 3_600_000_000_000L);
    /** Virtual room for a span per live state (jcstress keeps up to about 10,000); none of it is touched. */
    private static final SuperslabPool POOL = new SuperslabPool(new OsMemory(4L << 30), LEAN);
    private static final HeapRegistry REGISTRY = new HeapRegistry(POOL, LEAN, () -> { });

    private final ThreadHeap heap = new ThreadHeap(Thread.currentThread(), POOL, REGISTRY, LEAN);
    private final Slab parkedWith;
    private Slab allocatedFrom;

    /** The heap allocates one slot and releases it on its own thread: live slots 1 -> 0, it parks. */
    public ParkClaimStress() {
        parkedWith = heap.spanWithFreeSlot(StressSpans.SIZE_CLASS);
        ThreadHeap.free(parkedWith, parkedWith.pop());
    }

    /** r1: the owner's next allocation came from the span it parked with (1) or from another (0). */
    @Actor
    public void owner(III_Result r) {
        allocatedFrom = heap.spanWithFreeSlot(StressSpans.SIZE_CLASS);
        r.r1 = allocatedFrom == parkedWith ? 1 : 0;
    }

    /** r2: the walker (as a trim() does, under the registry's monitor) gave the heap's spans back. */
    @Actor
    public void walker(III_Result r) {
        synchronized (REGISTRY) {
            r.r2 = heap.giveBackIfParked(true) ? 1 : 0;
        }
    }

    /** r3: the span the owner allocated from had gone back to the pool. Then every span goes back. */
    @Arbiter
    public void retire(III_Result r) {
        r.r3 = allocatedFrom.state == Slab.RELEASED || allocatedFrom.owner() != heap ? 1 : 0;
        heap.retire();
    }
}
