/*
 * ReleasePolicy: the decisions that make a profile. The pool and the thread heaps carry them out;
 * the policy only decides, so it depends on nothing but the numbers it is given, and its rules can
 * be tested as a table.
 *
 *   question                                   FAST          LEAN (FREE / DONTNEED)     LEAN (OFF)
 *   empty spans a thread heap keeps per class   both profiles: enough for 32 slots, at most 4 and
 *                                               1 MiB of them, at least 1
 *   ... more where the heap gives spans back    up to 4 MiB   never                      never
 *       and soon cuts new ones (SpareSpans)     more per heap
 *   ... given back when the heap's thread       by the heap,  for the heap: it parks,    never
 *       releases its last live buffer           at most once  and the purger takes its
 *                                               a second (to  spans when two rounds in a
 *                                               the pool,     row find it parked by the
 *                                               kept          same park (one CAS at the
 *                                               resident)     next allocation after each)
 *   touch new superslabs at once (prewarm)?     yes           no                         no
 *   huge pages where the host's THP default     yes           no (MADV_NOHUGEPAGE)       no
 *       is "always"?
 *   new span, no same-layout slabs free: take   resident      clean slabs first          clean slabs first
 *                                               slabs first
 *   background purge every ...                  never         decay / 2, within          never
 *                                                             [5 ms, 250 ms]
 *   ask busy heaps for their empty spans        never         every 16th purge round,    never
 *       (trim request)                                        while over the budget (and
 *                                                             giving back is on)
 *   a free run of slabs, idle for t             KEEP          DECOMMIT once t >= decay,  KEEP
 *                                                             sooner (100 ms) over the
 *                                                             budget
 *   an empty superslab, idle for t              KEEP          when due as a free run:    KEEP
 *                                                             RETIRE if the mapped bytes
 *                                                             exceed the budget, else
 *                                                             DECOMMIT
 *
 * "Free run": slabs not in any span that may still be resident (touched since their last decommit).
 * The pool asks per empty superslab and per free slab, in its own order (superslabs as they were
 * mapped, slabs by index; not the longest free first), and updates the committed and mapped figures
 * between answers, so a budget stops the giving-back as soon as it is met. Over the budget it may so
 * give back a slab free for 100 ms before one free for longer, which the decay then gives back too.
 */
package org.hakmem.netty.policy;

import org.hakmem.netty.os.DecommitMode;

public interface ReleasePolicy {
    /**
     * Slots' worth of empty spans a heap keeps per class (both profiles), within SPARE_SPANS and
     * SPARE_BYTES and at least one span. A class's live count swings by some tens of slots. When its
     * spans hold fewer slots than that (the classes above 4 KiB hold 8 to 12), a heap that keeps one
     * empty span takes a span from the pool every few hundred operations and gives one back as
     * often: 33,000 times in 20 M measured steps of mixed-ws400-32k, against 309 with four. A span
     * given back is soon cut again, often for another class, whose slots put its writes on other
     * pages, so churn also spreads resident pages. Spans of small slots absorb the swings
     * themselves, and extra empty spans there only widen the memory a thread cycles through: with
     * four for every class, cross-thread ran about 5% slower (BENCHMARKS.md, session 6).
     */
    int SPARE_SLOTS = 32;
    /** At most this many empty spans per class. */
    int SPARE_SPANS = 4;
    /** At most this many bytes of empty spans per class (1 MiB), so the large classes keep one or two. */
    long SPARE_BYTES = 1 << 20;
    /**
     * FAST: bytes of spare-span limits a heap may add above the base (spareSpans), over all classes,
     * for classes whose spans it gives back and soon cuts again (heap.SpareSpans). A burst that
     * another thread releases all at once empties whole spans of the burst's classes; 1024 buffers
     * of 16 B-4 KiB (cross-thread's ring) need about 1.3 MiB of spans beyond the base to stop
     * cutting new ones at every burst.
     */
    long SPARE_GROWTH_BYTES = 4 << 20;

    /** What to do with memory that is free but may be resident. */
    enum Release {
        /** Leave it as it is: mapped and possibly resident. */
        KEEP,
        /** madvise it with {@link #decommitMode()}; it stays mapped. */
        DECOMMIT,
        /** Unmap the whole superslab (asked only for empty superslabs). */
        RETIRE
    }

