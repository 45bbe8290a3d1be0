/*
 * Slab: a span of 1..16 contiguous 64 KiB slabs of one superslab (SizeClasses.spanSlabs), cut into
 * equal slots of one size class, owned by one thread heap at a time (or by nobody: an orphan, after
 * its thread died).
 *
 * Slot state, all on the Java heap (one short per slot):
 *
 *     slot:    0    1    2    3    4    5  ...  bump ........... slotCount-1
 *             [A ] [F ] [A ] [R ] [F ] [A ]      [never handed out, never touched]
 *                   |              ^
 *     freeHead -----+   next[1]=4  |          A = allocated
 *                                  |          F = on the local free list (owner only, plain)
 *     remoteHead --> 3, next[3]=-1            R = on the remote free list (any thread, CAS)
 *
 * Allocation takes the local free list first, then bumps: a slot below `bump` has been touched, a
 * slot above it never was, so the pages of an unused tail are never faulted in.
 *
 * Remote free list: a Treiber stack whose head packs the slot and a count into one long,
 *
 *     remoteHead = (count << 32) | (slot + 1)        0 = empty
 *
 * so one CAS pushes a slot and counts it. Only the owner takes from it, and only all at once (an
 * exchange with 0), so there is no ABA: a pusher's expected value can only be replaced by other
 * pushes or by the exchange, both of which make its CAS fail and retry. next[] entries written by a
 * pusher before its CAS are visible to the owner after its exchange (volatile write -> read).
 *
 * Ready flag: the first remote free after the owner last looked wins a CAS on the flag and pushes the
 * slab on the owner's ready stack, so a full slab that gets remote frees is found again without the
 * owner scanning. The owner clears the flag when it pops the slab, before collecting.
 *
 *     IDLE --pusher wins the CAS--> PUSHING --pushed on owner's stack--> QUEUED --owner pops--> IDLE
 *                                      ^ setOwner holds it too, while the owner changes
 *
 * PUSHING covers the whole push: reading `owner` and linking readyNext into that owner's stack. A new
 * owner (setOwner, at orphaning and adoption) waits out a push in flight and holds PUSHING itself
 * while it changes the owner, so a pusher that read the old owner finishes before the slab can be
 * pushed anywhere else. Without that, a pusher stalled after reading a retired owner could push the
 * slab on the dead heap's stack after the adopter had pushed it on its own, overwriting readyNext
 * and cutting the adopter's stack: the spans behind it were lost, their flags stuck at QUEUED.
 *
 * Access modes: freeHead, bump, used, next[] and the list links are plain (owner thread only, or the
 * pool under its monitor for orphans). owner is volatile (read by remote freers); remoteHead and
 * the ready flag are volatile, changed by CAS/exchange (the flag's PUSHING -> QUEUED by a release
 * store: it only publishes the push), and live in a padded RemoteFrees object so that remote frees
 * do not share a cache line with the owner's fields.
 */
package org.hakmem.netty.slab;

import org.hakmem.netty.util.SpinWait;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/** The read-mostly part of a span: what it is, and who owns it. Remote freers read these. */
abstract class SlabIdentity {
    final Superslab superslab;
    final int firstSlab;
    final int slabCount;
    public final int sizeClass;
    public final int slotSize;
    public final int slotCount;
    /** Offset of slot 0 in the superslab's ByteBuffer. */
    public final int baseOffset;
    public final long baseAddress;
    /** The superslab's ByteBuffer, shared by every buffer over this span. */
    public final ByteBuffer memory;
    /**
     * Next slot of each slot on the local or the remote free list (-1 ends a list). An entry is written
     * before it is read (a slot's entry when it is freed), so the pool hands a new span of the class
     * the array of a released one as it is (SuperslabPool.newDescriptor).
     */
    final short[] next;
    /** remoteHead, readyFlag and readyNext, on their own cache lines (see RemoteFrees). */
    final RemoteFrees remote = new RemoteFrees();
    volatile SlabOwner owner;

