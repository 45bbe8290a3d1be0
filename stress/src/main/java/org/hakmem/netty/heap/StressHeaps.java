package org.hakmem.netty.heap;

import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.FastPolicy;
import org.hakmem.netty.slab.Slab;
import org.hakmem.netty.slab.StressSpans;
import org.hakmem.netty.slab.SuperslabPool;

/** Heaps for the jcstress tests of the ready stack, whose spans come from StressSpans. */
final class StressHeaps {
    private static final SuperslabPool POOL = new SuperslabPool(new OsMemory(64L << 20), FastPolicy.INSTANCE);
    private static final HeapRegistry REGISTRY = new HeapRegistry(POOL, FastPolicy.INSTANCE, () -> { });
    /**
     * The heaps' thread: one that never runs, so no free in a test is local to a heap. The tests call
     * the owner's methods (drainReady) from jcstress's threads, one at a time per heap, as the owner would.
     */
    private static final Thread NOBODY = new Thread(() -> { }, "stress-heap-owner");

    private StressHeaps() {
    }

    /** A FAST heap that owns nothing yet. */
    static ThreadHeap heap() {
        return new ThreadHeap(NOBODY, POOL, REGISTRY, FastPolicy.INSTANCE);
    }

    /**
     * A span of {@code owner} with every slot handed out (FULL: it is found again only through the
     * ready stack), and slot 0 freed remotely, so it already sits on the owner's ready stack.
     */
    static Slab fullSpanOnReadyStack(ThreadHeap owner) {
        Slab s = StressSpans.span(owner, StressSpans.SLOTS);
        s.state = Slab.FULL;
        s.pushRemote(0);
        return s;
    }
}
