/*
 * Slab: a span of 1..32 contiguous 64 KiB slabs of one superslab, cut into equal slots of one size
 * class, owned by one thread heap at a time (or by nobody: an orphan, after its thread died).
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
 * Ready flag: the first remote free after the owner last looked wins a CAS on readyFlag (0 -> 1) and
 * pushes the slab on the owner's ready stack, so a full slab that gets remote frees is found again
 * without the owner scanning. The owner clears the flag when it pops the slab, before collecting.
 *
 * Access modes: freeHead, bump, used, next[] and the list links are plain (owner thread only, or the
 * pool under its monitor for orphans). owner is volatile (read by remote freers); remoteHead and
 * readyFlag are volatile, changed by CAS/exchange, and live in a padded RemoteFrees object so that
 * remote frees do not share a cache line with the owner's fields.
 */
package org.hakmem.netty.slab;

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
    /** Next slot of each slot on the local or the remote free list (-1 ends a list). */
    final short[] next;
    /** remoteHead, readyFlag and readyNext, on their own cache lines (see RemoteFrees). */
    final RemoteFrees remote = new RemoteFrees();
    volatile SlabOwner owner;

    SlabIdentity(Superslab superslab, int firstSlab, int sizeClass) {
        this.superslab = superslab;
        this.firstSlab = firstSlab;
        this.slabCount = SizeClasses.spanSlabs(sizeClass);
        this.sizeClass = sizeClass;
        this.slotSize = SizeClasses.slotSize(sizeClass);
        this.slotCount = SizeClasses.slotsPerSpan(sizeClass);
        this.baseOffset = firstSlab << Superslab.SLAB_SHIFT;
        this.baseAddress = superslab.base + baseOffset;
        this.memory = superslab.memory;
        this.next = new short[slotCount];
    }
}

/** Keeps the owner's mutable fields (in Slab) off the cache lines of SlabIdentity. */
abstract class SlabPadding extends SlabIdentity {
    long p00, p01, p02, p03, p04, p05, p06, p07;

    SlabPadding(Superslab superslab, int firstSlab, int sizeClass) {
        super(superslab, firstSlab, sizeClass);
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

    Slab(Superslab superslab, int firstSlab, int sizeClass) {
        super(superslab, firstSlab, sizeClass);
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

    /** Gives the slab to a new owner; the caller then collects its remote frees. */
    public void setOwner(SlabOwner newOwner) {
        owner = newOwner;
        // A slab that was orphaned may have its flag left set (a push after the orphaning, or an entry
        // on a dead heap's stack that nobody will pop). The new owner starts with a clean flag.
        READY_FLAG.setVolatile(remote, 0);
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
        if ((int) READY_FLAG.getVolatile(remote) == 0 && READY_FLAG.compareAndSet(remote, 0, 1)) {
            SlabOwner o = owner;
            if (o != null) {
                o.enqueueReady(this);
            }
        }
    }

    /** Clears the ready flag (owner, after popping the slab from its ready stack). */
    public void clearReadyFlag() {
        READY_FLAG.setVolatile(remote, 0);
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

    /** Bytes of slots held by live buffers; racy but never torn when read from another thread. */
    public long liveBytes() {
        return (long) (used - pendingRemote()) * slotSize;
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