    SlabIdentity(Superslab superslab, int firstSlab, int sizeClass, short[] next) {
        this.superslab = superslab;
        this.firstSlab = firstSlab;
        this.slabCount = SizeClasses.spanSlabs(sizeClass);
        this.sizeClass = sizeClass;
        this.slotSize = SizeClasses.slotSize(sizeClass);
        this.slotCount = SizeClasses.slotsPerSpan(sizeClass);
        this.baseOffset = firstSlab << Superslab.SLAB_SHIFT;
        this.baseAddress = superslab.base + baseOffset;
        this.memory = superslab.memory;
        if (next.length != slotCount) {
            throw new IllegalArgumentException("next[] of " + next.length + " entries for a span of " + slotCount
                    + " slots (class " + sizeClass + ")");
        }
        this.next = next;
    }
}

/** Keeps the owner's mutable fields (in Slab) off the cache lines of SlabIdentity. */
abstract class SlabPadding extends SlabIdentity {
    long p00, p01, p02, p03, p04, p05, p06, p07;

    SlabPadding(Superslab superslab, int firstSlab, int sizeClass, short[] next) {
        super(superslab, firstSlab, sizeClass, next);
    }
}

public final class Slab extends SlabPadding {
    public static final int CURRENT = 1;
    public static final int AVAILABLE = 2;
    public static final int FULL = 3;
    public static final int ORPHAN = 4;
    public static final int RELEASED = 5;

    private static final VarHandle REMOTE_HEAD = RemoteFrees.HEAD;
    private static final VarHandle READY_FLAG = RemoteFrees.READY;
    /** Ready flag: not on a ready stack, and no push in flight. */
    static final int READY_IDLE = 0;
    /** Ready flag: a pusher (or setOwner) is at work; everyone else waits or leaves it. */
    static final int READY_PUSHING = 1;
    /** Ready flag: on the owner's ready stack (or on a dead owner's, or ownerless). */
    static final int READY_QUEUED = 2;

    // ---- owner-only state (plain) ----
    private int freeHead = -1;
    private int bump;
    /** Slots handed out and not yet collected back (remote frees count until collected). */
    public int used;
    /** One of CURRENT, AVAILABLE, FULL, ORPHAN, RELEASED; owner-only, or pool-only when ORPHAN. */
    public int state;
    /** Links of the owner's per-class available list. */
    public Slab prev;
    public Slab nextInList;
    /** Links of the owner's list of all slabs it owns. */
    public Slab ownedPrev;
    public Slab ownedNext;
    /**
     * The buffer object bound to each slot, or null: the Netty face's, typed Object here so that this
     * layer does not know it. An entry is written by whoever holds the slot (allocated), before the
     * slot is freed, and read by the allocation that pops it next, so the free list orders the two
     * (a remote free's CAS, the owner's exchange). An entry is never a buffer that is out on another
     * slot; an entry's buffer may still be bound to an earlier span of the class, whose array this
     * span took over (SuperslabPool.newDescriptor), and is bound again on its first allocation here.
     * Among the owner's fields: the owner reads it on every allocation, other threads only when a move
     * or the release of a watched buffer writes an entry.
     */
    public final Object[] buffers;

    Slab(Superslab superslab, int firstSlab, int sizeClass, short[] next, Object[] buffers) {
        super(superslab, firstSlab, sizeClass, next);
        if (buffers.length != slotCount) {
            throw new IllegalArgumentException("buffers[] of " + buffers.length + " entries for a span of " + slotCount
                    + " slots (class " + sizeClass + ")");
        }
        this.buffers = buffers;
    }

    /** Link of the owner's ready stack; written by the pusher before its CAS. */
    public Slab readyNext() {
        return remote.readyNext;
    }

    public void readyNext(Slab next) {
        remote.readyNext = next;
    }

    public SlabOwner owner() {
        return owner;
    }

    /**
     * Gives the slab to a new owner (or none); the caller then collects its remote frees. Waits out a
     * push in flight to the old owner, and holds the flag while the owner changes (see the banner).
     * The flag ends IDLE: an orphan's may have been left QUEUED (a push after the orphaning, or an
     * entry on a dead heap's stack that nobody will pop), and the new owner starts clean.
     */
    public void setOwner(SlabOwner newOwner) {
        for (int spins = 0; ; spins++) {
            int flag = (int) READY_FLAG.getVolatile(remote);
            if (flag != READY_PUSHING && READY_FLAG.compareAndSet(remote, flag, READY_PUSHING)) {
                break;
            }
            SpinWait.pause(spins);
        }
        owner = newOwner;
        READY_FLAG.setVolatile(remote, READY_IDLE);
    }

