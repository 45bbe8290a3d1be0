/*
 * ThreadCache: what one thread keeps for one allocator - its ThreadHeap (memory), a stack of
 * recycled buffer objects, and a few recently freed heap-buffer arrays.
 *
 * Buffer objects: a released buffer goes back to the cache that created it ("home"). On the home
 * thread that is a plain push; from another thread it is one CAS onto the home's return stack, which
 * the home takes whole (exchange) when its local stack runs dry. So objects flow back to where they
 * are needed and the steady state creates no garbage, even when one thread allocates and another
 * releases. A local release is dropped to the GC once MAX_CACHED_BUFFERS local pushes are on the
 * stack; chains taken back from the returned stack are not counted, as they can only hold objects
 * this cache created itself.
 *
 * Parked buffers: a buffer released on its home thread, over a slot of its home heap, keeps the slot
 * ("parked", with ThreadHeap.park's consent and within its per-class limit) on a per-class stack:
 *
 *     parked[c] --> buf --nextFree--> buf --> null      each still attached to its slot of class c
 *
 * The next allocation of class c on this thread takes the top one as it is: no span free list, no
 * re-pointing of the object at memory. The heap counts parked slots as free and asks for them back
 * (returnParkedSlots) before it gives spans away.
 *
 * Heap arrays: Netty's heap buffers size their array exactly to the capacity, so a freed array can
 * only serve a request of the same length. A handful of recent arrays (up to MAX_CACHED_ARRAY_BYTES
 * in all) are kept for that; a server that allocates the same heap size repeatedly makes no garbage.
 */
package org.hakmem.netty;

import org.hakmem.netty.heap.ParkedSlots;
import org.hakmem.netty.heap.ThreadHeap;
import org.hakmem.netty.slab.SizeClasses;
import org.hakmem.netty.slab.Slab;

import org.hakmem.netty.util.PaddedReference;

/** The read-mostly part of a thread cache: remote releasers read these on every release. */
abstract class ThreadCacheIdentity {
    final HakmemByteBufAllocator alloc;
    final ThreadHeap heap;
    final Thread thread;
    /** Objects released on other threads; they push here, so it sits on its own cache lines. */
    final PaddedReference<HakmemDirectByteBuf> returned = new PaddedReference<>();
    /** Set when the thread's heap is retired; objects are no longer returned here. */
    volatile boolean closed;

    ThreadCacheIdentity(HakmemByteBufAllocator alloc, ThreadHeap heap) {
        this.alloc = alloc;
        this.heap = heap;
        this.thread = heap.thread();
    }
}

/** Keeps the owner's mutable fields (in ThreadCache) off the cache line of ThreadCacheIdentity: 128 bytes, as bytes (see PaddedReference). */
abstract class ThreadCachePadding extends ThreadCacheIdentity {
    byte p000, p001, p002, p003, p004, p005, p006, p007, p008, p009, p010, p011, p012, p013, p014, p015;
    byte p016, p017, p018, p019, p020, p021, p022, p023, p024, p025, p026, p027, p028, p029, p030, p031;
    byte p032, p033, p034, p035, p036, p037, p038, p039, p040, p041, p042, p043, p044, p045, p046, p047;
    byte p048, p049, p050, p051, p052, p053, p054, p055, p056, p057, p058, p059, p060, p061, p062, p063;
    byte p064, p065, p066, p067, p068, p069, p070, p071, p072, p073, p074, p075, p076, p077, p078, p079;
    byte p080, p081, p082, p083, p084, p085, p086, p087, p088, p089, p090, p091, p092, p093, p094, p095;
    byte p096, p097, p098, p099, p100, p101, p102, p103, p104, p105, p106, p107, p108, p109, p110, p111;
    byte p112, p113, p114, p115, p116, p117, p118, p119, p120, p121, p122, p123, p124, p125, p126, p127;

    ThreadCachePadding(HakmemByteBufAllocator alloc, ThreadHeap heap) {
        super(alloc, heap);
    }
}

final class ThreadCache extends ThreadCachePadding implements ParkedSlots {
    static final int MAX_CACHED_BUFFERS = 4096;
    static final int MAX_CACHED_ARRAYS = 4;
    static final int MAX_CACHED_ARRAY_BYTES = 4 << 20;

    private HakmemDirectByteBuf freeBufs;
    private int freeBufCount;
    /** Per size class, the released buffers that kept their slot, and how many (owner thread only). */
    private final HakmemDirectByteBuf[] parked = new HakmemDirectByteBuf[PAD + SizeClasses.COUNT + PAD];
    /** Per size class c: at PAD + 2c the slots parked, at PAD + 2c + 1 the limit (ReleasePolicy.parkedSlots). */
    private final int[] parkCounts = new int[PAD + 2 * SizeClasses.COUNT + PAD];
    /**
     * Unused elements at both ends of the two arrays above, which every allocation and local release
     * reads. The objects allocated next to them include this thread's first buffer objects, which
     * remote releasers write; 32 elements (two cache lines or more) keep those writes off the lines
     * the owner reads. A precaution of the same kind as the padded classes (see PaddedReference).
     */
    private static final int PAD = 32;
    private final byte[][] arrays = new byte[MAX_CACHED_ARRAYS][];
    private int arrayBytes;

