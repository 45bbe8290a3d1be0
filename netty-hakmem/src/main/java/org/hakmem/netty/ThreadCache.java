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

/** Keeps the owner's mutable fields (in ThreadCache) off the cache line of ThreadCacheIdentity. */
abstract class ThreadCachePadding extends ThreadCacheIdentity {
    long p00, p01, p02, p03, p04, p05, p06, p07;

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
    private final HakmemDirectByteBuf[] parked = new HakmemDirectByteBuf[SizeClasses.COUNT];
    private final int[] parkedCount = new int[SizeClasses.COUNT];
    /** The heap's limits per class (ReleasePolicy.parkedSlots). */
    private final int[] parkLimit;
    private final byte[][] arrays = new byte[MAX_CACHED_ARRAYS][];
    private int arrayBytes;

    ThreadCache(HakmemByteBufAllocator alloc, ThreadHeap heap) {
        super(alloc, heap);
        this.parkLimit = heap.parkLimits();
        heap.parkedSlotsHeldBy(this);
    }

    /** A parked buffer of the class, still attached to its slot, or null (owner thread). */
    HakmemDirectByteBuf takeParked(int sizeClass) {
        HakmemDirectByteBuf b = parked[sizeClass];
        if (b != null) {
            parked[sizeClass] = b.nextFree;
            b.nextFree = null;
            parkedCount[sizeClass]--;
            heap.unpark();
        }
        return b;
    }

    /** On release: keeps the buffer with its slot of {@code slab} if this is its home thread and the heap agrees. */
    boolean park(HakmemDirectByteBuf b, Slab slab) {
        int c = slab.sizeClass;
        int n = parkedCount[c];
        if (n >= parkLimit[c] || Thread.currentThread() != thread || !heap.park(slab)) {
            return false;
        }
        b.nextFree = parked[c];
        parked[c] = b;
        parkedCount[c] = n + 1;
        return true;
    }

    /**
     * Frees every parked slot into its span (the heap asks, on its owner thread or on the thread that
     * retires it). The objects stay cached on the owner thread and are left to the GC on any other.
     */
    @Override
    public void returnParkedSlots() {
        boolean keepObjects = Thread.currentThread() == thread && !closed;
        for (int c = 0; c < parked.length; c++) {
            HakmemDirectByteBuf b = parked[c];
            parked[c] = null;
            parkedCount[c] = 0;
            while (b != null) {
                HakmemDirectByteBuf next = b.nextFree;
                b.nextFree = null;
                b.returnParkedSlot(heap);
                if (keepObjects) {
                    recycle(b);
                }
                b = next;
            }
        }
    }

    @Override
    public long parkedBytes() {
        long bytes = 0;
        for (int c = 0; c < parkedCount.length; c++) {
            bytes += (long) parkedCount[c] * SizeClasses.slotSize(c);
        }
        return bytes;
    }

    /** A buffer object to initialise: recycled if one is at hand, else new. */
    HakmemDirectByteBuf takeBuffer() {
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

    /** Takes back a released buffer object, on any thread. */
    void recycle(HakmemDirectByteBuf b) {
        if (Thread.currentThread() == thread) {
            if (freeBufCount < MAX_CACHED_BUFFERS) {
                b.nextFree = freeBufs;
                freeBufs = b;
                freeBufCount++;
            }
        } else if (!closed) {
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