    public boolean hasFree() {
        return freeHead >= 0 || bump < slotCount;
    }

    /** Takes a free slot (owner only); -1 if none is free locally. */
    public int pop() {
        int slot = freeHead;
        if (slot >= 0) {
            freeHead = next[slot];
        } else if (bump < slotCount) {
            slot = bump++;
        } else {
            return -1;
        }
        used++;
        return slot;
    }

    /** Frees a slot on the owner thread: plain writes only. */
    public void pushLocal(int slot) {
        next[slot] = (short) freeHead;
        freeHead = slot;
        used--;
    }

    /**
     * Frees a slot from a thread that does not own the slab: one CAS to push it, and when this push is
     * the first the owner has not seen, a second CAS to raise the ready flag and tell the owner.
     */
    public void pushRemote(int slot) {
        long head;
        do {
            head = (long) REMOTE_HEAD.getVolatile(remote);
            next[slot] = (short) ((int) head - 1);
        } while (!REMOTE_HEAD.compareAndSet(remote, head, ((head >>> 32) + 1) << 32 | (slot + 1)));
        if ((int) READY_FLAG.getVolatile(remote) == READY_IDLE
                && READY_FLAG.compareAndSet(remote, READY_IDLE, READY_PUSHING)) {
            SlabOwner o = owner;
            if (o != null) {
                o.enqueueReady(this);
            }
            READY_FLAG.setRelease(remote, READY_QUEUED); // after the push: readyNext is written
        }
    }

    /**
     * Clears the ready flag (owner, after popping the slab from its ready stack, before collecting).
     * The pusher may not have marked the push done yet; the owner waits for that, a few instructions.
     */
    public void clearReadyFlag() {
        for (int spins = 0; (int) READY_FLAG.getVolatile(remote) == READY_PUSHING; spins++) {
            SpinWait.pause(spins);
        }
        READY_FLAG.setVolatile(remote, READY_IDLE);
    }

    /**
     * Moves every remotely freed slot to the local free list (owner, or the pool for an orphan).
     *
     * @return the number of slots collected
     */
    public int collectRemote() {
        if ((long) REMOTE_HEAD.getVolatile(remote) == 0) {
            return 0;
        }
        long taken = (long) REMOTE_HEAD.getAndSet(remote, 0L);
        int count = (int) (taken >>> 32);
        int first = (int) taken - 1;
        int last = first;
        for (int i = 1; i < count; i++) {
            last = next[last];
        }
        next[last] = (short) freeHead;
        freeHead = first;
        used -= count;
        return count;
    }

    /** Remote frees not yet collected; readable from any thread (for metrics). */
    public int pendingRemote() {
        return (int) ((long) REMOTE_HEAD.getVolatile(remote) >>> 32);
    }

    /**
     * Bytes of slots held by live buffers, for the metric; exact when the span is quiet. From another
     * thread the two loads are no snapshot: a reader preempted between them (or whose plain load of
     * used sank below the volatile one) can pair a count from before the owner's latest pops with the
     * remote frees of the slots those pops handed out. Such a pair is clamped at 0, never negative.
     */
    public long liveBytes() {
        return (long) liveSlots() * slotSize;
    }

    /** Slots held by live buffers, for the metric: used less the remote frees not yet collected (see liveBytes). */
    public int liveSlots() {
        return Math.max(0, used - pendingRemote());
    }

    /** Address of a slot. */
    public long address(int slot) {
        return baseAddress + (long) slot * slotSize;
    }

    /** Offset of a slot in {@link #memory}. */
    public int offset(int slot) {
        return baseOffset + slot * slotSize;
    }

    @Override
    public String toString() {
        return "Slab[class " + sizeClass + " (" + slotSize + " B), slabs " + firstSlab + "+" + slabCount
                + " of 0x" + Long.toHexString(superslab.base) + ", used " + used + "/" + slotCount + "]";
    }
}