    /**
     * Empty spans a thread heap keeps for a size class before it gives them back to the pool: enough
     * for {@link #spareSlotsPerClass()} slots, at most {@link #spareSpansPerClass()} spans and
     * {@link #spareBytesPerClass()} bytes of them, and at least one. The same rule in both profiles.
     *
     * @param slotsPerSpan slots in one span of the class
     * @param spanBytes    bytes of one span of the class
     */
    default int spareSpans(int slotsPerSpan, long spanBytes) {
        long forSlots = spareSlotsPerClass() / slotsPerSpan;
        long forBytes = spareBytesPerClass() / spanBytes;
        return (int) Math.max(1, Math.min(spareSpansPerClass(), Math.min(forSlots, forBytes)));
    }

    /**
     * Bytes of spare-span limits a heap may add above spareSpans, over all classes, where it gives
     * spans back and soon cuts new ones of the same class (heap.SpareSpans); 0: the limits never move.
     */
    long spareGrowthBytes();

    /** At most this many empty spans per size class (see spareSpans). */
    default int spareSpansPerClass() {
        return SPARE_SPANS;
    }

    /** Slots' worth of empty spans a thread heap keeps per size class (see spareSpans). */
    default int spareSlotsPerClass() {
        return SPARE_SLOTS;
    }

    /** At most this many bytes of empty spans per size class (see spareSpans). */
    default long spareBytesPerClass() {
        return SPARE_BYTES;
    }

    /**
     * A heap whose thread released its last live buffer gives back its empty spans on that thread,
     * at most once per this many nanoseconds; negative: never (it keeps them, or parks).
     */
    long idleGiveBackNanos();

    /**
     * Whether a heap whose thread released its last live buffer parks, so that another thread gives
     * its empty spans back if it stays idle (ThreadHeap, "Going idle"). The price is one uncontended
     * CAS at the heap's next allocation after each emptying: an atomic operation on the path of a
     * thread that allocates and releases one buffer at a time, and no clock read.
     */
    boolean parksIdleHeaps();

    /** Whether a new superslab is touched at once, so that its first allocations fault nothing. */
    boolean prewarm();

    /**
     * Whether the kernel may back the profile's mappings with transparent huge pages where they are on
     * by default (THP "always"). A huge page makes 2 MiB resident at the first write into it: no cost
     * to a profile that prewarms every page anyway, but one small buffer would keep a whole superslab
     * resident, beyond the reach of any purge (OsMemory.map).
     */
    boolean hugePages();

    /**
     * Where the pool cuts a span when no slabs of the same layout are free (SuperslabPool): true to
     * take clean slabs (decommitted or never touched) before slabs another class left resident, so
     * that the span's buffers make only the pages they write resident; false to take resident slabs
     * first, which costs no page faults.
     */
    boolean cleanSlabsFirst();

    /** How DECOMMIT gives pages back. */
    DecommitMode decommitMode();

    /** Period of the background purge, in nanoseconds; 0 for none. */
    long purgeIntervalNanos();

    /**
     * Whether a background purge round may ask busy thread heaps to give back their empty spans (a
     * trim request), given the bytes the allocator may hold resident now. Under the budget the
     * answer is no: a busy heap holds at most SPARE_SPANS spare spans per class and its current
     * spans, and taking those away makes it cut new spans, which long runs showed to cost
     * throughput.
     */
    boolean trimHeaps(long committedBytes);

    /**
     * The fate of free, possibly resident memory.
     *
     * @param wholeSuperslab true if it is an entire empty superslab (RETIRE is allowed), false for a
     *                       run of free slabs in a superslab that still has live spans
     * @param idleNanos      how long it has been free
     * @param committedBytes bytes of slabs that may be resident: in live spans, or free and not yet
     *                       decommitted (an upper bound of the allocator's resident bytes)
     * @param mappedBytes    bytes mapped now
     */
    Release release(boolean wholeSuperslab, long idleNanos, long committedBytes, long mappedBytes);

    /** The profile's name, for toString and logs. */
    String name();
}
