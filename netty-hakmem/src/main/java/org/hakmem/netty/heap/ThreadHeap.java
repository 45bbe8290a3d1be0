/*
 * ThreadHeap: one thread's view of the allocator. It owns spans (Slab) and is the only thread that
 * allocates from them, so the allocation and local-release paths are plain reads and writes.
 *
 * Per size class c:
 *
 *     current[c] --> Slab (CURRENT)          allocation pops from here: the fast path
 *     available[c] --> Slab <-> Slab ...      spans with free slots (AVAILABLE)
 *     (not listed)     Slab ...               spans with no free slot (FULL)
 *
 *     owned --> every span this heap owns, in any state (for hand-over when the thread dies)
 *     ready --> spans that received remote frees since the heap last looked (lock-free stack)
 *
 * Fast path (allocate): current[c].pop()           - a few plain loads and stores
 * Fast path (release, owner thread): pushLocal()   - plain stores; no list work unless the span
 *                                                    was FULL (it becomes AVAILABLE) or becomes empty
 * Remote release: Slab.pushRemote                  - CAS on the span, and on its first remote free a
 *                                                    CAS to push the span on this heap's ready stack
 * Refill (current span exhausted): collect current's remote frees; drain the ready stack; take an
 * available span; adopt an orphan; only then ask the pool for a new span.
 *
 * Empty spans: the policy says how many empty spans a class may keep (both profiles: enough for 32
 * slots, at most four and 1 MiB of them, at least one; in FAST more where the heap gives spans back
 * and soon cuts new ones of the class, see SpareSpans). A span that becomes empty beyond that goes
 * back to the pool. The current span of a class is kept even when empty (it is what the fast path
 * reads), until the pool asks for a trim:
 *
 * Trim requests: the pool bumps a trim epoch (trim(), every 16th background purge round of a LEAN
 * allocator that is over its budget, and makeRoom when the mapping cap refuses memory). A heap
 * serves a new epoch by giving back every empty span it holds, current ones included. Only the
 * owner may touch its spans, so the heap looks for a new epoch on its own slow paths: at each
 * refill, and once every TICK_ALLOCATIONS allocations (a plain countdown on the fast path: no
 * atomic, no clock). A thread that never allocates again keeps its empty spans (current ones and
 * spares) until it exits, unless it held no buffer when it stopped (Going idle, below); its heap is
 * then retired and everything goes back.
 *
 * Going idle: the heap counts its live slots (plain, owner only). When a local release drops the
 * count to zero, the thread may be about to go idle with nobody able to reach its spans. Otherwise a
 * pool of many threads would hold a few spans per class per thread. The profiles answer differently:
 *
 * FAST: the heap gives its empty spans to the pool then, at most once per policy.idleGiveBackNanos()
 * (1 s; the pool keeps them resident for any thread), which costs a clock read per emptying. A
 * thread that empties twice within the second and then idles keeps them until it allocates again or
 * exits: FAST's path stays free of the CAS below.
 *
 * LEAN (ReleasePolicy.parksIdleHeaps): the heap parks, every time, and lets another thread give its
 * spans back if it stays idle. Only the owner may touch its spans, so the two hand the heap over
 * with a CAS on idleState:
 *
 *     owner:    zero live slots:                      ACTIVE --release store--> PARKED (parks++)
 *     owner:    next allocation (slow path, first):   PARKED --CAS--> ACTIVE, or wait while CLAIMED
 *     walker:   finds the same park twice, or trim(): PARKED --CAS--> CLAIMED, gives the empty spans
 *                                                     back, then --volatile store--> ACTIVE
 *
 * Parking also zeroes the tick countdown, so the fast path itself never reads idleState: the next
 * allocation falls into the slow path, which resumes before it looks at a span. A parked heap has no
 * live slot, so no release - local or remote - can touch its spans meanwhile. The walkers are
 * HeapRegistry.reapDead callers, under the registry's monitor: LEAN's purger every round (at most
 * 250 ms apart), a thread about to cut a new span (at most every 100 ms), and trim(), which takes
 * any parked heap at once. The others take a heap only when they find it parked by the same park
 * as on their last walk: its thread allocated nothing in between, so it is idle, and a thread that
 * empties and refills in a loop is seldom taken (no churn of spans through the pool; two walks from
 * different sources can still fall close together, HeapRegistry.maybeReap). Per emptying a
 * LEAN thread pays three plain or release stores, and one uncontended CAS at its next allocation.
 *
 * A heap whose buffers other threads released never parks: its count drops only when it collects
 * those frees, on its own thread. Where that thread is an event loop the allocator watches, a walker
 * asks it to look, as a task on the loop (wantsOwnerLook, askOwnerToLook, lookAsAsked; the walker
 * only reads the ready head and the allocation countdown). Other threads keep their spans until they
 * allocate again, call trim() or exit.
 *
 * Layout: like Slab and ThreadCache, the heap is split by class hierarchy into a read-mostly part
 * (ThreadHeapIdentity: what remote releasers read), padding, and the owner's mutable fields. The
 * fast path writes two counters per allocation; without the split, every remote release would miss
 * on the cache line those writes keep dirty. Back-to-back cross-thread runs (bimodal on 2 cores:
 * about 4 ops/us when the threads share a core, 16-22 when they do not) gave 16 without the split
 * and 21-22 with it, in the fast mode.
 *
 * Ready-stack safety: a span released to the pool may still sit on the ready stack (a remote free
 * raced with its last collection). Span descriptors are never reused, and a popped span whose owner
 * is no longer this heap is skipped, so such an entry is harmless.
 */
