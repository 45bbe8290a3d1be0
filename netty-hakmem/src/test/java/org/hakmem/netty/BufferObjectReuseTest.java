package org.hakmem.netty;

import com.sun.jna.Pointer;
import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import org.hakmem.netty.slab.Slab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Buffer objects are bound to their slots (HakmemDirectByteBuf's banner): a span keeps each slot's
 * object, an allocation takes the object of the slot it pops, a move swaps objects between the slots
 * it takes and leaves, a watched buffer leaves the array while it is out, and a released span's array
 * goes to the class's next span with its objects. These tests drive all of that and check each live
 * buffer against what it must see: its span holds its address and has it at its slot, the primitive
 * path, the ByteBuffer path and native code at memoryAddress() read its own pattern, and no object is
 * out twice.
 */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(WithoutLeakTracking.LEVEL)
class BufferObjectReuseTest {
    private final HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();

    @AfterEach
    void trim() {
        alloc.trim();
    }

    @Test
    void objectsStayWithTheirSlotsThroughMovesHugeMappingsAndSpanChurn() {
        Random rnd = new Random(20261203L);
        List<ByteBuf> live = new ArrayList<>();
        Map<HakmemDirectByteBuf, Integer> patterns = new IdentityHashMap<>();
        Map<HakmemDirectByteBuf, Slab> lastSpan = new IdentityHashMap<>();
        int reused = 0;
        int reboundToAnotherSpan = 0;
        int moves = 0;
        for (int step = 0; step < 6000; step++) {
            int op = rnd.nextInt(10);
            if (live.size() < 24 || (op < 4 && live.size() < 96)) {
                ByteBuf b = alloc.directBuffer(size(rnd));
                HakmemDirectByteBuf raw = (HakmemDirectByteBuf) b;
                assertNull(patterns.put(raw, step), "an object handed out while it is out already");
                if (lastSpan.containsKey(raw)) {
                    reused++;
                    Slab before = lastSpan.get(raw);
                    if (before != null && raw.span() != null && before != raw.span()) {
                        reboundToAnotherSpan++;
                    }
                }
                lastSpan.put(raw, raw.span());
                fill(b, step);
                live.add(b);
            } else if (op < 8) {
                ByteBuf b = live.remove(rnd.nextInt(live.size()));
                check(b, patterns.remove((HakmemDirectByteBuf) b));
                b.release();
            } else if (op < 9) {
                ByteBuf b = live.get(rnd.nextInt(live.size()));
                HakmemDirectByteBuf raw = (HakmemDirectByteBuf) b;
                int seed = patterns.get(raw);
                Slab from = raw.span();
                b.capacity(size(rnd));
                moves += raw.span() != from ? 1 : 0;
                fill(b, seed); // the kept prefix already holds it; the rest is new
            } else {
                alloc.trim(); // empty spans go back; their arrays (and objects) go to the next spans
            }
            if (step % 200 == 0) {
                for (ByteBuf b : live) {
                    check(b, patterns.get((HakmemDirectByteBuf) b));
                }
            }
        }
        for (ByteBuf b : live) {
            check(b, patterns.get((HakmemDirectByteBuf) b));
            b.release();
        }
        assertTrue(reused > 1000, "allocations that got an object used before: " + reused);
        assertTrue(reboundToAnotherSpan > 10, "objects handed out again on another span: " + reboundToAnotherSpan);
        assertTrue(moves > 300, "moves to another span or a huge mapping: " + moves);
        assertEquals(0, alloc.metric().usedDirectMemory(), "bytes still counted live after every release");
        alloc.trim();
        assertEquals(0, alloc.metric().liveSpans(), "spans left after every release and a trim");
    }

    /** Small and mid slots, whole-span slots of up to 1 MiB, and huge mappings just past it. */
    private static int size(Random rnd) {
        switch (rnd.nextInt(4)) {
            case 0:
                return 16 + rnd.nextInt(1009);
            case 1:
                return 4096 + rnd.nextInt(60 << 10);
            case 2:
                return (256 << 10) + rnd.nextInt(768 << 10);
            default:
                return (1 << 20) + 1 + rnd.nextInt(1 << 20);
        }
    }

    private static byte pattern(int seed, int i) {
        return (byte) (seed * 31 + i * 7);
    }

    /** Writes the pattern at both ends and every 4 KiB, through the buffer's own primitive path. */
    private static void fill(ByteBuf b, int seed) {
        for (int i : probes(b.capacity())) {
            b.setByte(i, pattern(seed, i));
        }
    }

    /**
     * The buffer's span holds its address and has it at its slot, and three readers agree on the
     * pattern: the primitive path, the ByteBuffer path (memory at offset) and native code at
     * memoryAddress().
     */
    private static void check(ByteBuf b, int seed) {
        HakmemDirectByteBuf raw = (HakmemDirectByteBuf) b;
        long address = b.memoryAddress();
        Slab span = raw.span();
        if (b.capacity() <= (1 << 20)) {
            assertNotNull(span, "a slot buffer with no span: " + b);
            assertTrue(address >= span.baseAddress
                            && address + b.capacity() <= span.baseAddress + (long) span.slotCount * span.slotSize,
                    "buffer at " + Long.toHexString(address) + " outside its span " + span);
            assertSame(raw, span.buffers[slotOf(raw)], "a live buffer not at its slot in its span's array");
        } else {
            assertNull(span, "a huge buffer with a span: " + b);
        }
        ByteBuffer nio = b.nioBuffer(0, b.capacity());
        Pointer native_ = new Pointer(address);
        for (int i : probes(b.capacity())) {
            byte want = pattern(seed, i);
            assertEquals(want, b.getByte(i), "getByte(" + i + ") of " + b);
            assertEquals(want, nio.get(i), "nioBuffer().get(" + i + ") of " + b);
            assertEquals(want, native_.getByte(i), "native read at memoryAddress() + " + i + " of " + b);
        }
    }

    private static int slotOf(HakmemDirectByteBuf live) {
        Slab span = live.span();
        return (int) ((live.memoryAddress() - span.baseAddress) / span.slotSize);
    }

    private static int[] probes(int capacity) {
        int n = (capacity - 1) / 4096 + 2;
        int[] at = new int[n];
        for (int k = 0; k < n - 1; k++) {
            at[k] = k * 4096;
        }
        at[n - 1] = capacity - 1;
        return at;
    }

    @Test
    void aReleasedSlotHandsOutTheSameObjectAtTheSameAddress() {
        Map<HakmemDirectByteBuf, Long> addresses = new IdentityHashMap<>();
        List<ByteBuf> first = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ByteBuf b = alloc.directBuffer(128);
            addresses.put((HakmemDirectByteBuf) b, b.memoryAddress());
            first.add(b);
        }
        Collections.shuffle(first, new Random(7));
        first.forEach(ByteBuf::release);

        Map<HakmemDirectByteBuf, Long> again = new IdentityHashMap<>();
        List<ByteBuf> second = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ByteBuf b = alloc.directBuffer(128 - i % 8); // the same class (128 B)
            assertNull(again.put((HakmemDirectByteBuf) b, b.memoryAddress()), "one object handed out twice");
            b.setLong(0, i);
            second.add(b);
        }
        long atTheirSlots = again.entrySet().stream().filter(e -> e.getValue().equals(addresses.get(e.getKey()))).count();
        assertEquals(300, atTheirSlots, "objects back with the slot they had");
        for (int i = 0; i < 300; i++) {
            assertEquals(i, second.get(i).getLong(0));
            second.get(i).release();
        }
    }

    /**
     * Slots freed on another thread wait on the span's remote list until the owner runs out of local
     * ones; the owner then takes them with their objects. So the owner allocates until it has had them.
     */
    @Test
    void objectsReleasedOnAnotherThreadComeBackWithTheirSlots() throws Exception {
        List<ByteBuf> bufs = new ArrayList<>();
        Map<HakmemDirectByteBuf, Long> addresses = new IdentityHashMap<>();
        for (int i = 0; i < 300; i++) {
            ByteBuf b = alloc.directBuffer(128);
            addresses.put((HakmemDirectByteBuf) b, b.memoryAddress());
            bufs.add(b);
        }
        Thread other = new Thread(() -> bufs.forEach(ByteBuf::release));
        other.start();
        other.join();

        Map<HakmemDirectByteBuf, Long> taken = new IdentityHashMap<>();
        List<ByteBuf> again = new ArrayList<>();
        int backAtTheirSlots = 0;
        for (int i = 0; i < 4000 && backAtTheirSlots < 300; i++) {
            ByteBuf b = alloc.directBuffer(128);
            HakmemDirectByteBuf raw = (HakmemDirectByteBuf) b;
            assertNull(taken.put(raw, b.memoryAddress()), "one object handed out twice");
            Long was = addresses.get(raw);
            if (was != null) {
                assertEquals((long) was, b.memoryAddress(), "an object released elsewhere came back on another slot");
                backAtTheirSlots++;
            }
            again.add(b);
        }
        assertEquals(300, backAtTheirSlots, "objects released elsewhere and handed out again");
        again.forEach(ByteBuf::release);
    }

    @Test
    void aMoveSwapsObjectsBetweenTheSlotItTakesAndTheSlotItLeaves() {
        ByteBuf a = alloc.directBuffer(64);
        a.writeLong(0x1122334455667788L);
        long aWasAt = a.memoryAddress();
        ByteBuf c = alloc.directBuffer(4096);
        long cWasAt = c.memoryAddress();
        c.release(); // its slot is the 4 KiB class's next

        a.capacity(4096);
        HakmemDirectByteBuf raw = (HakmemDirectByteBuf) a;
        assertEquals(cWasAt, a.memoryAddress(), "the move took the 4 KiB class's last freed slot");
        assertSame(raw, raw.span().buffers[slotOf(raw)], "the moved buffer is its new slot's object");
        assertEquals(0x1122334455667788L, a.getLong(0));

        ByteBuf next64 = alloc.directBuffer(64);
        assertSame(c, next64, "the slot a left holds the object a displaced");
        assertEquals(aWasAt, next64.memoryAddress(), "bound to the slot a left");
        next64.setLong(0, -1L);
        assertEquals(0x1122334455667788L, a.getLong(0), "writing the displaced object left a alone");

        a.capacity(2 << 20); // to a huge mapping: the 4 KiB slot keeps no object
        assertNull(((HakmemDirectByteBuf) a).span());
        ByteBuf next4k = alloc.directBuffer(4096);
        assertEquals(cWasAt, next4k.memoryAddress());
        assertNotSame(a, next4k, "a huge buffer handed out again for the slot it left");
        assertNotSame(c, next4k);
        assertEquals(0x1122334455667788L, a.getLong(0));

        a.capacity(64); // back to a slot: a takes the 64 B class's freed slot's place
        assertSame(a, ((HakmemDirectByteBuf) a).span().buffers[slotOf((HakmemDirectByteBuf) a)]);
        assertEquals(0x1122334455667788L, a.getLong(0));
        next64.release();
        next4k.release();
        a.release();
        assertEquals(0, alloc.metric().usedDirectMemory());
    }

    @Test
    void aBufferTheLeakDetectorWatchesLeavesItsSpansArrayUntilReleased() {
        ResourceLeakDetector.Level saved = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try {
            ByteBuf watched = alloc.directBuffer(256);
            HakmemDirectByteBuf raw = AllocatorBehaviourTest.unwrap(watched);
            assertNotSame(raw, watched, "PARANOID wraps every buffer");
            Slab span = raw.span();
            int slot = slotOf(raw);
            assertNull(span.buffers[slot], "the span's array keeps a watched buffer reachable");

            watched.capacity(2000); // a watched buffer's move keeps it out of the new slot's array too
            assertNull(raw.span().buffers[slotOf(raw)], "a watched buffer put in its new slot's array");
            assertNull(span.buffers[slot], "the slot it left got an object out of nowhere");
            Slab nowIn = raw.span();
            int nowAt = slotOf(raw);

            watched.release();
            assertSame(raw, nowIn.buffers[nowAt], "released, the object goes back to its slot");
            ByteBuf again = alloc.directBuffer(2000);
            assertSame(raw, AllocatorBehaviourTest.unwrap(again), "and comes out with it");
            again.release();
        } finally {
            ResourceLeakDetector.setLevel(saved);
        }
        assertEquals(0, alloc.metric().usedDirectMemory());
    }
}
