package org.hakmem.netty;

import io.netty.buffer.ByteBuf;

/**
 * One buffer of the differential test (DifferentialBufferPropertyTest) as a pair: ours, from
 * netty-hakmem, and theirs, the oracle's (Netty's PooledByteBufAllocator), created and driven by the
 * same calls. A view records where it sits in the memory of its root, so that the model knows when a
 * root's capacity change leaves it reaching past the root's end (then Netty gives no defined answer).
 */
final class DiffTwin {
    enum Kind { ROOT, SLICE, DUPLICATE, RETAINED_SLICE, RETAINED_DUPLICATE, READ_ONLY, SWAPPED }

    final int id;
    final Kind kind;
    final ByteBuf ours;
    final ByteBuf theirs;
    /** The root whose memory this views (this for a root). */
    final DiffTwin root;
    /** Index in root of this buffer's index 0. */
    final int adjust;
    /** This view's capacity if it is fixed (a slice, or a view of one), -1 if it follows the root's. */
    final int fixedLength;
    /**
     * True if ours reaches root's memory through a HakmemDerivedByteBuf, which checks every access
     * against the root's current capacity (Netty's own views and Pooled's derived buffers do not).
     */
    final boolean guarded;
    /** Read-only: asReadOnly() or a view of one (known here: a released Pooled view cannot be asked). */
    final boolean readOnly;
    final String origin;
    /**
     * References the model holds through this buffer: 1 for a buffer from the allocator or a retained
     * view, plus its retain()s, minus its release()s. (Netty's plain slice gives a retainedSlice that
     * shares its root's count, Pooled's and ours one of its own: the count is the buffers' business.)
     */
    int held;

    private DiffTwin(int id, Kind kind, ByteBuf ours, ByteBuf theirs, DiffTwin root, int adjust, int fixedLength,
                     boolean guarded, boolean readOnly, String origin) {
        this.id = id;
        this.kind = kind;
        this.ours = ours;
        this.theirs = theirs;
        this.root = root == null ? this : root;
        this.adjust = adjust;
        this.fixedLength = fixedLength;
        this.guarded = guarded;
        this.readOnly = readOnly;
        this.origin = origin;
        this.held = kind == Kind.ROOT || kind == Kind.RETAINED_SLICE || kind == Kind.RETAINED_DUPLICATE ? 1 : 0;
    }

    static DiffTwin root(int id, ByteBuf ours, ByteBuf theirs, String origin) {
        return new DiffTwin(id, Kind.ROOT, ours, theirs, null, 0, -1, false, false, origin);
    }

    /** A view of parent starting at parent's index 'at'; length is the view's capacity if fixed, else -1. */
    static DiffTwin view(int id, Kind kind, ByteBuf ours, ByteBuf theirs, DiffTwin parent, int at, int length,
                         String origin) {
        int fixed = length >= 0 ? length : parent.fixedLength;
        boolean guarded = parent.guarded || reachesThroughDerived(ours);
        boolean readOnly = parent.readOnly || kind == Kind.READ_ONLY;
        return new DiffTwin(id, kind, ours, theirs, parent.root, parent.adjust + at, fixed, guarded, readOnly, origin);
    }

    /** True if b is, or wraps (a swapped or read-only view does), a HakmemDerivedByteBuf. */
    private static boolean reachesThroughDerived(ByteBuf b) {
        for (ByteBuf x = b; x != null; x = x.unwrap()) {
            if (x instanceof HakmemDerivedByteBuf) {
                return true;
            }
        }
        return false;
    }

    ByteBuf of(DiffSide side) {
        return side.ours ? ours : theirs;
    }

    /**
     * The capacity, as the oracle has it, for drawing arguments; ours' where a released Pooled derived
     * buffer throws even for its capacity (it asks its parent through a checked unwrap()).
     */
    int capacity() {
        try {
            return theirs.capacity();
        } catch (io.netty.util.IllegalReferenceCountException released) {
            return ours.capacity();
        }
    }

    int writableBytes() {
        return Math.max(0, capacity() - theirs.writerIndex());
    }

    boolean isRoot() {
        return root == this;
    }

    /** Released: every access must throw on both sides (the oracle's count decides; ours is compared to it). */
    boolean dead() {
        return theirs.refCnt() == 0;
    }

    /**
     * A live view whose root was released: the caller released references the views held (released
     * the root too often). Netty leaves what the view then does open, and the root's object goes back
     * to its allocator for a next owner.
     */
    boolean orphaned() {
        return root != this && root.dead() && !dead();
    }

    /** Released, or orphaned: not to be used once an allocator may hand its objects out again. */
    boolean stale() {
        return dead() || root.dead();
    }

    /**
     * False while this view reaches past its root's end (the root shrank after the view was taken): Netty
     * does not define what such a view reads or writes, and Pooled's reach into other buffers' memory.
     * A view's relative reads check its own indexes only, so a duplicate whose writerIndex stayed past
     * its root's new end reaches past it too.
     */
    boolean inBounds() {
        return adjust + Math.max(fixedLength, theirs.writerIndex()) <= root.theirs.capacity();
    }

    /** The first index of this view past its root's end (while !inBounds()). */
    int firstIndexPastRoot() {
        return Math.max(0, root.theirs.capacity() - adjust);
    }

    @Override
    public String toString() {
        return "#" + id + " (" + origin + ")";
    }
}
