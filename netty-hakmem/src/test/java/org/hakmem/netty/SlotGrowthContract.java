package org.hakmem.netty;

import io.netty.buffer.ByteBuf;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the contract suites check of maxFastWritableBytes() in place of AbstractByteBufTest's own
 * testMaxFastWritableBytes. That test asserts the default implementation ("fast writable ==
 * writable"), which only a buffer that cannot grow without moving has; Netty's own pooled buffers
 * return what their memory allows, and Netty's pooled-buffer suites replace the test for that
 * reason. So do ours, with the same figures and more: the value is the room left in the slot, within
 * maxCapacity, and writing that much keeps the bytes where they are; one byte more moves them. Those
 * suites add testEnsureWritableDoesntGrowTooMuch, which ours run too (assertEnsureWritableGrowsToTheSlot),
 * with both ensureWritable methods: AbstractByteBuf works out the new capacity in each on its own.
 */
final class SlotGrowthContract {
    private SlotGrowthContract() {
    }

    /** {@code buffer}: a new buffer of capacity 150 and maxCapacity 500, as the inherited test makes. */
    static void assertMaxFastWritableBytes(ByteBuf buffer) {
        buffer.writerIndex(100);
        assertEquals(50, buffer.writableBytes());
        assertEquals(150, buffer.capacity());
        assertEquals(500, buffer.maxCapacity());
        assertEquals(400, buffer.maxWritableBytes());

        int slot = AllocatorBehaviourTest.unwrap(buffer).slotCapacity();
        assertTrue(slot >= 150, "slot " + slot);
        int remainingInSlot = Math.min(slot - 100, 400);
        assertEquals(remainingInSlot, buffer.maxFastWritableBytes());

        long address = buffer.memoryAddress();
        buffer.writeBytes(new byte[remainingInSlot]);
        assertEquals(address, buffer.memoryAddress(), "writing the fast-writable bytes stays in the slot");
        assertEquals(0, buffer.maxFastWritableBytes());
        buffer.writeByte(7);
        assertNotEquals(address, buffer.memoryAddress(), "one byte more moves to a larger slot");

        buffer.capacity(500);
        assertEquals(500 - buffer.writerIndex(), buffer.maxFastWritableBytes(), "never past maxCapacity");
        buffer.release();
    }

    /**
     * As Netty's testEnsureWritableDoesntGrowTooMuch: ensureWritable of the room left in the slot grows
     * the buffer to exactly the end of the slot, in place; and so does ensureWritable(int, boolean),
     * with or without force, answering 2 (grown).
     *
     * @param newBuffer makes a new buffer of capacity 150 and maxCapacity 500, as the inherited tests do
     */
    static void assertEnsureWritableGrowsToTheSlot(Supplier<ByteBuf> newBuffer) {
        ByteBuf buffer = newBuffer.get().writerIndex(100);
        assertEquals(50, buffer.writableBytes());
        int fastWritable = buffer.maxFastWritableBytes();
        assertTrue(fastWritable > 50, "fast writable " + fastWritable);
        long address = buffer.memoryAddress();
        buffer.ensureWritable(fastWritable);
        assertEquals(address, buffer.memoryAddress(), "ensureWritable(int): in place");
        assertEquals(100 + fastWritable, buffer.capacity(), "grown exactly to the end of the slot");
        assertEquals(buffer.writableBytes(), buffer.maxFastWritableBytes());
        buffer.release();

        for (boolean force : new boolean[] {false, true}) {
            buffer = newBuffer.get().writerIndex(100);
            fastWritable = buffer.maxFastWritableBytes();
            address = buffer.memoryAddress();
            assertEquals(2, buffer.ensureWritable(fastWritable, force), "grown, force " + force);
            assertEquals(address, buffer.memoryAddress(), "ensureWritable(int, " + force + "): in place");
            assertEquals(100 + fastWritable, buffer.capacity(), "force " + force);
            buffer.release();
        }
    }
}
