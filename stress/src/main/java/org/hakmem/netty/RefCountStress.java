package org.hakmem.netty;

import io.netty.util.ResourceLeakDetector;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two holders of a buffer's two references release them at once (RefCountedByteBuf's banner): the
 * decrement from 2 is a CAS, so exactly one of them sees the count at 1 and deallocates with a plain
 * release store, and the other holder's accesses before its release happen-before that deallocation.
 *
 * Each actor's result: 0 = its release returned false; 1 = it deallocated, and saw the write the
 * other holder made before releasing; 2 = it deallocated without seeing that write.
 */
@JCStressTest
@Description("Two holders release a buffer's last two references at once: exactly one deallocates.")
@Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "one release deallocated, after the other holder's accesses")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "both deallocated: the slot is freed twice")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "neither deallocated: the buffer leaks")
@Outcome(expect = FORBIDDEN, desc = "the deallocating thread missed the other holder's write (2)")
@State
public class RefCountStress {
    static {
        // Unwrapped buffers: a leak-aware wrapper would add its own bookkeeping to release().
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    private static final HakmemByteBufAllocator ALLOC = HakmemByteBufAllocator.builder().build();

    private final RefCountedByteBuf buf = (RefCountedByteBuf) ALLOC.newDirectBuffer(16, 16);
    /** What each holder writes before it releases; plain fields, as a holder's writes into the buffer. */
    private int writtenBy1;
    private int writtenBy2;

    public RefCountStress() {
        buf.retain(); // one reference per holder
    }

    @Actor
    public void holder1(II_Result r) {
        writtenBy1 = 1;
        r.r1 = buf.release() ? deallocatedSeeing(writtenBy2) : 0;
    }

    @Actor
    public void holder2(II_Result r) {
        writtenBy2 = 1;
        r.r2 = buf.release() ? deallocatedSeeing(writtenBy1) : 0;
    }

    private static int deallocatedSeeing(int otherHoldersWrite) {
        return otherHoldersWrite == 1 ? 1 : 2;
    }
}