package org.hakmem.netty.heap;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.policy.ReleasePolicy;
import org.hakmem.netty.slab.HugeBlock;
import org.hakmem.netty.slab.SizeClasses;
import org.hakmem.netty.slab.Slab;
import org.hakmem.netty.slab.SlabOwner;
import org.hakmem.netty.slab.SuperslabPool;

import org.hakmem.netty.util.PaddedReference;
import org.hakmem.netty.util.SpinWait;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The read-mostly part of a heap. Remote releasers read {@code thread} on every release (to tell a
 * local free from a remote one), so nothing the owner writes per allocation may share its cache line.
 */
abstract class ThreadHeapIdentity implements SlabOwner {
    final Thread thread;
    final SuperslabPool pool;
    final HeapRegistry registry;
    /** Empty spans each class keeps and may keep (SpareSpans); the owner's, on slow paths only. */
    final SpareSpans spares;
    /**
     * Give back empty spans on the owner thread when the live slots drop to 0, at most once per this
     * (FAST 1 s); < 0: never (LEAN, which parks instead, and LEAN with OFF).
     */
    final long idleGiveBackNanos;
    /** Park when the live slots drop to zero (ReleasePolicy.parksIdleHeaps: LEAN). */
    final boolean parksWhenIdle;
    final Slab[] current = new Slab[SizeClasses.COUNT];
    final Slab[] available = new Slab[SizeClasses.COUNT];
    /** Head of the ready stack; remote threads push here, so it sits on its own cache lines. */
    final PaddedReference<Slab> ready = new PaddedReference<>();
    /** Set once, when the heap's memory has been handed back; the heap is never used again. */
    volatile boolean retired;
    /**
     * A look asked of the owner's event loop and not run yet (ThreadHeap.askOwnerToLook). Written by a
     * walker and the owner, seldom (an idle heap), so it may share these lines.
     */
    volatile boolean ownerLookPending;

    ThreadHeapIdentity(Thread thread, SuperslabPool pool, HeapRegistry registry, ReleasePolicy policy) {
        this.thread = thread;
        this.pool = pool;
        this.registry = registry;
        this.spares = new SpareSpans(policy);
        this.idleGiveBackNanos = policy.idleGiveBackNanos();
        this.parksWhenIdle = policy.parksIdleHeaps();
    }
}

