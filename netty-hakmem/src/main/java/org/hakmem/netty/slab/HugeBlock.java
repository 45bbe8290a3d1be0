/*
 * HugeBlock: a mapping of its own for one buffer larger than the largest size class.
 */
package org.hakmem.netty.slab;

import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

public final class HugeBlock {
    public final long address;
    public final long size;
    public final ByteBuffer memory;
    /**
     * Held by a buffer: true from its mapping or its taking out of HugeCache to its release. A release
     * of a block that is not live is refused (SuperslabPool.keepHuge). Guarded by the pool's monitor
     * (set at construction, before the block reaches any buffer).
     */
    boolean live = true;

    HugeBlock(long address, long size) {
        this.address = address;
        this.size = size;
        // A capacity is an int, but the page-rounded mapping of one near Integer.MAX_VALUE is 2 GiB,
        // one byte more than a ByteBuffer can span; the view stops where no index can reach.
        this.memory = new Pointer(address).getByteBuffer(0, Math.min(size, Integer.MAX_VALUE))
                .order(ByteOrder.BIG_ENDIAN);
    }
}
