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

    HugeBlock(long address, long size) {
        this.address = address;
        this.size = size;
        this.memory = new Pointer(address).getByteBuffer(0, size).order(ByteOrder.BIG_ENDIAN);
    }
}
