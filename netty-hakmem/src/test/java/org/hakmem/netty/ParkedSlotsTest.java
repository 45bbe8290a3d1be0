package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.slab.SizeClasses;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parked slots (ThreadCache, ThreadHeap.park): a buffer released on its home thread keeps its slot
 * for the next allocation of its class, within the per-class limit, and every way a heap gives
 * memory away first takes its parked slots back.
 */
class ParkedSlotsTest {
    private static final int KIB = 1 << 10;

    private static HakmemByteBufAllocator fast() {
        return HakmemByteBufAllocator.builder().profile(Profile.FAST).build();
    }

    private static long parked(HakmemByteBufAllocator alloc) {
        return alloc.registry().parkedBytes();
    }

    private static List<ByteBuf> allocate(HakmemByteBufAllocator alloc, int size, int count) {
        List<ByteBuf> bufs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ByteBuf b = alloc.directBuffer(size);
            b.writeInt(i).writerIndex(size);
            bufs.add(b);
        }
        return bufs;
    }

    private static void release(List<ByteBuf> bufs) {
        for (ByteBuf b : bufs) {
            assertTrue(b.release());
        }
    }

    @Test
    void aReleasedBufferKeepsItsSlotForTheNextAllocationOfItsClassOnly() {
        HakmemByteBufAllocator alloc = fast();
        ByteBuf first = alloc.directBuffer(100);
        HakmemDirectByteBuf object = AllocatorBehaviourTest.unwrap(first);
        long address = first.memoryAddress();
        first.writeLong(0x1122334455667788L);
        first.release();
        assertEquals(112, parked(alloc), "one 112-byte slot parked");
        assertEquals(0, alloc.metric().usedDirectMemory(), "a parked slot is not used");

        ByteBuf otherClass = alloc.directBuffer(200);
        assertNotEquals(address, otherClass.memoryAddress(), "another class does not take it");
        ByteBuf again = alloc.directBuffer(97);
        assertSame(object, AllocatorBehaviourTest.unwrap(again), "the same object");
        assertEquals(address, again.memoryAddress(), "over the same slot");
        assertEquals(0, again.readerIndex());
        assertEquals(0, again.writerIndex());
        assertEquals(97, again.capacity());
        assertEquals(1, again.refCnt());
        assertEquals(0, parked(alloc));
        int otherSlot = SizeClasses.slotSize(SizeClasses.classOf(200));
        assertEquals(112 + otherSlot, alloc.metric().usedDirectMemory());
        again.release();
        otherClass.release();
        alloc.trim();
        assertEquals(0, alloc.metric().mappedBytes());
    }

    @Test
    void eachClassParksAtMostSixteenSlotsAndSixtyFourKibibytes() {
        HakmemByteBufAllocator alloc = fast();
        release(allocate(alloc, KIB, 40));
        assertEquals(16 * KIB, parked(alloc), "16 of the 40 1 KiB slots");
        release(allocate(alloc, 16 * KIB, 10));
        assertEquals(16 * KIB + 4 * 16 * KIB, parked(alloc), "4 of the 16 KiB slots: 64 KiB");
        release(allocate(alloc, 128 * KIB, 3));
        assertEquals(16 * KIB + 64 * KIB, parked(alloc), "slots over 64 KiB are never parked");
        assertEquals(0, alloc.metric().usedDirectMemory());

        List<ByteBuf> reused = allocate(alloc, KIB, 40);
        assertEquals(64 * KIB, parked(alloc), "the 1 KiB class took its parked slots back first");
        release(reused);
        alloc.trim();
        assertEquals(0, parked(alloc), "trim takes the parked slots back");
        assertEquals(0, alloc.metric().mappedBytes(), "and can then unmap everything");
    }

    @Test
    void aBufferReleasedOnAnotherThreadIsNotParked() throws Exception {
        HakmemByteBufAllocator alloc = fast();
        AtomicReference<ByteBuf> fromWorker = new AtomicReference<>();
        Thread worker = new Thread(() -> fromWorker.set(alloc.directBuffer(KIB)));
        worker.start();
        worker.join();
        ByteBuf b = fromWorker.get();
        b.release(); // on the main thread: a remote free, the object goes back to the worker's cache
        assertEquals(0, parked(alloc));
        assertEquals(0, alloc.metric().usedDirectMemory());
        alloc.trim();
        assertEquals(0, alloc.metric().mappedBytes(), "the dead worker's heap and the remote free are reaped");
    }

    @Test
    void aSlotTakenFromAnotherThreadsHeapIsNotParkedByTheBuffersHomeThread() throws Exception {
        HakmemByteBufAllocator alloc = fast();
        ByteBuf b = alloc.directBuffer(64);
        b.writeLong(42);
        Thread mover = new Thread(() -> b.capacity(4 * KIB)); // moves it to a slot of the mover's heap
        mover.start();
        mover.join();
        assertEquals(42, b.getLong(0));
        b.release(); // home thread, but the slot is the mover's: freed remotely, not parked here
        assertEquals(0, parked(alloc));
        assertEquals(0, alloc.metric().usedDirectMemory());
        alloc.trim();
        assertEquals(0, alloc.metric().usedDirectMemory());
        assertEquals(0, alloc.metric().mappedBytes());
    }

    @Test
    void aPlainThreadThatDiesLeavesNoParkedSlotBehind() throws Exception {
        HakmemByteBufAllocator alloc = fast();
        Thread worker = new Thread(() -> {
            release(allocate(alloc, KIB, 20));
            release(allocate(alloc, 8 * KIB, 20));
        });
        worker.start();
        worker.join();
        assertEquals(16 * KIB + 8 * 8 * KIB, parked(alloc), "parked while its heap is not reaped yet");
        alloc.reapDeadThreads();
        assertEquals(0, parked(alloc));
        assertEquals(0, alloc.metric().liveSpans(), "every span went back to the pool");
        alloc.trim();
        assertEquals(0, alloc.metric().mappedBytes());
    }

    @Test
    void aNettyThreadThatExitsGivesItsParkedSlotsBackItself() throws Exception {
        HakmemByteBufAllocator alloc = fast();
        AtomicReference<ByteBuf> parkedObject = new AtomicReference<>();
        Thread worker = new FastThreadLocalThread(() -> {
            ByteBuf b = alloc.directBuffer(KIB);
            parkedObject.set(b);
            b.release();
            release(allocate(alloc, 2 * KIB, 20));
        });
        worker.start();
        worker.join(); // FastThreadLocal removal on exit retires the heap on the worker itself
        assertEquals(0, parked(alloc));
        assertEquals(0, alloc.metric().liveSpans());
        ByteBuf here = alloc.directBuffer(KIB);
        assertNotSame(AllocatorBehaviourTest.unwrap(parkedObject.get()), AllocatorBehaviourTest.unwrap(here));
        here.release();
        alloc.trim();
        assertEquals(0, alloc.metric().mappedBytes());
    }

    @Test
    void leanFreesTheLastLiveSlotForRealAndGoesIdleWithNothingParked() {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(Profile.LEAN)
                .leanDecommit(DecommitMode.DONTNEED).build();
        List<ByteBuf> bufs = allocate(alloc, KIB, 20);
        ByteBuf last = bufs.remove(bufs.size() - 1);
        release(bufs);
        assertEquals(16 * KIB, parked(alloc), "released while another buffer lives: parked");
        last.release(); // the heap's last live slot: freed, and the heap gives its empty spans back
        assertEquals(0, parked(alloc));
        assertEquals(0, alloc.metric().liveSpans());
    }
}
