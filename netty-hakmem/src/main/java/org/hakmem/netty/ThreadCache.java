/*
 * ThreadCache: what one thread keeps for one allocator - its ThreadHeap (memory), a stack of
 * recycled buffer objects, and a few recently freed heap-buffer arrays.
 *
 * Buffer objects: a released buffer goes back to the cache that created it ("home"). On the home
 * thread that is a plain push; from another thread it is one CAS onto the home's return stack, which
 * the home takes whole (exchange) when its local stack runs dry. So objects flow back to where they
 * are needed and the steady state creates no garbage, even when one thread allocates and another
 * releases. A local release is dropped to the GC once MAX_CACHED_BUFFERS objects are on the local
 * stack (chains taken back from the return stack go on it whatever its size: they can only hold
 * objects this cache created itself).
 *
 * The local stack is linked by ids, not references: every object this cache made, live or free, sits
 * in objects[] at its id, and a free object's nextFreeId names the next. Pushing and popping store only
 * ints, so they run no GC write barrier: under G1 a reference store into the stack head or an
 * object's link takes a cross-region test that is mispredicted whenever the objects straddle a region
 * boundary (HakmemDirectByteBuf's banner has the figures).
 *
 *     objects:   [ b0 ][ b1 ][null][ b3 ][ b4 ] ...      null: a vacant id (vacantIds)
 *     freeHead = 3 --> b3.nextFreeId = 0 --> b0.nextFreeId = -1      b1, b4: live
 *
 * Keeping live objects would hide leaks from Netty's detector, which reports a tracked buffer once
 * the GC collects it unreleased: so a buffer the detector watches is forgotten when it is handed out
 * (its id given up, NO_ID) and registered again when it comes back. Under SIMPLE, one buffer in 128
 * pays that; with detection off, none. An object past the local stack's cap is forgotten and left
 * to the GC.
 *
 * The return stack stays linked by references (nextFree, one CAS per push): it is not the owner's
 * fast path, and its pushers cannot reach objects[].
 *
 * Heap arrays: Netty's heap buffers size their array exactly to the capacity, so a freed array can
 * only serve a request of the same length. A handful of recent arrays (up to MAX_CACHED_ARRAY_BYTES
 * in all) are kept for that; a server that allocates the same heap size repeatedly makes no garbage.
 */
package org.hakmem.netty;

import org.hakmem.netty.heap.ThreadHeap;

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

final class ThreadCache extends ThreadCachePadding {
    static final int MAX_CACHED_BUFFERS = 4096;
    static final int MAX_CACHED_ARRAYS = 4;
    static final int MAX_CACHED_ARRAY_BYTES = 4 << 20;

    static final int NO_ID = -1;

    /**
     * Every object this cache made, live or free, at its id; null at a vacant id. A buffer the leak
     * detector watches is not here (forget), or it could never be collected and reported.
     */
    private HakmemDirectByteBuf[] objects = new HakmemDirectByteBuf[16];
    /** Ids below this have been given out. */
    private int idLimit;
    /** Ids given up (forget), for the next objects registered. */
    private int[] vacantIds = new int[0];
    private int vacantCount;
    /** The local stack: the id of its top object, or NO_ID; and its size. */
    private int freeHead = NO_ID;
    private int freeCount;
    private final byte[][] arrays = new byte[MAX_CACHED_ARRAYS][];
    private int arrayBytes;

    ThreadCache(HakmemByteBufAllocator alloc, ThreadHeap heap) {
        super(alloc, heap);
    }

    /** A buffer object to initialise: recycled if one is at hand, else new. Owner only. */
    HakmemDirectByteBuf takeBuffer() {
        int id = freeHead;
        if (id != NO_ID) {
            HakmemDirectByteBuf b = objects[id];
            freeHead = b.nextFreeId;
            freeCount--;
            return b;
        }
        return takeReturnedOrNew();
    }

    /** The local stack is empty: the objects other threads returned, else a new one. */
    private HakmemDirectByteBuf takeReturnedOrNew() {
        HakmemDirectByteBuf first = returned.getAndSet(null);
        if (first == null) {
            HakmemDirectByteBuf b = new HakmemDirectByteBuf(alloc, this);
            register(b);
            return b;
        }
        HakmemDirectByteBuf rest = first.nextFree;
        first.nextFree = null;
        while (rest != null) {
            HakmemDirectByteBuf next = rest.nextFree;
            rest.nextFree = null;
            if (rest.id == NO_ID) {
                register(rest); // a watched buffer, released on another thread
            }
            push(rest);
            rest = next;
        }
        if (first.id == NO_ID) {
            register(first);
        }
        return first;
    }

    /** Gives an object an id and keeps it in objects[]. Owner only. */
    private void register(HakmemDirectByteBuf b) {
        int id;
        if (vacantCount > 0) {
            id = vacantIds[--vacantCount];
        } else {
            id = idLimit++;
            if (id == objects.length) {
                objects = java.util.Arrays.copyOf(objects, Math.max(16, id * 2));
            }
        }
        objects[id] = b;
        b.id = id;
    }

    /**
     * Lets go of an object: the leak detector watches it now (so it must be collectable when its user
     * drops it), or the local stack is full. Its id goes to the next object registered. Owner only.
     */
    void forget(HakmemDirectByteBuf b) {
        int id = b.id;
        if (id == NO_ID || id >= objects.length || objects[id] != b) {
            return; // not kept (or closed: objects[] is gone)
        }
        objects[id] = null;
        b.id = NO_ID;
        if (vacantCount == vacantIds.length) {
            vacantIds = java.util.Arrays.copyOf(vacantIds, Math.max(16, vacantCount * 2));
        }
        vacantIds[vacantCount++] = id;
    }

    private void push(HakmemDirectByteBuf b) {
        b.nextFreeId = freeHead;
        freeHead = b.id;
        freeCount++;
    }

    /** Takes back a released buffer object, on any thread. */
    void recycle(HakmemDirectByteBuf b) {
        if (Thread.currentThread() == thread) {
            if (freeCount >= MAX_CACHED_BUFFERS) {
                forget(b); // dropped to the GC
            } else if (b.id != NO_ID) {
                push(b);
            } else if (!closed) {
                register(b); // was watched by the leak detector
                push(b);
            }
        } else if (!closed) {
            HakmemDirectByteBuf head;
            do {
                head = returned.get();
                b.nextFree = head;
            } while (!returned.compareAndSet(head, b));
        }
    }

    /** Objects on the local stack (tests). */
    int cachedBuffers() {
        return freeCount;
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
        objects = new HakmemDirectByteBuf[0];
        freeHead = NO_ID;
        freeCount = 0;
        returned.set(null);
        dropArrays();
    }
}
