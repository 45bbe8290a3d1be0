package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.SlicedByteBufTest;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;


/**
 * Netty's contract suite for sliced buffers (every test of AbstractByteBufTest and SlicedByteBufTest's
 * own) over plain slices (slice(int, int)) of netty-hakmem's direct buffers: HakmemDerivedByteBufs
 * sharing the buffer's count. Netty's suite makes the slice of an unpooled heap buffer twice its
 * length; ours is of a netty-hakmem buffer of that size instead.
 *
 * <p>Without leak tracking: the suite unwraps the view to reach its parent, and a leak-aware wrapper's
 * unwrap() is the view it wraps (as over Pooled's buffers).
 */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(value = WithoutLeakTracking.LEVEL, mode = ResourceAccessMode.READ_WRITE)
class HakmemPlainSliceContractTest extends SlicedByteBufTest {
    @Override
    protected ByteBuf newSlice(ByteBuf buffer, int offset, int length) {
        return HakmemBigEndianDirectByteBufTest.ALLOC.directBuffer(buffer.capacity()).slice(offset, length);
    }
}