/** Keeps the owner's per-allocation writes (in ThreadHeap) off the cache lines of ThreadHeapIdentity. */
abstract class ThreadHeapPadding extends ThreadHeapIdentity {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    /**
     * The JVM fills a hole at the end of a superclass's fields with a subclass's small fields; these
     * fill the one ThreadHeapIdentity leaves (up to 7 bytes before the first long), so that no owner
     * field of ThreadHeap lands there (FieldLayoutTest).
     */
    int p08;
    short p09;
    byte p10;

    ThreadHeapPadding(Thread thread, SuperslabPool pool, HeapRegistry registry, ReleasePolicy policy) {
        super(thread, pool, registry, policy);
    }
}

public final class ThreadHeap extends ThreadHeapPadding {
    /** Allocations between two looks at the pool's trim epoch. */
    static final int TICK_ALLOCATIONS = 1 << 16;

    // ---- owner-only state (plain) ----
    private Slab owned;
    /** Allocations left until the next look at the trim epoch. */
    private int allocationsUntilTick = TICK_ALLOCATIONS;
    /** The last trim epoch this heap served. */
    private int servedTrimEpoch;
    /** Slots of this heap's spans held by live buffers, as far as the heap has seen. */
    private int liveSlots;
    private long lastIdleGiveBackNanos;
    /** ACTIVE, PARKED or CLAIMED: the hand-over of an idle heap (see the banner). Through IDLE_STATE. */
    private volatile int idleState;
    /** Parks so far (owner); published with PARKED, so a walker that sees PARKED sees its count. */
    private int parks;
    /** The park count the last walk saw while PARKED; -1: none. Walkers only, under the registry. */
    private int parksSeenByWalker = -1;
    /** The allocation countdown the last look-request walk saw. Walkers only, under the registry. */
    private int countdownSeenByWalker = -1;
    /** Look-request walks in a row that found the countdown unchanged. Walkers only, under the registry. */
    private int walksWithoutAllocation;

    private static final int ACTIVE = 0;
    private static final int PARKED = 1;
    private static final int CLAIMED = 2;
    private static final VarHandle IDLE_STATE;
    /** Opaque reads of allocationsUntilTick by walkers; the owner writes it plainly. */
    private static final VarHandle ALLOCATIONS_UNTIL_TICK;
    /** Look-request walks without an allocation before an idle owner is asked to look. */
    static final int IDLE_WALKS_BEFORE_LOOK = 2;

