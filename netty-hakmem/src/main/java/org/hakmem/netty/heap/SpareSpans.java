/*
 * SpareSpans: how many empty spans a thread heap keeps per size class, and how that number adapts
 * to the heap's own churn.
 *
 * Every class starts at the policy's base (ReleasePolicy.spareSpans: enough for 32 slots, at most
 * four spans and 1 MiB, at least one). A span that empties beyond its class's limit goes back to the
 * pool. When the heap then cuts a new span of the same class from the pool soon after, the round
 * trip bought nothing: it cost the pool's monitor twice, a new span descriptor and new buffer
 * objects (garbage), and the new span's memory is another span's, colder. That is what a burst does
 * whose buffers another thread releases all at once: the spans of the burst's classes empty together
 * and are cut again by the next burst (BENCHMARKS.md, session 26: 12.6 B/op and a quarter of the
 * speed, cross-thread with both threads on one CPU). So each such pair - a give-back, then a new
 * span of the class - raises the class's limit by one span, as long as the heap's growth above the
 * base stays within the policy's budget (ReleasePolicy.spareGrowthBytes: FAST 4 MiB, LEAN none).
 *
 *     window w:   empty beyond limit --> give back (givenBack[c]++)
 *                 new span of c, givenBack[c] > 0 --> givenBack[c]--, limit[c]++ (within the budget)
 *     end of w:   givenBack[] = 0; a class whose limit rose above base and did not rise in w
 *                 loses one span of it, and an empty span beyond the new limit goes back (decay)
 *
 * "Soon" is the heap's tick window (ThreadHeap.TICK_ALLOCATIONS allocations), so no clock is read:
 * a give-back pairs only with a new span of its own window, and a heap whose bursts stopped is back
 * at its base within a window per grown span. A heap that gives all its empty spans back (its thread
 * went idle, a trim request, room made for the cap) forgets what it learned: it starts again at the
 * base.
 *
 * Owner-only, plain fields, touched on slow paths only: a span that empties when it is not the
 * current one, a refill, and the tick. The allocation fast path never reads this object.
 */
package org.hakmem.netty.heap;

import org.hakmem.netty.policy.ReleasePolicy;
import org.hakmem.netty.slab.SizeClasses;

import java.util.Arrays;

final class SpareSpans {
    /** The policy's limit per class: where every class starts, and the floor of the decay. */
    private final int[] base = new int[SizeClasses.COUNT];
    /** Bytes of one span of each class. */
    private final long[] spanBytes = new long[SizeClasses.COUNT];
    /** Empty spans a class may keep now: base plus what churn taught the heap. */
    private final int[] limit = new int[SizeClasses.COUNT];
    /** Empty spans a class keeps now (AVAILABLE spans with no live slot). */
    private final int[] empty = new int[SizeClasses.COUNT];
    /** Empty spans given back in this window, not yet paired with a new span of the class. */
    private final int[] givenBack = new int[SizeClasses.COUNT];
    /** Whether a class's limit rose in this window (it then does not decay at the window's end). */
    private final boolean[] grew = new boolean[SizeClasses.COUNT];
    /** At most this many bytes of limits above base, over all classes (ReleasePolicy.spareGrowthBytes). */
    private final long growthBudget;
    /** Bytes of limits above base now, over all classes. */
    private long grownBytes;

    SpareSpans(ReleasePolicy policy) {
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            spanBytes[c] = SizeClasses.spanBytes(c);
            base[c] = policy.spareSpans(SizeClasses.slotsPerSpan(c), spanBytes[c]);
        }
        System.arraycopy(base, 0, limit, 0, base.length);
        this.growthBudget = policy.spareGrowthBytes();
    }

    /** Empty spans class c keeps now. */
    int empty(int c) {
        return empty[c];
    }

    /** Empty spans class c may keep now. */
    int limit(int c) {
        return limit[c];
    }

    /** Bytes of limits above the base, over all classes. */
    long grownBytes() {
        return grownBytes;
    }

    /**
     * A span of class c became empty and is not the current one: true to keep it (it is counted),
     * false to give it back to the pool (the give-back is remembered for this window).
     */
    boolean keepEmptied(int c) {
        if (empty[c] < limit[c]) {
            empty[c]++;
            return true;
        }
        givenBack[c]++;
        return false;
    }

    /** A kept empty span of class c was taken into use again, or given back. */
    void spareLeft(int c) {
        empty[c]--;
    }

    /** The heap cut a new span of class c from the pool: after a give-back of this window, c grows. */
    void cutNewSpan(int c) {
        if (givenBack[c] == 0) {
            return;
        }
        givenBack[c]--;
        if (grownBytes + spanBytes[c] <= growthBudget) {
            limit[c]++;
            grownBytes += spanBytes[c];
            grew[c] = true;
        }
    }

    /**
     * Ends a window: forgets its give-backs, and takes one span off the limit of every class that
     * grew before and not in this window.
     *
     * @return true if a class now keeps more empty spans than its limit (the heap gives them back)
     */
    boolean endWindow() {
        if (growthBudget == 0) {
            return false; // nothing ever grows, so nothing to forget or decay (LEAN ticks at every park)
        }
        boolean excess = false;
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            givenBack[c] = 0;
            if (limit[c] > base[c] && !grew[c]) {
                limit[c]--;
                grownBytes -= spanBytes[c];
                excess |= empty[c] > limit[c];
            }
            grew[c] = false;
        }
        return excess;
    }

    /** Empty spans class c keeps beyond its limit (after a decay). */
    int excess(int c) {
        return empty[c] - limit[c];
    }

    /** The heap gave every empty span back: no spares, and every limit back at its base. */
    void forget() {
        Arrays.fill(empty, 0);
        Arrays.fill(givenBack, 0);
        Arrays.fill(grew, false);
        System.arraycopy(base, 0, limit, 0, base.length);
        grownBytes = 0;
    }
}
