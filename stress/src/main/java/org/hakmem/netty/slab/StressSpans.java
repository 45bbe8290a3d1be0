package org.hakmem.netty.slab;

import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.FastPolicy;

/**
 * Span descriptors for the jcstress tests, one or more per test state: jcstress builds thousands of
 * states per pass, and a span from the pool for each would map a superslab for every 32 of them.
 *
 * The protocols under test - the remote free list and the ready flag - live wholly in the descriptor
 * (on the Java heap), so every descriptor here covers the first slab of one real superslab that a
 * pool mapped once. The pool knows only the span it cut there; the descriptors never hand their
 * slots' memory to anyone, and must never be released to the pool.
 */
public final class StressSpans {
    /** 8 KiB slots: 8 per one-slab span, so a descriptor's next[] stays small. */
    public static final int SIZE_CLASS = SizeClasses.classOf(8 << 10);
    public static final int SLOTS = SizeClasses.slotsPerSpan(SIZE_CLASS);

    private static final Superslab SUPERSLAB =
            new SuperslabPool(new OsMemory(64L << 20), FastPolicy.INSTANCE).acquireSpan(SIZE_CLASS, null).superslab;

    private StressSpans() {
    }

    /** A fresh span of SIZE_CLASS owned by {@code owner}, its first {@code handedOut} slots taken. */
    public static Slab span(SlabOwner owner, int handedOut) {
        Slab s = new Slab(SUPERSLAB, 0, SIZE_CLASS, new short[SLOTS], new Object[SLOTS]);
        s.setOwner(owner);
        for (int i = 0; i < handedOut; i++) {
            s.pop();
        }
        return s;
    }

    /**
     * The slots on a span's local free list, as a bit mask, taking them (owner only; the span is spent
     * afterwards). -1 if a slot comes twice: the list holds a slot twice, or loops. Stops at the first
     * slot at or above {@code handedOut}: the list is empty and the span bumps a fresh slot.
     */
    public static int takeFreeList(Slab s, int handedOut) {
        int mask = 0;
        for (int slot = s.pop(); slot >= 0 && slot < handedOut; slot = s.pop()) {
            if ((mask & 1 << slot) != 0) {
                return -1;
            }
            mask |= 1 << slot;
        }
        return mask;
    }
}
