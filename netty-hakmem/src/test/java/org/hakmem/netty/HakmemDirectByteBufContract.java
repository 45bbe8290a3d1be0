package org.hakmem.netty;

import io.netty.buffer.AbstractByteBufTest;
import org.junit.jupiter.api.Test;

/**
 * Netty's ByteBuf contract suite as it applies to a pooling allocator's buffers, for the byte-order
 * variants below it: every inherited test, with testMaxFastWritableBytes replaced and
 * testEnsureWritableDoesntGrowTooMuch added, as in Netty's own pooled-buffer suites (SlotGrowthContract).
 */
abstract class HakmemDirectByteBufContract extends AbstractByteBufTest {
    /** The room left in the slot, not the default "fast writable == writable": see SlotGrowthContract. */
    @Override
    @Test
    public void testMaxFastWritableBytes() {
        SlotGrowthContract.assertMaxFastWritableBytes(newBuffer(150, 500));
    }

    /** Netty's pooled-buffer suites' test of the same name: see SlotGrowthContract. */
    @Test
    public void testEnsureWritableDoesntGrowTooMuch() {
        SlotGrowthContract.assertEnsureWritableGrowsToTheSlot(() -> newBuffer(150, 500));
    }
}
