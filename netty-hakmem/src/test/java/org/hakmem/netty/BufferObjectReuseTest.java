package org.hakmem.netty;

import com.sun.jna.Pointer;
import io.netty.buffer.ByteBuf;
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
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A recycled buffer object keeps what it held last (its superslab's memory and span table) and stores
 * them again only when the new slot is in another superslab, and it finds its span from its offset
 * instead of keeping it (HakmemDirectByteBuf's banner). These tests move recycled objects between
 * superslabs and between slots and huge mappings, and check each buffer against what it must see: its
 * span holds its address, the ByteBuffer path reads the bytes native code reads at memoryAddress(),
 * and releasing everything gives every slot back to the span it came from. The local stack of
 * objects (ThreadCache) is linked by ids; its cap and its reuse of ids are checked too.
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
    void recycledObjectsFollowTheirSlotsAcrossSuperslabsAndHugeMappings() {
        Random rnd = new Random(20261203L);
        List<ByteBuf> live = new ArrayList<>();
        Set<ByteBuffer> superslabsSeen = Collections.newSetFromMap(new IdentityHashMap<>());
        int moves = 0;
        for (int step = 0; step < 4000; step++) {
            if (live.size() < 24 || (live.size() < 96 && rnd.nextBoolean())) {
                ByteBuf b = alloc.directBuffer(size(rnd));
                HakmemDirectByteBuf raw = (HakmemDirectByteBuf) b;
                Slab before = lastSpan.get(raw);
                fill(b, step);
                check(b, step);
                Slab span = raw.span();
                if (span != null) {
                    superslabsSeen.add(span.memory); // each superslab has a memory of its own
                    if (before != null && before.memory != span.memory) {
                        moves++;
                    }
                }
                lastSpan.put(raw, span);
                patterns.put(raw, step);
                live.add(b);
            } else {
                ByteBuf b = live.remove(rnd.nextInt(live.size()));
                check(b, patterns.get((HakmemDirectByteBuf) b));
                b.release();
            }
        }
        for (ByteBuf b : live) {
            check(b, patterns.get((HakmemDirectByteBuf) b));
            b.release();
        }
        assertTrue(superslabsSeen.size() >= 3, "superslabs used: " + superslabsSeen.size());
        assertTrue(moves > 100, "recycled objects that changed superslab: " + moves);
        assertEquals(0, alloc.metric().usedDirectMemory(), "bytes still counted live after every release");
        alloc.trim();
        assertEquals(0, alloc.metric().liveSpans(), "spans left after every release and a trim");
    }

    private final IdentityHashMap<HakmemDirectByteBuf, Slab> lastSpan = new IdentityHashMap<>();
    private final IdentityHashMap<HakmemDirectByteBuf, Integer> patterns = new IdentityHashMap<>();

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
     * The buffer's span holds its address, and three readers agree on the pattern: the primitive path,
     * the ByteBuffer path (memory at offset) and native code at memoryAddress().
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
    void theLocalStackKeepsAtMostItsCapAndMakesNewObjectsPastIt() {
        int n = ThreadCache.MAX_CACHED_BUFFERS + 500;
        List<ByteBuf> first = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            first.add(alloc.directBuffer(64));
        }
        ThreadCache cache = ((HakmemDirectByteBuf) first.get(0)).home;
        assertEquals(0, cache.cachedBuffers());
        Set<HakmemDirectByteBuf> firstObjects = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ByteBuf b : first) {
            firstObjects.add((HakmemDirectByteBuf) b);
            b.release();
        }
        assertEquals(ThreadCache.MAX_CACHED_BUFFERS, cache.cachedBuffers(), "objects kept on the local stack");

        // Taken again: the kept objects first (each once), then new ones, which take the dropped ids.
        Set<HakmemDirectByteBuf> second = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Integer> ids = new java.util.HashSet<>();
        List<ByteBuf> again = new ArrayList<>(n);
        int reused = 0;
        for (int i = 0; i < n; i++) {
            ByteBuf b = alloc.directBuffer(64);
            HakmemDirectByteBuf raw = (HakmemDirectByteBuf) b;
            assertTrue(second.add(raw), "one object handed out twice: " + raw.id);
            assertTrue(ids.add(raw.id), "two live objects with id " + raw.id);
            reused += firstObjects.contains(raw) ? 1 : 0;
            b.setLong(56, i);
            again.add(b);
        }
        assertEquals(ThreadCache.MAX_CACHED_BUFFERS, reused, "objects reused from the local stack");
        assertEquals(n, ids.size());
        assertTrue(ids.stream().allMatch(id -> id < n), "ids past the number ever live at once: " + ids.stream().max(Integer::compare));
        for (int i = 0; i < n; i++) {
            assertEquals(i, again.get(i).getLong(56));
            again.get(i).release();
        }
    }

    @Test
    void objectsReleasedOnAnotherThreadComeBackThroughTheReturnStack() throws Exception {
        List<ByteBuf> bufs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            bufs.add(alloc.directBuffer(128));
        }
        Set<HakmemDirectByteBuf> made = Collections.newSetFromMap(new IdentityHashMap<>());
        bufs.forEach(b -> made.add((HakmemDirectByteBuf) b));
        ThreadCache cache = ((HakmemDirectByteBuf) bufs.get(0)).home;
        Thread other = new Thread(() -> bufs.forEach(ByteBuf::release));
        other.start();
        other.join();
        assertEquals(0, cache.cachedBuffers(), "remote releases went on the local stack");

        Set<HakmemDirectByteBuf> taken = Collections.newSetFromMap(new IdentityHashMap<>());
        List<ByteBuf> again = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ByteBuf b = alloc.directBuffer(128);
            assertTrue(taken.add((HakmemDirectByteBuf) b), "one object handed out twice");
            again.add(b);
        }
        assertEquals(made, taken, "the objects released elsewhere are the ones handed out again");
        again.forEach(ByteBuf::release);
    }
}
