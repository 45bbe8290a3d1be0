package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DuplicatedByteBufTest;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Netty's contract suite for duplicated buffers (every test of AbstractByteBufTest and
 * DuplicatedByteBufTest's own) over retained duplicates of netty-hakmem's direct buffers, the buffer
 * released at once: HakmemDerivedByteBufs with a count of their own. Netty's suite duplicates an
 * unpooled heap buffer; ours a netty-hakmem one. A write that grows the duplicate grows the buffer,
 * through its holdingOldMemory.
 *
 * <p>Without leak tracking: the suite unwraps the view to reach its parent, and a leak-aware wrapper's
 * unwrap() is the view it wraps (as over Pooled's buffers).
 */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(value = WithoutLeakTracking.LEVEL, mode = ResourceAccessMode.READ_WRITE)
class HakmemRetainedDuplicateContractTest extends DuplicatedByteBufTest {
    @Override
    protected ByteBuf newBuffer(int capacity, int maxCapacity) {
        ByteBuf root = HakmemBigEndianDirectByteBufTest.ALLOC.directBuffer(capacity, maxCapacity);
        ByteBuf duplicate = root.retainedDuplicate();
        root.release();
        return duplicate;
    }
}
