package org.hakmem.netty;

import org.hakmem.netty.heap.ThreadHeap;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Buffer objects released on another thread go back to their home cache by a CAS push on its
 * `returned` stack, which the home takes whole with getAndSet when its local stack runs dry
 * (ThreadCache's banner): every object comes back to the home once.
 */
@JCStressTest
@Description("Two buffer objects returned from another thread while the home cache takes its returned stack: each comes back once.")
@Outcome(id = {"0, 3", "1, 3", "2, 3"}, expect = ACCEPTABLE,
        desc = "the home's first take got a new object (0), the first (1) or the second (2); both came back once in all")
@Outcome(expect = FORBIDDEN, desc = "an object lost, or handed out twice (-1)")
@State
public class ThreadCacheReturnStress {
    private static final HakmemByteBufAllocator ALLOC = HakmemByteBufAllocator.builder().build();
    /** A home whose thread never runs: recycle() from any jcstress thread is a remote return. */
    private static final ThreadHeap HOME_HEAP =
            ALLOC.registry().newSharedHeap(new Thread(() -> { }, "stress-cache-owner"));

    private final ThreadCache home = new ThreadCache(ALLOC, HOME_HEAP);
    private final HakmemDirectByteBuf first = new HakmemDirectByteBuf(ALLOC, home);
    private final HakmemDirectByteBuf second = new HakmemDirectByteBuf(ALLOC, home);

    @Actor
    public void releaser() {
        home.recycle(first);
        home.recycle(second);
    }

    /** r1: which object the home's take handed out. */
    @Actor
    public void homeTakes(II_Result r) {
        r.r1 = which(home.takeBuffer());
    }

    /** r2: the returned objects handed out in all, as a mask (the home takes until it gets a new one). */
    @Arbiter
    public void homeTakesTheRest(II_Result r) {
        int mask = r.r1 == 0 ? 0 : 1 << (r.r1 - 1);
        for (int taken = which(home.takeBuffer()); taken != 0; taken = which(home.takeBuffer())) {
            int bit = 1 << (taken - 1);
            if ((mask & bit) != 0) {
                r.r2 = -1;
                return;
            }
            mask |= bit;
        }
        r.r2 = mask;
    }

    private int which(HakmemDirectByteBuf b) {
        return b == first ? 1 : b == second ? 2 : 0;
    }
}
