/*
 * HakmemHeapByteBuf: Netty's own heap buffer, with its array taken from and given back to the
 * allocator so that heap use is counted and same-sized arrays are reused.
 */
package org.hakmem.netty;

import io.netty.buffer.UnpooledHeapByteBuf;

final class HakmemHeapByteBuf extends UnpooledHeapByteBuf {
    HakmemHeapByteBuf(HakmemByteBufAllocator alloc, int initialCapacity, int maxCapacity) {
        super(alloc, initialCapacity, maxCapacity);
    }

    @Override
    protected byte[] allocateArray(int initialCapacity) {
        return ((HakmemByteBufAllocator) alloc()).allocateHeapArray(initialCapacity);
    }

    @Override
    protected void freeArray(byte[] array) {
        ((HakmemByteBufAllocator) alloc()).freeHeapArray(array);
    }
}
