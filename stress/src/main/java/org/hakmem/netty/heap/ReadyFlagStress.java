package org.hakmem.netty.heap;

import org.hakmem.netty.slab.Slab;
import org.hakmem.netty.slab.StressSpans;
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
 * A full span on its owner's ready stack gets another remote free while the owner drains the stack
 * (Slab's ready flag: IDLE -> PUSHING -> QUEUED -> IDLE; ThreadHeap.drainReady). The owner clears the
 * flag before it collects, so a free that its collection missed finds the flag IDLE and pushes the
 * span again: a span with remote frees is always found again.
 */
@JCStressTest
@Description("A remote free against the owner draining its ready stack: the span is found again.")
@Outcome(id = {"1, 0, 6", "2, 0, 6"}, expect = ACCEPTABLE,
        desc = "the drain collected 1 or 2 slots; the next drain found the span and collected the rest")
@Outcome(expect = FORBIDDEN, desc = "a remote free lost, or stranded: pending on a span that is on no ready stack")
@State
public class ReadyFlagStress {
    private final ThreadHeap owner = StressHeaps.heap();
    private final Slab span = StressHeaps.fullSpanOnReadyStack(owner);

    @Actor
    public void freer() {
        span.pushRemote(1);
    }

    /** r1: slots the owner's drain collected. */
    @Actor
    public void drain(III_Result r) {
        owner.drainReady();
        r.r1 = StressSpans.SLOTS - span.used;
    }

    /** r2: remote frees still pending after the owner's next drain; r3: slots still in use. */
    @Arbiter
    public void drainAgain(III_Result r) {
        owner.drainReady();
        r.r2 = span.pendingRemote();
        r.r3 = span.used;
    }
}
