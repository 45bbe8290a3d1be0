package org.hakmem.netty;

import org.hakmem.netty.slab.Slab;
import org.hakmem.netty.slab.StressSpans;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A buffer object stays bound to its slot (HakmemDirectByteBuf's banner). Released on a thread that
 * does not own the span, a watched buffer puts itself back in its span's array and then frees the
 * slot with the remote push, its last touch. The owner that collects the slot must find the object
 * in the array and see it released: the push publishes both.
 */
@JCStressTest
@Description("A watched buffer released on another thread against the owner collecting its slot: the owner sees the object back in the array, released.")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "the owner looked before the push")
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "the owner collected the slot, found the object in the array, released")
@Outcome(expect = FORBIDDEN, desc = "the slot collected without its object in the array (r2 0), or with the object still counted live (r3 1)")
@State
public class BoundBufferRemoteReleaseStress {
    private static final HakmemByteBufAllocator ALLOC = HakmemByteBufAllocator.builder().build();

    private final Slab span = StressSpans.span(null, 1);
    private final HakmemDirectByteBuf buffer = new HakmemDirectByteBuf(ALLOC);

    public BoundBufferRemoteReleaseStress() {
        buffer.bind(span, 0);
        span.buffers[0] = buffer;
        buffer.reset(64, Integer.MAX_VALUE);
        buffer.watch(); // out of the array while out, as Netty's leak detector's buffers are
    }

    @Actor
    public void releaser() {
        buffer.release(); // no owner thread: the slot goes on the remote list
    }

    /** r1: the slot collected; r2: its object in the array; r3: the object's reference count. */
    @Actor
    public void owner(III_Result r) {
        if (span.collectRemote() == 0) {
            return;
        }
        int slot = span.pop();
        r.r1 = 1;
        r.r2 = slot == 0 && span.buffers[slot] == buffer ? 1 : 0;
        r.r3 = buffer.refCnt();
    }
}
