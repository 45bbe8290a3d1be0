package org.hakmem.netty.slab;

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
 * A remote thread frees two slots while the owner collects (Slab.collectRemote): the owner takes the
 * whole list with one exchange, so a push lands either in what it took or on the emptied head, never
 * in between. Its next collection finds the rest.
 */
@JCStressTest
@Description("Remote frees against the owner taking the remote list whole: no slot lost, none collected twice.")
@Outcome(id = {"0, 2, 3", "1, 2, 3", "2, 2, 3"}, expect = ACCEPTABLE,
        desc = "the owner took 0, 1 or 2 slots in the race; both slots collected once in all")
@Outcome(expect = FORBIDDEN, desc = "a slot lost, or collected twice (-1)")
@State
public class RemoteTakeStress {
    private static final int HANDED_OUT = 3;

    private final Slab span = StressSpans.span(null, HANDED_OUT);

    @Actor
    public void freer() {
        span.pushRemote(0);
        span.pushRemote(1);
    }

    /** r1: slots the owner collected during the race. */
    @Actor
    public void owner(III_Result r) {
        r.r1 = span.collectRemote();
    }

    /** r2: slots collected in all; r3: the slots on the local free list (mask). */
    @Arbiter
    public void ownerLater(III_Result r) {
        r.r2 = r.r1 + span.collectRemote();
        r.r3 = StressSpans.takeFreeList(span, HANDED_OUT);
    }
}