    ThreadCache(HakmemByteBufAllocator alloc, ThreadHeap heap) {
        super(alloc, heap);
        int[] limits = heap.parkLimits();
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            parkCounts[PAD + 2 * c + 1] = limits[c];
        }
        heap.parkedSlotsHeldBy(this);
    }

    /**
     * A buffer object for an allocation of the size class (-1 for a huge buffer), owner thread: a
     * parked one, which still holds a slot of the class, else a recycled or new one, which holds no
     * memory yet (see HakmemDirectByteBuf.hasMemory).
     */
    HakmemDirectByteBuf takeBuffer(int sizeClass) {
        if (sizeClass >= 0) {
            HakmemDirectByteBuf b = parked[PAD + sizeClass];
            if (b != null) {
                parked[PAD + sizeClass] = b.nextFree;
                parkCounts[PAD + 2 * sizeClass]--;
                heap.unpark();
                return b;
            }
        }
        return takeBuffer();
    }

    /**
     * Takes back a released buffer, on any thread. On the home thread the buffer parks with its slot
     * if it can; otherwise its memory is freed and the object recycled. A remote releaser reads
     * nothing of the owner's mutable state (its counts would share lines the owner writes).
     */
    void release(HakmemDirectByteBuf b) {
        if (Thread.currentThread() == thread) {
            Slab s = b.slab();
            if (s != null && park(b, s)) {
                return;
            }
            b.freeMemory();
            recycleLocal(b);
        } else {
            b.freeMemory();
            recycleRemote(b);
        }
    }

    /** Keeps the buffer with its slot of {@code slab} if the class is under its limit and the heap agrees (owner thread). */
    private boolean park(HakmemDirectByteBuf b, Slab slab) {
        int c = slab.sizeClass;
        int n = parkCounts[PAD + 2 * c];
        if (n >= parkCounts[PAD + 2 * c + 1] || !heap.park(slab)) {
            return false;
        }
        b.nextFree = parked[PAD + c];
        parked[PAD + c] = b;
        parkCounts[PAD + 2 * c] = n + 1;
        return true;
    }

    /**
     * Frees every parked slot into its span (the heap asks, on its owner thread or on the thread that
     * retires it). The objects stay cached on the owner thread and are left to the GC on any other.
     */
    @Override
    public void returnParkedSlots() {
        boolean keepObjects = Thread.currentThread() == thread && !closed;
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            HakmemDirectByteBuf b = parked[PAD + c];
            parked[PAD + c] = null;
            parkCounts[PAD + 2 * c] = 0;
            while (b != null) {
                HakmemDirectByteBuf next = b.nextFree;
                b.nextFree = null;
                b.returnParkedSlot(heap);
                if (keepObjects) {
                    recycleLocal(b);
                }
                b = next;
            }
        }
    }

    @Override
    public long parkedBytes() {
        long bytes = 0;
        for (int c = 0; c < SizeClasses.COUNT; c++) {
            bytes += (long) parkCounts[PAD + 2 * c] * SizeClasses.slotSize(c);
        }
        return bytes;
    }

    /** A buffer object with no memory: recycled if one is at hand, else new (owner thread). */
    private HakmemDirectByteBuf takeBuffer() {
        HakmemDirectByteBuf b = freeBufs;
        if (b == null) {
            b = returned.getAndSet(null);
            if (b == null) {
                return new HakmemDirectByteBuf(alloc, this);
            }
        } else if (freeBufCount > 0) {
            freeBufCount--;
        }
        freeBufs = b.nextFree;
        b.nextFree = null;
        return b;
    }

    /** Keeps a buffer object that holds no memory any more (owner thread). */
    private void recycleLocal(HakmemDirectByteBuf b) {
        if (freeBufCount < MAX_CACHED_BUFFERS) {
            b.nextFree = freeBufs;
            freeBufs = b;
            freeBufCount++;
        }
    }

    /** Sends a buffer object that holds no memory any more home from another thread. */
    private void recycleRemote(HakmemDirectByteBuf b) {
        if (!closed) {
            HakmemDirectByteBuf head;
            do {
                head = returned.get();
                b.nextFree = head;
            } while (!returned.compareAndSet(head, b));
        }
    }

    /** A recently freed array of exactly this length, or null. Owner thread only. */
    byte[] takeArray(int length) {
        for (int i = 0; i < arrays.length; i++) {
            byte[] a = arrays[i];
            if (a != null && a.length == length) {
                arrays[i] = null;
                arrayBytes -= length;
                return a;
            }
        }
        return null;
    }

    /** Keeps a freed array if there is room. Owner thread only. */
    void offerArray(byte[] array) {
        if (array.length == 0 || array.length > MAX_CACHED_ARRAY_BYTES - arrayBytes) {
            return;
        }
        for (int i = 0; i < arrays.length; i++) {
            if (arrays[i] == null) {
                arrays[i] = array;
                arrayBytes += array.length;
                return;
            }
        }
    }

    /** Lets the GC have the cached heap arrays (trim(), on the owner thread; and close()). */
    void dropArrays() {
        java.util.Arrays.fill(arrays, null);
        arrayBytes = 0;
    }

    void close() {
        closed = true;
        freeBufs = null;
        freeBufCount = 0;
        returned.set(null);
        dropArrays();
    }
}
