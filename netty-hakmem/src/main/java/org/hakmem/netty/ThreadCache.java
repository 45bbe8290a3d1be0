/*
 * ThreadCache: what one thread keeps for one allocator - its ThreadHeap (memory) and a few recently
 * freed heap-buffer arrays. Buffer objects are not kept here: each one is bound to a slot of a span
 * (Slab.buffers, HakmemDirectByteBuf's banner) and comes back with it.
 *
 * Heap arrays: Netty's heap buffers size their array exactly to the capacity, so a freed array can
 * only serve a request of the same length. A handful of recent arrays (up to MAX_CACHED_ARRAY_BYTES
 * in all) are kept for that; a server that allocates the same heap size repeatedly makes no garbage.
 */
package org.hakmem.netty;

import org.hakmem.netty.heap.ThreadHeap;

/**
 * One thread's heap and cached heap arrays for one allocator (or a virtual-thread lane's, used under
 * the lane's lock). Only its thread (or the lane's lock holder) uses it; other threads only read
 * {@link #thread} when they look up their own in ThreadCacheTable.
 */
final class ThreadCache {
    static final int MAX_CACHED_ARRAYS = 4;
    static final int MAX_CACHED_ARRAY_BYTES = 4 << 20;

    final ThreadHeap heap;
    /** The thread whose cache this is (a lane's: its placeholder thread, see SharedCaches). */
    final Thread thread;
    private final byte[][] arrays = new byte[MAX_CACHED_ARRAYS][];
    private int arrayBytes;

    ThreadCache(ThreadHeap heap) {
        this.heap = heap;
        this.thread = heap.thread();
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

    /** The thread's heap was retired: the arrays go to the GC. */
    void close() {
        dropArrays();
    }
}