    static {
        try {
            IDLE_STATE = MethodHandles.lookup().findVarHandle(ThreadHeap.class, "idleState", int.class);
            ALLOCATIONS_UNTIL_TICK = MethodHandles.lookup().findVarHandle(ThreadHeap.class, "allocationsUntilTick",
                    int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    ThreadHeap(Thread thread, SuperslabPool pool, HeapRegistry registry, ReleasePolicy policy) {
        super(thread, pool, registry, policy);
        this.lastIdleGiveBackNanos = System.nanoTime() - Math.max(0, idleGiveBackNanos);
    }

    @Override
    public Thread thread() {
        return thread;
    }

    /** A span of the class with at least one free slot; the caller pops it at once. */
    public Slab spanWithFreeSlot(int sizeClass) {
        Slab s = current[sizeClass];
        if (--allocationsUntilTick > 0 && s != null && s.hasFree()) {
            liveSlots++; // the caller pops a slot at once
            return s;
        }
        s = slowPath(sizeClass); // may throw (the mapping cap): then nothing is counted
        liveSlots++;
        return s;
    }

    private Slab slowPath(int sizeClass) {
        if (allocationsUntilTick <= 0) {
            allocationsUntilTick = TICK_ALLOCATIONS;
            resume();
            serveTrimRequest();
            endSpareWindow();
        }
        Slab s = current[sizeClass];
        if (s != null && s.hasFree()) {
            return s;
        }
        return refill(sizeClass);
    }

    /** Gives back every empty span if the pool asked for it since the last time. */
    private void serveTrimRequest() {
        int epoch = pool.trimEpoch();
        if (epoch != servedTrimEpoch) {
            servedTrimEpoch = epoch;
            releaseEmptySpans();
        }
    }

    /** Gives every empty span this heap holds back to the pool, current spans included (owner only). */
    public void releaseEmptySpans() {
        resume();
        giveBackEmptySpans();
    }

    private void giveBackEmptySpans() {
        drainReady();
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            Slab cur = current[c];
            if (cur != null) {
                collectRemote(cur);
                if (cur.used == 0) {
                    current[c] = null;
                    giveBack(cur);
                }
            }
            for (Slab s = available[c]; s != null; ) {
                Slab nextAvailable = s.nextInList;
                collectRemote(s);
                if (s.used == 0) {
                    unlinkAvailable(s);
                    giveBack(s);
                }
                s = nextAvailable;
            }
        }
        spares.forget();
    }

    /**
     * Ends the spare spans' window (SpareSpans, once per TICK_ALLOCATIONS allocations) and gives
     * back the empty spans that a decayed limit no longer covers.
     */
    private void endSpareWindow() {
        if (!spares.endWindow()) {
            return;
        }
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            for (Slab s = available[c]; s != null && spares.excess(c) > 0; ) {
                Slab nextAvailable = s.nextInList;
                if (s.used == 0) {
                    unlinkAvailable(s);
                    giveBack(s);
                    spares.spareLeft(c);
                }
                s = nextAvailable;
            }
        }
    }

    /**
     * The mapping cap (or the kernel) refused memory, yet free memory may sit where no one can use
     * it: in this heap's empty spans, in the spans of idle (parked, LEAN) heaps, and in superslabs
     * that are wholly free but still mapped (FAST keeps them). Gives all of that back and unmaps the
     * empty superslabs, so that a second try can succeed (owner, on slow paths only, with no refill
     * in progress: it may collect remote frees into any span, the current ones included). Busy
     * heaps' spares are out of this thread's reach; they are asked to give them back at their next
     * refill. The shared heaps of virtual threads (lanes) are reachable under their locks: those
     * whose lock is free give theirs back too (a lane that virtual threads stopped using keeps its
     * spans for good in FAST, which has no purger). The purge also unmaps the kept mappings of
     * released huge buffers; one whose munmap the kernel refuses is counted and never handed out again,
     * and the purge throws that once it has unmapped the others: returned here, not thrown, since
     * the room made may well be enough, and an allocation must not fail on a mapping it never held.
     *
     * @return the purge's refused munmap, for the second refusal to carry; null if there was none
     */
    private IllegalStateException makeRoom() {
        resume();
        pool.requestHeapTrim();
        giveBackEmptySpans();
        registry.releaseFreeSharedHeaps();
        registry.reapDead(true);
        try {
            pool.purge(true, DecommitMode.OFF);
            return null;
        } catch (IllegalStateException unmapRefused) {
            return unmapRefused;
        }
    }

    /** The second try after makeRoom; its refusal carries the munmap makeRoom saw refused, if any. */
    private static <T> T afterRoomMade(Supplier<T> secondTry, IllegalStateException unmapRefused) {
        try {
            return secondTry.get();
        } catch (OutOfMemoryError refused) {
            if (unmapRefused != null) {
                refused.addSuppressed(unmapRefused);
            }
            throw refused;
        }
    }

    /**
     * A mapping of its own for a capacity above SizeClasses.MAX_SIZE. When the cap refuses it, the
     * heap makes room and it is tried once more, as a refill does; a second refusal reaches the caller.
     * A mapping larger than the cap itself is refused at once: no room made could fit it, and making
     * room would only unmap free superslabs and make every heap drop its spares.
     */
    public HugeBlock mapHuge(int capacity) {
        try {
            return pool.mapHuge(capacity);
        } catch (OutOfMemoryError refused) {
            if (!pool.hugeFitsUnderCap(capacity)) {
                throw refused;
            }
            IllegalStateException unmapRefused = makeRoom();
            return afterRoomMade(() -> pool.mapHuge(capacity), unmapRefused);
        }
    }

    private void giveBack(Slab s) {
        unlinkOwned(s);
        pool.releaseSpan(s);
    }

    /** Releases a slot from whichever thread runs this: locally if it owns the span, else remotely. */
    public static void free(Slab s, int slot) {
        SlabOwner o = s.owner();
        if (o != null && o.thread() == Thread.currentThread()) {
            ((ThreadHeap) o).freeLocal(s, slot);
        } else {
            s.pushRemote(slot);
        }
    }

    private void freeLocal(Slab s, int slot) {
        s.pushLocal(slot);
        if (s.state != Slab.CURRENT) {
            afterFreeIntoNonCurrent(s);
        }
        if (--liveSlots == 0) {
            onIdle();
        }
    }

    /**
     * The thread released its last live buffer: it may be about to go idle, and an idle thread's
     * spans are out of everyone else's reach (see the banner). LEAN parks, for a walker to give the
     * spans back if the thread stays idle; FAST gives them back now, rate-limited so that a thread
     * that empties and refills in a loop pays a clock read, not a trip to the pool.
     */
    private void onIdle() {
        if (parksWhenIdle) {
            park();
        } else if (idleGiveBackNanos >= 0) {
            long now = System.nanoTime();
            if (now - lastIdleGiveBackNanos >= idleGiveBackNanos) {
                lastIdleGiveBackNanos = now;
                giveBackEmptySpans();
            }
        }
    }

    /**
     * Lets a walker give the spans back if the thread stays idle (owner, LEAN). The heap is ACTIVE
     * here: it had a live slot, so it allocated, and resumed, since it last parked.
     */
    private void park() {
        parks++;
        allocationsUntilTick = 0; // the next allocation takes the slow path, which resumes first
        IDLE_STATE.setRelease(this, PARKED); // publishes the heap's state to the claimer's CAS
    }

    /** Takes the heap back after a park, before touching a span (owner, on slow paths only). */
    private void resume() {
        if ((int) IDLE_STATE.getVolatile(this) != ACTIVE) {
            if (!IDLE_STATE.compareAndSet(this, PARKED, ACTIVE)) {
                // CLAIMED: a claimer is giving the spans back; its ACTIVE store publishes what it did.
                for (int spins = 0; (int) IDLE_STATE.getVolatile(this) != ACTIVE; spins++) {
                    SpinWait.pause(spins);
                }
            }
        }
    }

    /**
     * Gives back the empty spans of a heap found parked by the same park as on the last walk, or of
     * any parked heap when forced (trim()), on behalf of its idle owner. HeapRegistry calls it under
     * its monitor, so no two walks and no retirement of the heap overlap.
     *
     * @return true if this call gave the spans back
     */
    boolean giveBackIfParked(boolean force) {
        if ((int) IDLE_STATE.getVolatile(this) != PARKED) {
            return false;
        }
        int seen = parks; // after seeing PARKED: at least the count that park published
        if (!force && seen != parksSeenByWalker) {
            parksSeenByWalker = seen; // parked since the last walk, or again: look next time
            return false;
        }
        if (!IDLE_STATE.compareAndSet(this, PARKED, CLAIMED)) {
            return false; // the owner woke up
        }
        try {
            giveBackEmptySpans();
        } finally {
            // Even when an Error escapes (a StackOverflowError in a deep caller of trim()): a heap
            // left CLAIMED would make its owner spin in resume() for good.
            IDLE_STATE.setVolatile(this, ACTIVE);
        }
        return true;
    }

    /**
     * Whether the owner should be asked to look at the frees other threads made into its spans
     * (walker, under the registry's monitor; askOwnerToLook asks). Only the owner can collect them,
     * and a thread that idles while holding slots other threads released never does on its own (see
     * the banner and DESIGN, "Going idle"): such a heap has no live slot left in fact, yet its count
     * says otherwise, so it never parks. The walker reads two things the owner writes: the ready
     * stack's head (a volatile read; non-null: frees since the owner last looked, or a stale entry) and
     * the allocation countdown (an opaque read of a plain field: it may lag by a moment, and a wrong
     * answer costs a look on a busy thread, which gives back its empty spans as a trim request would,
     * never correctness, since the owner looks on its own thread). A heap qualifies once the countdown
     * stayed the same over IDLE_WALKS_BEFORE_LOOK walks (no allocation meanwhile), or at once when
     * forced (trim()). Marks the look pending, so that the owner is asked once until it has looked.
     */
    boolean wantsOwnerLook(boolean force) {
        int countdown = (int) ALLOCATIONS_UNTIL_TICK.getOpaque(this);
        walksWithoutAllocation = countdown == countdownSeenByWalker ? walksWithoutAllocation + 1 : 0;
        countdownSeenByWalker = countdown;
        if (ownerLookPending || retired || (int) IDLE_STATE.getVolatile(this) != ACTIVE || ready.get() == null) {
            return false; // a parked heap is the walk's own business (giveBackIfParked)
        }
        if (!force && walksWithoutAllocation < IDLE_WALKS_BEFORE_LOOK) {
            return false;
        }
        ownerLookPending = true;
        return true;
    }

    /**
     * Asks the owner, through the executor that runs its thread (a Netty event loop), to look: collect
     * what other threads released and give back its empty spans. Called outside the registry's monitor
     * (execute may wake the loop with a system call). If this throws, the task was not taken: the
     * caller drops the pending mark (ownerNotAsked).
     *
     * @throws java.util.concurrent.RejectedExecutionException if the executor refused the task (it is shutting down)
     */
    void askOwnerToLook(Executor ownerLoop) {
        ownerLoop.execute(this::lookAsAsked);
    }

    /** The look wantsOwnerLook marked pending was not taken by any executor: the mark is dropped. */
    void ownerNotAsked() {
        ownerLookPending = false;
    }

    /** The look asked for by askOwnerToLook (a task on the owner's event loop). */
    private void lookAsAsked() {
        ownerLookPending = false; // before looking: frees after this point get a look of their own
        if (thread == Thread.currentThread() && !retired) {
            releaseEmptySpans();
        }
    }

    /** Collects a span's remote frees and keeps liveSlots in step. */
    private int collectRemote(Slab s) {
        int n = s.collectRemote();
        liveSlots -= n;
        return n;
    }

    private void afterFreeIntoNonCurrent(Slab s) {
        if (s.state == Slab.FULL) {
            linkAvailable(s);
        }
        if (s.used == 0) {
            onEmpty(s);
        }
    }

    private Slab refill(int c) {
        return refill(c, true);
    }

    /**
     * Makes class c's current span one with a free slot. A span the pool refuses (the mapping cap)
     * is asked for once more after makeRoom, through a refill from the top: making room collects
     * remote frees, so class c's own spans may have free slots by then.
     */
    private Slab refill(int c, boolean mayMakeRoom) {
        Slab cur = current[c];
        if (cur != null && collectRemote(cur) > 0) {
            return cur;
        }
        serveTrimRequest();
        cur = current[c];
        drainReady();
        if (cur != null && cur.hasFree()) {
            return cur;
        }
        Slab next = available[c];
        if (next != null) {
            unlinkAvailable(next);
            if (next.used == 0) {
                spares.spareLeft(c);
            }
        } else {
            next = pool.adoptOrphan(c, this);
            if (next == null) {
                registry.maybeReap();
                try {
                    next = pool.acquireSpan(c, this);
                    spares.cutNewSpan(c);
                } catch (OutOfMemoryError refused) {
                    if (!mayMakeRoom) {
                        throw refused;
                    }
                    IllegalStateException unmapRefused = makeRoom(); // nothing of this refill has changed the heap yet
                    return afterRoomMade(() -> refill(c, false), unmapRefused);
                }
            }
            liveSlots += next.used; // an adopted orphan comes with its live slots
            linkOwned(next);
        }
        if (cur != null) {
            cur.state = Slab.FULL;
        }
        next.state = Slab.CURRENT;
        current[c] = next;
        if (!next.hasFree()) {
            // An adopted orphan can be full; the next call refills again.
            return refill(c, mayMakeRoom);
        }
        return next;
    }

    @Override
    public void enqueueReady(Slab s) {
        Slab head;
        do {
            head = ready.get();
            s.readyNext(head);
        } while (!ready.compareAndSet(head, s));
    }

    /** Collects the remote frees of every span on the ready stack. */
    void drainReady() {
        Slab s = ready.getAndSet(null);
        while (s != null) {
            Slab nextReady = s.readyNext();
            s.readyNext(null);
            // Only a span that this collection emptied is new to onEmpty: an entry can be stale, its
            // frees collected by another walk (giveBackEmptySpans, refill) while it sat here, and a
            // span emptied since by local frees was counted then (afterFreeIntoNonCurrent).
            if (s.owner() == this) {
                s.clearReadyFlag();
                int collected = collectRemote(s);
                if (s.state == Slab.FULL && s.hasFree()) {
                    linkAvailable(s);
                }
                if (collected > 0 && s.used == 0 && s.state == Slab.AVAILABLE) {
                    onEmpty(s);
                }
            }
            s = nextReady;
        }
    }

    private void onEmpty(Slab s) {
        if (spares.keepEmptied(s.sizeClass)) {
            return;
        }
        unlinkAvailable(s);
        giveBack(s);
    }

    /**
     * Hands every span back: empty ones to the pool, the rest as orphans for other heaps to adopt.
     * Runs on the owner thread as it exits, or on another thread once the owner is dead.
     */
    void retire() {
        drainReady();
        // The head moves past a span as soon as its hand-over returns, by a plain store (no call in
        // between, where a StackOverflowError could strike): a reap cut short (such an error on the
        // deep stack of a thread that reaps on its slow path, or an OutOfMemoryError) leaves the heap
        // listed, and the next reap carries on with the span whose hand-over did not return and those
        // after it. Dropping the whole list only at the end made that next reap hand the first span
        // over again and leave the rest owned by the dead heap for good. The next span is read before
        // the hand-over: an orphan may be adopted, and relinked into its adopter's list, at once (the
        // pool clears the span's links as it takes it).
        for (Slab s = owned; s != null; s = owned) {
            Slab nextOwned = s.ownedNext;
            s.prev = null;
            s.nextInList = null;
            s.collectRemote();
            if (s.used == 0) {
                pool.releaseSpan(s);
            } else {
                pool.addOrphan(s);
            }
            owned = nextOwned;
        }
        java.util.Arrays.fill(current, null);
        java.util.Arrays.fill(available, null);
        spares.forget();
        retired = true;
    }

    private void linkAvailable(Slab s) {
        int c = s.sizeClass;
        Slab head = available[c];
        s.prev = null;
        s.nextInList = head;
        if (head != null) {
            head.prev = s;
        }
        available[c] = s;
        s.state = Slab.AVAILABLE;
    }

    private void unlinkAvailable(Slab s) {
        if (s.prev != null) {
            s.prev.nextInList = s.nextInList;
        } else {
            available[s.sizeClass] = s.nextInList;
        }
        if (s.nextInList != null) {
            s.nextInList.prev = s.prev;
        }
        s.prev = null;
        s.nextInList = null;
    }

    private void linkOwned(Slab s) {
        s.ownedPrev = null;
        s.ownedNext = owned;
        if (owned != null) {
            owned.ownedPrev = s;
        }
        owned = s;
    }

    private void unlinkOwned(Slab s) {
        if (s.ownedPrev != null) {
            s.ownedPrev.ownedNext = s.ownedNext;
        } else {
            owned = s.ownedNext;
        }
        if (s.ownedNext != null) {
            s.ownedNext.ownedPrev = s.ownedPrev;
        }
        s.ownedPrev = null;
        s.ownedNext = null;
    }

    @Override
    public String toString() {
        return "ThreadHeap[" + thread.getName() + (retired ? ", retired" : "") + "]";
    }
}
