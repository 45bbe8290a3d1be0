/*
 * RefCountedByteBuf: the reference count of netty-hakmem's direct buffers, kept in the buffer object
 * itself, with a final release that needs no atomic read-modify-write.
 *
 * Netty's AbstractReferenceCountedByteBuf keeps the count in a separate RefCnt object and releases
 * with a compare-and-set, also when the count goes from 1 to 0. Profiles of mixed-ws400 put that CAS
 * at 27-31% of an allocate + release pair (docs/BENCHMARKS.md). Here the count is an int field of
 * the buffer and the common release - the last reference goes away - is a volatile read and a
 * release store:
 *
 *     release():  c = refCnt (volatile read)
 *                 c == 1  ->  refCnt = 0 (setRelease), deallocate()       the last reference
 *                 c >  1  ->  CAS c -> c - 1, retry on failure            shared: other holders race
 *                 c <  1  ->  IllegalReferenceCountException              released already
 *
 * Why the final release needs no CAS. A count of 1 means exactly one holder; only that holder may
 * call release() or retain() (a thread without a reference may not touch the count). So when the
 * volatile read sees 1, no other legal operation can run between the read and the store. A volatile
 * read sees the last write to the count in synchronization order, so a holder whose CAS took the
 * count from 2 to 1 on another thread has finished, and its accesses to the memory happen-before
 * this thread's deallocate(). When counts above 1 race, every decrement is a CAS, and the loser
 * re-reads: at most one thread ever sees 1.
 *
 * What it does not catch: two threads that release the same last reference at the same instant (a
 * double release racing with itself) may both see 1 and both deallocate. A double release that does
 * not race - the usual bug - sees 0 and throws IllegalReferenceCountException, as with Netty's
 * buffers. Pooled buffers are recycled objects, so with Netty's pooled allocators too a late double
 * release hits whoever holds the object next; the CAS only narrows that window, at the price of an
 * atomic operation on every release.
 *
 * Access modes: the field is volatile for refCnt() and release(), which read it with a volatile read
 * (a plain load on x86). Writes go through REF_CNT: setRelease for release()'s last reference and
 * for revive() (a plain store on x86; a volatile store would add a fence), compareAndSet otherwise
 * (RefCounts' loops, shared with HakmemDerivedByteBuf; release(n) takes its last references by CAS).
 */
package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.ObjectUtil;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

abstract class RefCountedByteBuf extends DirectMemoryByteBuf {
    private static final VarHandle REF_CNT;

    static {
        try {
            REF_CNT = MethodHandles.lookup().findVarHandle(RefCountedByteBuf.class, "refCnt", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** References held; 0 once released. Read volatile, written through REF_CNT. */
    private volatile int refCnt;

    RefCountedByteBuf(int maxCapacity) {
        super(maxCapacity);
        REF_CNT.setRelease(this, 1);
    }

    /** Gives a recycled object its first reference again (the allocating thread, before publishing it). */
    final void revive() {
        REF_CNT.setRelease(this, 1);
    }

    /** Frees the memory and recycles the object; runs once, on the thread that dropped the last reference. */
    protected abstract void deallocate();

    @Override
    public final int refCnt() {
        return refCnt;
    }

    @Override
    public final ByteBuf retain() {
        return retain0(1);
    }

    @Override
    public final ByteBuf retain(int increment) {
        return retain0(ObjectUtil.checkPositive(increment, "increment"));
    }

    private ByteBuf retain0(int increment) {
        RefCounts.retain(REF_CNT, this, increment);
        return this;
    }

    @Override
    public final boolean release() {
        int c = refCnt;
        if (c == 1) {
            REF_CNT.setRelease(this, 0);
            deallocate();
            return true;
        }
        return release0(1, c);
    }

    @Override
    public final boolean release(int decrement) {
        return release0(ObjectUtil.checkPositive(decrement, "decrement"), refCnt);
    }

    private boolean release0(int decrement, int c) {
        if (RefCounts.release(REF_CNT, this, decrement, c)) {
            deallocate();
            return true;
        }
        return false;
    }

    @Override
    public final ByteBuf touch() {
        return this;
    }

    @Override
    public final ByteBuf touch(Object hint) {
        return this;
    }
}
