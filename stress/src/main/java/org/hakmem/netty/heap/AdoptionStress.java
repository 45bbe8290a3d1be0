package org.hakmem.netty.heap;

import org.hakmem.netty.slab.Slab;
import org.hakmem.netty.slab.StressSpans;
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
 * A span is orphaned and adopted (Slab.setOwner, as SuperslabPool.addOrphan and adoptOrphan do) while
 * a remote free may be pushing it on its old owner's ready stack. setOwner waits out that push, so the
 * push cannot land after the adopter has linked the span into its own stack: were it to, it would
 * overwrite the span's link and cut the adopter's stack, losing the spans behind it.
 */
@JCStressTest
@Description("Orphaning and adoption against a remote free pushing toward the old owner: the adopter's ready stack stays whole.")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the adopter's drain reached both spans")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the adopter's stack was cut: the span behind the adopted one was lost")
@Outcome(expect = FORBIDDEN, desc = "a remote free into the adopted span stranded")
@State
public class AdoptionStress {
    private final ThreadHeap old = StressHeaps.heap();
    private final ThreadHeap adopter = StressHeaps.heap();
    /** Already on the adopter's ready stack, with a pending remote free. */
    private final Slab behind = StressHeaps.fullSpanOnReadyStack(adopter);
    private final Slab adopted = StressSpans.span(old, StressSpans.SLOTS);

    @Actor
    public void freer() {
        adopted.pushRemote(0);
    }

    /** The old owner retires, the adopter takes the span and collects it; a later remote free follows. */
    @Actor
    public void orphanAndAdopt() {
        adopted.setOwner(null);
        adopted.state = Slab.ORPHAN;
        adopted.setOwner(adopter);
        adopted.collectRemote();
        adopted.pushRemote(1);
    }

    /** r1, r2: remote frees still pending on the span behind and on the adopted one after the adopter drains. */
    @Arbiter
    public void adopterDrains(II_Result r) {
        adopter.drainReady();
        r.r1 = behind.pendingRemote();
        r.r2 = adopted.pendingRemote();
    }
}
