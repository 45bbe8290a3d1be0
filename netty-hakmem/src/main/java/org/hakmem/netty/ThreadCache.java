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

    private HakmemDirectByteBuf freeBufs;
    private int freeBufCount;
    private final byte[][] arrays = new byte[MAX_CACHED_ARRAYS][];
    private int arrayBytes;

    ThreadCache(HakmemByteBufAllocator alloc, ThreadHeap heap) {
        super(alloc, heap);
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
