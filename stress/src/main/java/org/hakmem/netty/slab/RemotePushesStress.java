package org.hakmem.netty.slab;

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
 * Two threads free slots of one span remotely at once (Slab.pushRemote): each push is a CAS on the
 * packed (count, slot + 1) head, so neither push is lost and the count matches the list.
 */
@JCStressTest
@Description("Two remote frees into one span at once: the owner then collects both slots, each once.")
@Outcome(id = "2, 3", expect = ACCEPTABLE, desc = "both slots collected, each once")
@Outcome(expect = FORBIDDEN, desc = "a push lost, or counted without its slot, or a slot twice (-1)")
@State
public class RemotePushesStress {
    private static final int HANDED_OUT = 3;

    private final Slab span = StressSpans.span(null, HANDED_OUT);

    @Actor
    public void freer1() {
        span.pushRemote(0);
    }

    @Actor
    public void freer2() {
        span.pushRemote(1);
    }

    /** r1: slots the owner's collection counted; r2: the slots it put on the local free list (mask). */
    @Arbiter
    public void owner(II_Result r) {
        r.r1 = span.collectRemote();
        r.r2 = StressSpans.takeFreeList(span, HANDED_OUT);
    }
}
