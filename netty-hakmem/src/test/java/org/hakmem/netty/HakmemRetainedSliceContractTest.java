package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.SlicedByteBufTest;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Netty's contract suite for sliced buffers (every test of AbstractByteBufTest and SlicedByteBufTest's
 * own) over retained slices of netty-hakmem's direct buffers, the buffer released at once:
 * HakmemDerivedByteBufs with a count of their own. Netty's suite makes the slice of an unpooled heap
 * buffer twice its length; ours is of a netty-hakmem buffer of that size instead.
 *
 * <p>Without leak tracking: the suite unwraps the view to reach its parent, and a leak-aware wrapper's
 * unwrap() is the view it wraps (as over Pooled's buffers).
 */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(value = WithoutLeakTracking.LEVEL, mode = ResourceAccessMode.READ_WRITE)
class HakmemRetainedSliceContractTest extends SlicedByteBufTest {
    @Override
    protected ByteBuf newSlice(ByteBuf buffer, int offset, int length) {
        ByteBuf root = HakmemBigEndianDirectByteBufTest.ALLOC.directBuffer(buffer.capacity());
        ByteBuf slice = root.retainedSlice(offset, length);
        root.release();
        assertEquals(1, slice.refCnt());
        return slice;
    }
}
