package org.hakmem.netty;

import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.AbstractByteBufAllocatorTest;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * Netty's allocator contract suite. Its metric tests expect usedDirectMemory/usedHeapMemory to equal
 * the capacity of the one live buffer (1 KiB, 2 KiB, 32 MiB): netty-hakmem counts the slot (or
 * mapping) a buffer holds, and those capacities are exact slot sizes, so the inherited expectations
 * apply unchanged. newUnpooledAllocator() is the suite's hook for an allocator variant without
 * pooling; netty-hakmem has none, so it is Netty's own, as the suite's Unpooled assertions require.
 */
@ResourceLock(value = WithoutLeakTracking.LEVEL, mode = ResourceAccessMode.READ)
class HakmemByteBufAllocatorTest extends AbstractByteBufAllocatorTest<AbstractByteBufAllocator> {
    @Override
    protected AbstractByteBufAllocator newAllocator(boolean preferDirect) {
        return HakmemByteBufAllocator.builder().preferDirect(preferDirect).build();
    }

    @Override
    protected AbstractByteBufAllocator newUnpooledAllocator() {
        return new UnpooledByteBufAllocator(false);
    }
}
