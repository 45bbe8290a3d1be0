package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.SlicedByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.IllegalReferenceCountException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Netty's contract suites leave out: capacity moves across size classes and huge mappings, bulk
 * transfers across slot boundaries and between overlapping ranges of one buffer, NIO views after a
 * move, derived buffers and their reference counts over recycled objects, and heap arrays. Where the
 * question is "what should happen", the answer is what Netty's PooledByteBufAllocator does, checked
 * in the same test.
 */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(value = WithoutLeakTracking.LEVEL, mode = ResourceAccessMode.READ_WRITE)
class BufferEdgeCasesTest {
    private static final int MIB = 1 << 20;
    private static final HakmemByteBufAllocator HAKMEM = HakmemByteBufAllocator.builder().build();
    private static final PooledByteBufAllocator POOLED = new PooledByteBufAllocator(true);
    private static final List<ByteBufAllocator> BOTH = List.of(POOLED, HAKMEM);

    @AfterAll
    static void everythingWasReleased() {
        assertEquals(0, HAKMEM.metric().usedDirectMemory());
        assertEquals(0, HAKMEM.metric().usedHeapMemory());
    }

    private static byte pattern(int i) {
        return (byte) (i * 31 + 7);
    }

    private static byte[] patternBytes(int from, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = pattern(from + i);
        }
        return bytes;
    }

    private static ByteBuf patterned(ByteBuf b, int length) {
        return b.writeBytes(patternBytes(0, length));
    }

    private static void assertPatterned(ByteBuf b, int from, int length, int patternStart) {
        byte[] got = new byte[length];
        b.getBytes(from, got);
        assertArrayEquals(patternBytes(patternStart, length), got, "bytes " + from + " .. " + (from + length));
    }

    private static HakmemDirectByteBuf raw(ByteBuf b) {
        while (!(b instanceof HakmemDirectByteBuf)) {
            b = b.unwrap();
        }
        return (HakmemDirectByteBuf) b;
    }

    // ---- derived buffers and reference counts ----

    private static final List<Function<ByteBuf, ByteBuf>> RETAINED_DERIVED = List.of(
            ByteBuf::retainedSlice, b -> b.retainedSlice(1, 8), ByteBuf::retainedDuplicate, b -> b.readRetainedSlice(8));

    /**
     * A retained slice or duplicate holds a reference count of its own: releasing it once gives back the
     * one reference it took, after which it is inaccessible and a second release throws; the parent
     * keeps its own reference and its bytes.
     */
    @Test
    void retainedDerivedBuffersHaveTheirOwnReferenceCount() {
        for (ByteBufAllocator alloc : BOTH) {
            for (int k = 0; k < RETAINED_DERIVED.size(); k++) {
                String what = alloc.getClass().getSimpleName() + " derived #" + k;
                ByteBuf parent = patterned(alloc.directBuffer(64), 32);
                ByteBuf derived = RETAINED_DERIVED.get(k).apply(parent);
                assertEquals(1, derived.refCnt(), what);
                assertEquals(2, parent.refCnt(), what);
                derived.retain();
                assertEquals(2, derived.refCnt(), what);
                assertFalse(derived.release(), what);
                // Pooled: true (its own count reached 0). Here: true only if the parent went with it,
                // as Netty's leak wrapper expects (see HakmemDerivedByteBuf).
                assertEquals(alloc == POOLED, derived.release(), what);
                assertEquals(0, derived.refCnt(), what);
                assertThrows(IllegalReferenceCountException.class, () -> derived.getByte(0), what);
                assertThrows(IllegalReferenceCountException.class, derived::release, what);
                assertEquals(1, parent.refCnt(), what);
                assertPatterned(parent, 0, 32, 0);
                parent.release();
            }
        }
    }

    /**
     * A retained slice kept after it was released, and after its parent was released and the parent's
     * object went to its next owner, still throws and cannot release the next owner's buffer.
     */
    @Test
    void aStaleRetainedSliceNeitherReadsNorReleasesTheNextOwnersBuffer() {
        for (ByteBufAllocator alloc : BOTH) {
            String what = alloc.getClass().getSimpleName();
            // Keeps the span in use, so that the parent's release does not leave the thread idle
            // (FAST then gives its empty spans back, and the next buffer may come from another span,
            // with another object): the parent's slot, and its object, are handed out next.
            ByteBuf pin = alloc.directBuffer(64);
            ByteBuf parent = patterned(alloc.directBuffer(64), 64);
            ByteBuf slice = parent.retainedSlice(0, 8);
            slice.release();
            parent.release();
            ByteBuf next = alloc.directBuffer(64);
            next.writeLong(0x5555555555555555L);
            if (alloc == HAKMEM) {
                assertSame(raw(parent), raw(next), "the object was recycled");
            }
            assertThrows(IllegalReferenceCountException.class, () -> slice.getLong(0), what);
            assertThrows(IllegalReferenceCountException.class, slice::release, what);
            assertEquals(1, next.refCnt(), what);
            assertEquals(0x5555555555555555L, next.getLong(0), what);
            next.release();
            pin.release();
        }
    }

    /** The last release of a retained slice returns true once it takes the parent's memory with it. */
    @Test
    void aRetainedSliceReleasedLastReleasesItsParent() {
        long before = HAKMEM.metric().usedDirectMemory();
        ByteBuf parent = HAKMEM.directBuffer(64);
        long used = HAKMEM.metric().usedDirectMemory();
        ByteBuf slice = parent.retainedSlice(0, 8);
        ByteBuf sliceOfSlice = slice.retainedSlice(2, 4);
        ByteBuf dupOfSlice = slice.retainedDuplicate();
        assertEquals(3, slice.refCnt());
        assertEquals(2, parent.refCnt());
        assertEquals(8, dupOfSlice.capacity());
        parent.setByte(3, 42);
        assertEquals(42, sliceOfSlice.getByte(1));
        assertEquals(42, dupOfSlice.getByte(3));
        assertEquals(parent.memoryAddress() + 2, sliceOfSlice.memoryAddress());
        assertFalse(parent.release());
        assertFalse(sliceOfSlice.release());
        assertFalse(slice.release());
        assertEquals(used, HAKMEM.metric().usedDirectMemory());
        assertTrue(dupOfSlice.release(), "the last reference of all");
        assertEquals(0, parent.refCnt());
        assertEquals(0, slice.refCnt());
        assertEquals(before, HAKMEM.metric().usedDirectMemory());
    }

    /**
     * Under Netty's leak detector a retained slice of a tracked buffer is wrapped with the parent's leak
     * record, closed when the slice's release() returns true: released in either order, the record is
     * closed exactly once (a second close is an AssertionError in Netty under -ea).
     */
    @Test
    void retainedSlicesOfTrackedBuffersCloseTheParentsLeakRecordOnce() {
        io.netty.util.ResourceLeakDetector.Level saved = io.netty.util.ResourceLeakDetector.getLevel();
        io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.PARANOID);
        try {
            for (int order = 0; order < 2; order++) {
                ByteBuf parent = HAKMEM.directBuffer(64);
                assertFalse(parent instanceof HakmemDirectByteBuf, "tracked");
                ByteBuf slice = parent.retainedSlice(0, 8);
                ByteBuf dup = parent.retainedDuplicate();
                if (order == 0) {
                    assertFalse(slice.release());
                    assertFalse(dup.release());
                    assertTrue(parent.release());
                } else {
                    assertFalse(parent.release());
                    assertFalse(slice.release());
                    assertTrue(dup.release());
                }
                assertEquals(0, parent.refCnt());
            }
        } finally {
            io.netty.util.ResourceLeakDetector.setLevel(saved);
        }
    }

    /**
     * The same for plain views (slice, duplicate, readSlice), which Netty's leak detector wraps with the
     * parent's record too, and for retained views of them (a count of their own): a plain view shares
     * its parent's count, so its release() answers true only with the parent's last reference, and the
     * record is closed once whichever buffer drops that. A record closed early would be closed again
     * by the last release: an AssertionError under -ea, which the build turns on (checked first).
     */
    @Test
    void plainViewsOfTrackedBuffersCloseTheParentsLeakRecordOnce() {
        assertTrue(Unpooled.class.desiredAssertionStatus(), "Netty's assertions are on (-ea)");
        io.netty.util.ResourceLeakDetector.Level saved = io.netty.util.ResourceLeakDetector.getLevel();
        io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.PARANOID);
        List<Function<ByteBuf, ByteBuf>> plainViews = List.of(b -> b.slice(0, 8), ByteBuf::duplicate,
                b -> b.writerIndex(16).readSlice(8), b -> b.slice(0, 8).retainedSlice(), b -> b.duplicate().retainedDuplicate());
        try {
            for (int k = 0; k < plainViews.size(); k++) {
                for (boolean parentFirst : new boolean[] {true, false}) {
                    String what = "view #" + k + (parentFirst ? ", parent released first" : ", view released first");
                    ByteBuf parent = HAKMEM.directBuffer(64);
                    assertFalse(parent instanceof HakmemDirectByteBuf, "tracked");
                    ByteBuf view = plainViews.get(k).apply(parent);
                    if (parent.refCnt() == 1) {
                        parent.retain(); // a plain view took none: the reference its release() gives back
                    }
                    ByteBuf first = parentFirst ? parent : view;
                    ByteBuf last = parentFirst ? view : parent;
                    assertFalse(first.release(), what);
                    assertTrue(last.release(), what);
                    assertEquals(0, parent.refCnt(), what);
                }
            }
        } finally {
            io.netty.util.ResourceLeakDetector.setLevel(saved);
        }
    }

    /** A retained slice whose parent shrank under it throws instead of reaching another buffer's slot. */
    @Test
    void aRetainedSliceOfAShrunkParentStaysInsideTheParent() {
        ByteBuf parent = HAKMEM.directBuffer(1000);
        ByteBuf slice = parent.retainedSlice(900, 100);
        parent.capacity(16);
        ByteBuf neighbour = HAKMEM.directBuffer(16).writeZero(16);
        assertThrows(IndexOutOfBoundsException.class, () -> slice.getLong(50));
        assertThrows(IndexOutOfBoundsException.class, () -> slice.setLong(50, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> slice.setBytes(0, new byte[8]));
        assertEquals(0, neighbour.getLong(0) | neighbour.getLong(8));
        neighbour.release();
        slice.release();
        parent.release();
    }

    /**
     * The same through memoryAddress(), which Netty's ByteBufUtil writes at without a bounds check of
     * its own where it has Unsafe (setCharSequence/writeCharSequence of a String in UTF-8 or of an
     * AsciiString): a retained slice reaching past a parent that shrank gives no address, so those
     * writes throw instead of landing in another buffer's slot. A slice still inside the parent, and a
     * retained duplicate, keep theirs.
     */
    @Test
    void aRetainedSliceOfAShrunkParentGivesNoAddressOutsideTheParent() {
        ByteBuf parent = HAKMEM.directBuffer(1000);
        ByteBuf slice = parent.retainedSlice(900, 100);
        ByteBuf inside = parent.retainedSlice(4, 8);
        ByteBuf dup = parent.retainedDuplicate();
        assertEquals(parent.memoryAddress() + 900, slice.memoryAddress());
        parent.capacity(16);
        List<ByteBuf> neighbours = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            neighbours.add(HAKMEM.directBuffer(16).writeZero(16));
        }
        assertThrows(IndexOutOfBoundsException.class, slice::memoryAddress);
        assertThrows(IndexOutOfBoundsException.class,
                () -> slice.setCharSequence(0, "abcdefgh", java.nio.charset.StandardCharsets.UTF_8));
        assertThrows(IndexOutOfBoundsException.class,
                () -> slice.setCharSequence(0, new io.netty.util.AsciiString("abcdefgh"), java.nio.charset.StandardCharsets.US_ASCII));
        for (ByteBuf n : neighbours) {
            assertEquals(0, n.getLong(0) | n.getLong(8), "a neighbour's bytes");
            n.release();
        }
        assertEquals(parent.memoryAddress() + 4, inside.memoryAddress());
        assertEquals(parent.memoryAddress(), dup.memoryAddress());
        inside.setCharSequence(0, new io.netty.util.AsciiString("abcdefgh"), java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals("abcdefgh", parent.toString(4, 8, java.nio.charset.StandardCharsets.US_ASCII));
        inside.release();
        dup.release();
        slice.release();
        parent.release();
    }

    /**
     * A plain slice (slice(), slice(int, int), readSlice) of a parent that shrank to a smaller class:
     * every access throws IndexOutOfBoundsException, as a retained slice's does, and the buffers in the
     * slots after the parent's keep their bytes. Netty's own sliced buffer, which a plain slice was
     * before session 20, checked its reads against the parent but gave memoryAddress() unchecked, and
     * Netty writes and reads at that address where it has Unsafe (a Pooled buffer's copy into or out of
     * the slice, setCharSequence): the neighbours' bytes.
     */
    @Test
    void aPlainSliceOfAShrunkParentStaysInsideTheParent() {
        ByteBuf parent = HAKMEM.directBuffer(1000).writerIndex(1000);
        List<ByteBuf> slices = List.of(parent.slice(900, 100), parent.slice(900, 100).slice(),
                parent.skipBytes(900).readSlice(100));
        parent.capacity(16);
        List<ByteBuf> neighbours = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            neighbours.add(HAKMEM.directBuffer(16).writeBytes(patternBytes(16 * i, 16)));
        }
        ByteBuf pooled = patterned(POOLED.directBuffer(100), 100);
        List<String> reached = new java.util.ArrayList<>();
        for (ByteBuf slice : slices) {
            java.util.Map<String, Runnable> accesses = new java.util.LinkedHashMap<>();
            accesses.put("getByte", () -> slice.getByte(50));
            accesses.put("getBytes", () -> slice.getBytes(0, new byte[16]));
            accesses.put("memoryAddress", slice::memoryAddress);
            accesses.put("nioBuffer", () -> slice.nioBuffer(0, 16));
            accesses.put("setByte", () -> slice.setByte(50, 1));
            accesses.put("a Pooled buffer's getBytes into it", () -> pooled.getBytes(0, slice, 0, 16));
            accesses.put("a Pooled buffer's setBytes from it", () -> pooled.setBytes(0, slice, 0, 16));
            accesses.put("setCharSequence UTF-8", () -> slice.setCharSequence(0, "abcdefgh", StandardCharsets.UTF_8));
            accesses.put("setCharSequence AsciiString",
                    () -> slice.setCharSequence(0, new io.netty.util.AsciiString("abcdefgh"), StandardCharsets.US_ASCII));
            accesses.forEach((what, access) -> {
                try {
                    access.run();
                    reached.add(what + " of " + slice);
                } catch (IndexOutOfBoundsException expected) {
                    // as a retained slice of a shrunk parent
                }
            });
        }
        for (int i = 0; i < neighbours.size(); i++) {
            if (!java.util.Arrays.equals(patternBytes(16 * i, 16), ByteBufUtil.getBytes(neighbours.get(i)))) {
                reached.add("the bytes of neighbour " + i);
            }
            neighbours.get(i).release();
        }
        pooled.release();
        parent.release();
        assertEquals(List.of(), reached, "reached past the parent");
    }

    /**
     * A duplicate (plain or retained, of the buffer or of a duplicate) keeps its own indexes when its
     * parent shrinks, past the parent's new end. Netty's native transports write a buffer from its
     * address between its indexes with no check of their own (epoll's doWriteBytes: writeAddress(
     * memoryAddress(), readerIndex(), writerIndex()); IovArray.add): here done with JNA's Pointer, as
     * native code would. Such a duplicate gives no address, so the write throws instead of sending the
     * bytes of whichever buffers hold the next slots; once its indexes are back inside, it does.
     */
    @Test
    void aDuplicateOfAShrunkParentGivesNoAddressForIndexesPastIt() {
        ByteBuf parent = HAKMEM.directBuffer(1000).writerIndex(1000);
        ByteBuf retained = parent.retainedDuplicate();
        List<ByteBuf> dups = List.of(parent.duplicate(), parent.duplicate().duplicate(), retained, retained.duplicate());
        parent.capacity(16);
        List<String> reached = new java.util.ArrayList<>();
        for (ByteBuf dup : dups) {
            try {
                byte[] sent = new com.sun.jna.Pointer(dup.memoryAddress()).getByteArray(dup.readerIndex(), 64);
                reached.add("a native write of " + dup + " over a parent of capacity " + parent.capacity() + ", "
                        + (sent.length - parent.capacity()) + " bytes past it");
            } catch (IndexOutOfBoundsException expected) {
                // as a slice reaching past a shrunk parent
            }
        }
        assertEquals(List.of(), reached, "reached past the parent");
        for (ByteBuf dup : dups) {
            assertEquals(parent.memoryAddress(), dup.setIndex(0, 16).memoryAddress());
        }
        retained.release();
        parent.release();
    }

    /**
     * Distinct retained views of one parent (slices, duplicates, views of views) and the parent itself,
     * released at once from as many threads: exactly one release() answers true and the memory goes
     * exactly once (usedDirectMemory back where it started).
     */
    @Test
    void retainedViewsReleasedConcurrentlyFreeTheirParentOnce() throws Exception {
        long before = HAKMEM.metric().usedDirectMemory();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(7);
        try {
            for (int iter = 0; iter < 500; iter++) {
                ByteBuf parent = HAKMEM.directBuffer(iter % 3 == 0 ? 5000 : 64).writeZero(64);
                ByteBuf s = parent.retainedSlice(0, 32);
                ByteBuf d = parent.retainedDuplicate();
                List<ByteBuf> all = List.of(parent, s, d, s.retainedSlice(1, 8), s.retainedDuplicate(),
                        d.retainedSlice(3, 3), parent.readRetainedSlice(16));
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(all.size());
                List<java.util.concurrent.Future<Boolean>> released = new java.util.ArrayList<>();
                for (ByteBuf b : all) {
                    released.add(pool.submit(() -> {
                        start.await();
                        b.getByte(0);
                        return b.release();
                    }));
                }
                int trues = 0;
                for (java.util.concurrent.Future<Boolean> f : released) {
                    trues += f.get() ? 1 : 0;
                }
                assertEquals(1, trues, "iteration " + iter);
                assertEquals(0, parent.refCnt());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(before, HAKMEM.metric().usedDirectMemory());
    }

    /** Plain (unretained) derived buffers share the parent's count, as Netty's pooled buffers' do. */
    @Test
    void plainDerivedBuffersShareTheParentsCount() {
        for (ByteBufAllocator alloc : BOTH) {
            ByteBuf parent = patterned(alloc.directBuffer(64), 64);
            ByteBuf slice = parent.slice(8, 8);
            ByteBuf dup = parent.duplicate();
            assertEquals(1, slice.refCnt());
            slice.retain();
            assertEquals(2, parent.refCnt());
            dup.release();
            assertEquals(1, parent.refCnt());
            assertPatterned(slice, 0, 8, 8);
            parent.release();
            assertThrows(IllegalReferenceCountException.class, () -> slice.getByte(0));
            assertThrows(IllegalReferenceCountException.class, () -> dup.getByte(0));
        }
    }

    /**
     * A retained slice or duplicate taken from a plain slice or duplicate of a retained view has a count
     * of its own, as with Pooled: released, it throws, and a second release cannot release the view it
     * came from. (Netty's own sliced buffer over ours made it share the retained view's count.)
     */
    @Test
    void retainedViewsOfPlainViewsOfRetainedViewsHaveTheirOwnCount() {
        List<Function<ByteBuf, ByteBuf>> plain = List.of(b -> b.slice(2, 4), ByteBuf::duplicate);
        List<Function<ByteBuf, ByteBuf>> retained = List.of(b -> b.retainedSlice(1, 8), ByteBuf::retainedDuplicate);
        List<Function<ByteBuf, ByteBuf>> innerRetained = List.of(b -> b.retainedSlice(1, 2), ByteBuf::retainedDuplicate);
        for (ByteBufAllocator alloc : BOTH) {
            for (Function<ByteBuf, ByteBuf> outer : retained) {
                for (Function<ByteBuf, ByteBuf> middle : plain) {
                    for (Function<ByteBuf, ByteBuf> inner : innerRetained) {
                        String what = alloc.getClass().getSimpleName() + " " + retained.indexOf(outer) + "/"
                                + plain.indexOf(middle) + "/" + innerRetained.indexOf(inner);
                        ByteBuf parent = patterned(alloc.directBuffer(64), 64);
                        ByteBuf view = outer.apply(parent);
                        ByteBuf innermost = inner.apply(middle.apply(view));
                        assertEquals(1, innermost.refCnt(), what);
                        assertEquals(2, view.refCnt(), what);
                        innermost.release();
                        assertThrows(IllegalReferenceCountException.class, () -> innermost.getByte(0), what);
                        assertThrows(IllegalReferenceCountException.class, innermost::release, what);
                        assertEquals(1, view.refCnt(), what);
                        assertEquals(pattern(1), view.getByte(view.capacity() == 8 ? 0 : 1), what); // still readable
                        view.release();
                        assertEquals(1, parent.refCnt(), what);
                        parent.release();
                    }
                }
            }
        }
    }

    /**
     * A duplicate, retained or not, of a retained slice is a slice of the whole with the slice's indexes,
     * as with Pooled and Netty's sliced buffers: its marks are at 0 (a duplicate of a whole buffer marks
     * the indexes it was taken at).
     */
    @Test
    void duplicatesOfRetainedSlicesMarkTheirStart() {
        for (ByteBufAllocator alloc : BOTH) {
            ByteBuf parent = alloc.directBuffer(64).writerIndex(64);
            ByteBuf slice = parent.retainedSlice(8, 16).setIndex(2, 12);
            ByteBuf retainedDup = slice.retainedDuplicate();
            for (ByteBuf dup : new ByteBuf[] {retainedDup, slice.duplicate()}) {
                String what = alloc.getClass().getSimpleName() + " " + dup.getClass().getSimpleName();
                assertEquals(2, dup.readerIndex(), what);
                assertEquals(12, dup.writerIndex(), what);
                dup.resetReaderIndex().resetWriterIndex();
                assertEquals(0, dup.readerIndex(), what);
                assertEquals(0, dup.writerIndex(), what);
            }
            ByteBuf wholeDup = parent.setIndex(3, 40).retainedDuplicate().setIndex(0, 64).resetReaderIndex().resetWriterIndex();
            assertEquals(3, wholeDup.readerIndex());
            assertEquals(40, wholeDup.writerIndex());
            wholeDup.release();
            retainedDup.release();
            slice.release();
            parent.release();
        }
    }

    /**
     * A slice of a retained slice with a negative length is an IndexOutOfBoundsException, as with
     * Pooled's; of a retained duplicate, IllegalArgumentException, as with Pooled's (and as
     * root.slice(0, -1) with either allocator).
     */
    @Test
    void slicesOfRetainedViewsRefuseABadLengthAsPooledDoes() {
        for (ByteBufAllocator alloc : BOTH) {
            String what = alloc.getClass().getSimpleName();
            ByteBuf parent = alloc.directBuffer(64);
            ByteBuf slice = parent.retainedSlice(0, 8);
            ByteBuf dup = parent.retainedDuplicate();
            assertThrows(IndexOutOfBoundsException.class, () -> slice.slice(0, -1), what);
            assertThrows(IndexOutOfBoundsException.class, () -> slice.slice(4, 8), what);
            assertThrows(IllegalArgumentException.class, () -> dup.slice(0, -1), what);
            assertThrows(IndexOutOfBoundsException.class, () -> dup.slice(60, 8), what);
            assertThrows(IllegalArgumentException.class, () -> parent.slice(0, -1), what);
            slice.release();
            dup.release();
            parent.release();
        }
    }

    /**
     * Decoding a released retained view, or a plain view of one, throws IllegalReferenceCountException,
     * also with a bad length. Netty's ByteBufUtil.decodeString takes a temporary array of the length
     * before anything checks the buffer: outside a FastThreadLocalThread that was a
     * NegativeArraySizeException (JDK 25; IllegalArgumentException on JDK 17), and for US-ASCII the
     * range check came first (IndexOutOfBoundsException). Pooled's released derived buffers answer
     * IllegalReferenceCountException or the same exceptions as ours did, depending on whether their
     * recycled object still knows its parent; DifferentialBufferPropertyTest hit the first case (JDK 25,
     * seed -2577262199612946654).
     */
    @Test
    void releasedRetainedViewsRefuseToDecode() {
        ByteBuf parent = HAKMEM.directBuffer(64);
        ByteBuf slice = parent.retainedSlice(0, 8);
        ByteBuf dup = parent.retainedDuplicate();
        ByteBuf plain = dup.duplicate();
        slice.release();
        dup.release();
        for (ByteBuf view : List.of(slice, dup, plain)) {
            for (Charset cs : List.of(StandardCharsets.UTF_8, StandardCharsets.US_ASCII)) {
                for (int length : new int[] {Integer.MIN_VALUE, -1, 4}) {
                    String what = view + " " + cs + " " + length;
                    assertThrows(IllegalReferenceCountException.class, () -> view.getCharSequence(0, length, cs), what);
                    assertThrows(IllegalReferenceCountException.class, () -> view.toString(0, length, cs), what);
                }
            }
        }
        parent.release();
    }

    /**
     * A released plain slice decodes as Netty's sliced buffer does: the range first (IndexOutOfBounds
     * Exception, a negative length too), an empty range as "" without a look at the count (as every
     * buffer of Netty's), anything else IllegalReferenceCountException. Found by
     * DifferentialBufferPropertyTest (JDK 25, seed -2286373572978974973) once plain slices of a buffer
     * were ours: they checked the count first and refused the empty range.
     */
    @Test
    void aReleasedPlainSliceDecodesAsNettysSlicedBufferDoes() {
        for (ByteBufAllocator alloc : BOTH) {
            ByteBuf parent = alloc.directBuffer(64);
            ByteBuf retained = parent.retainedSlice(0, 16);
            List<ByteBuf> slices = List.of(parent.slice(0, 8), retained.slice(0, 8));
            retained.release();
            parent.release();
            for (ByteBuf slice : slices) {
                String what = slice.toString();
                assertEquals("", slice.getCharSequence(0, 0, StandardCharsets.UTF_16).toString(), what);
                assertEquals("", slice.getCharSequence(8, 0, StandardCharsets.UTF_8).toString(), what);
                assertThrows(IndexOutOfBoundsException.class, () -> slice.getCharSequence(9, 0, StandardCharsets.UTF_8), what);
                assertThrows(IndexOutOfBoundsException.class, () -> slice.getCharSequence(0, -1, StandardCharsets.UTF_8), what);
                assertThrows(IndexOutOfBoundsException.class, () -> slice.getCharSequence(4, 8, StandardCharsets.UTF_8), what);
                assertThrows(IllegalReferenceCountException.class, () -> slice.getCharSequence(0, 4, StandardCharsets.UTF_8), what);
            }
        }
    }

    // ---- capacity moves ----

    /**
     * capacity(int) across size classes, to and from huge mappings and between huge sizes: the bytes up
     * to min(old, new) stay, indexes are clamped as Netty's are, and every view (internalNioBuffer,
     * nioBuffer, memoryAddress) points at the new memory afterwards.
     */
    @Test
    void capacityMovesKeepBytesClampIndexesAndRefreshViews() {
        int[] steps = {100, 5000, 64, 3 * MIB, 2 * MIB, 100, 5 * MIB + 3, 8 * MIB, MIB, MIB + 1, 17};
        ByteBuf pooled = POOLED.directBuffer(steps[0], 16 * MIB);
        ByteBuf b = HAKMEM.directBuffer(steps[0], 16 * MIB);
        patterned(pooled, steps[0]);
        patterned(b, steps[0]);
        int valid = steps[0];
        for (int i = 1; i < steps.length; i++) {
            int cap = steps[i];
            String what = "step " + i + " to " + cap;
            b.setIndex(Math.min(valid, 40), valid);
            pooled.setIndex(Math.min(valid, 40), valid);
            b.internalNioBuffer(0, b.capacity()); // cache a view of the old memory
            long oldAddress = b.memoryAddress();
            boolean moves = !HAKMEM.fitsInPlace(cap, rawSlab(b), rawHuge(b));
            b.capacity(cap);
            pooled.capacity(cap);
            assertEquals(cap, b.capacity(), what);
            assertEquals(pooled.readerIndex(), b.readerIndex(), what);
            assertEquals(pooled.writerIndex(), b.writerIndex(), what);
            valid = Math.min(valid, cap);
            assertPatterned(b, 0, valid, 0);
            if (moves) {
                assertNotEquals(oldAddress, b.memoryAddress(), what);
            }
            // Fill the rest through the cached view: it must write this buffer's new memory.
            ByteBuffer view = b.internalNioBuffer(valid, cap - valid);
            assertEquals(cap - valid, view.remaining(), what);
            view.put(patternBytes(valid, cap - valid));
            pooled.setBytes(valid, patternBytes(valid, cap - valid));
            valid = cap;
            assertPatterned(b, 0, cap, 0);
            ByteBuffer nio = b.nioBuffer(0, cap);
            assertEquals(pattern(cap - 1), nio.get(cap - 1), what);
            assertTrue(ByteBuffer.wrap(io.netty.buffer.ByteBufUtil.getBytes(pooled, 0, cap)).equals(b.nioBuffer(0, cap)), what);
        }
        b.release();
        pooled.release();
    }

    private static org.hakmem.netty.slab.Slab rawSlab(ByteBuf b) {
        return raw(b).span();
    }

    private static org.hakmem.netty.slab.HugeBlock rawHuge(ByteBuf b) {
        return fieldOf(raw(b), "huge");
    }

    @SuppressWarnings("unchecked")
    private static <T> T fieldOf(Object o, String name) {
        try {
            java.lang.reflect.Field f = o.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return (T) f.get(o);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Derived buffers taken before a move see the moved bytes (they go through the parent). */
    @Test
    void derivedBuffersFollowACapacityMove() {
        ByteBuf b = patterned(HAKMEM.directBuffer(100, 4 * MIB), 100);
        ByteBuf dup = b.duplicate();
        ByteBuf slice = b.slice(10, 20);
        ByteBuf retained = b.retainedSlice(10, 20);
        b.capacity(2 * MIB);
        b.setByte(15, 99);
        assertEquals(99, dup.getByte(15));
        assertEquals(99, slice.getByte(5));
        assertEquals(99, retained.getByte(5));
        assertEquals(b.memoryAddress() + 10, slice.memoryAddress());
        assertEquals(b.memoryAddress() + 10, retained.memoryAddress());
        assertEquals(2 * MIB, dup.capacity());
        retained.release();
        b.release();
    }

    // ---- bulk transfers ----

    /** Overlapping copies within one buffer, both ways, with both allocators: a memmove. */
    @Test
    void overlappingCopiesWithinOneBufferAreMemmoves() {
        int[][] cases = {{0, 7, 300}, {7, 0, 300}, {0, 1, 5000}, {1, 0, 5000}, {100, 100, 50}};
        for (int[] c : cases) {
            byte[] expected = null;
            for (ByteBufAllocator alloc : BOTH) {
                for (int way = 0; way < 2; way++) {
                    ByteBuf b = patterned(alloc.directBuffer(6000), 6000);
                    if (way == 0) {
                        b.setBytes(c[1], b, c[0], c[2]);
                    } else {
                        b.getBytes(c[0], b, c[1], c[2]);
                    }
                    byte[] got = io.netty.buffer.ByteBufUtil.getBytes(b);
                    if (expected == null) {
                        expected = got;
                    }
                    assertArrayEquals(expected, got, alloc.getClass().getSimpleName() + " way " + way);
                    b.release();
                }
            }
        }
    }

    /** Transfers with other buffers: another hakmem buffer, heap, composite, read-only, NIO heap and direct. */
    @Test
    void transfersWithEveryKindOfPeer() {
        int n = 3000;
        ByteBuf b = patterned(HAKMEM.directBuffer(n), n);
        ByteBuf other = HAKMEM.directBuffer(n);
        b.getBytes(0, other, 0, n);
        other.writerIndex(n);
        assertPatterned(other, 0, n, 0);
        ByteBuf heap = HAKMEM.heapBuffer(n);
        b.getBytes(5, heap, 0, n - 5);
        assertPatterned(heap, 0, n - 5, 5);
        CompositeByteBuf composite = Unpooled.compositeBuffer();
        composite.addComponent(true, Unpooled.buffer(1000).writeZero(1000));
        composite.addComponent(true, Unpooled.directBuffer(2000).writeZero(2000));
        b.getBytes(0, composite, 0, n);
        assertPatterned(composite, 0, n, 0);
        ByteBuf target = HAKMEM.directBuffer(n);
        target.setBytes(0, composite, 0, n);
        assertPatterned(target, 0, n, 0);
        target.setZero(0, n).setBytes(0, composite.nioBuffer(0, n).asReadOnlyBuffer());
        assertPatterned(target, 0, n, 0);
        target.setZero(0, n).setBytes(0, Unpooled.unmodifiableBuffer(other), 0, n);
        assertPatterned(target, 0, n, 0);
        ByteBuffer nioHeap = ByteBuffer.allocate(n + 10).position(10);
        b.getBytes(0, nioHeap);
        assertEquals(n + 10, nioHeap.position());
        target.setZero(0, n).setBytes(0, nioHeap.position(10).slice());
        assertPatterned(target, 0, n, 0);
        assertThrows(ReadOnlyBufferException.class, () -> b.getBytes(0, ByteBuffer.allocate(10).asReadOnlyBuffer()));
        assertThrows(ReadOnlyBufferException.class, () -> b.getBytes(0, Unpooled.buffer(10).asReadOnly(), 0, 10));
        for (ByteBuf x : new ByteBuf[] {b, other, heap, composite, target}) {
            x.release();
        }
    }

    /**
     * A wrapper of one of our buffers at the same indices (Netty's leak-aware, unreleasable and read-only
     * wrappers) is copied to and from as the buffer it wraps, without a view; a read-only one still refuses
     * to be written, and a wrapper at other indices (Netty's own slice of ours) gets the bytes at its own.
     */
    @Test
    @SuppressWarnings("deprecation")
    void wrappersOfOurBuffersAreCopiedThroughAtTheirOwnIndices() {
        int n = 3000;
        ByteBuf b = patterned(HAKMEM.directBuffer(n), n);
        ByteBuf target = HAKMEM.directBuffer(n).writerIndex(n);
        b.getBytes(0, Unpooled.unreleasableBuffer(target), 0, n);
        assertPatterned(target, 0, n, 0);
        target.setZero(0, n).setBytes(0, Unpooled.unreleasableBuffer(b), 0, n);
        assertPatterned(target, 0, n, 0);
        target.setZero(0, n).setBytes(0, b.asReadOnly(), 0, n);
        assertPatterned(target, 0, n, 0);
        target.setZero(0, n);
        ByteBuf readOnly = target.asReadOnly();
        assertThrows(ReadOnlyBufferException.class, () -> b.getBytes(0, readOnly, 0, n));
        assertEquals(0, target.getByte(0));
        b.getBytes(7, new SlicedByteBuf(target, 100, 200), 0, 200);
        assertPatterned(target, 100, 200, 7);
        assertEquals(0, target.getByte(99));
        assertEquals(0, target.getByte(300));
        target.setZero(0, n).setBytes(0, new SlicedByteBuf(b, 50, 100), 0, 100);
        assertPatterned(target, 0, 100, 50);
        b.release();
        target.release();
    }

    /**
     * A wrapped slice of ours whose parent shrank under it gives no memoryAddress (it reaches past the
     * parent's end), but a copy of a range still inside the parent works as through the bare slice; a
     * range past the parent's end throws IndexOutOfBoundsException either way.
     */
    @Test
    void aWrappedSliceOfAShrunkParentCopiesTheRangeStillInside() {
        ByteBuf parent = patterned(HAKMEM.directBuffer(64), 64);
        ByteBuf slice = parent.retainedSlice(0, 64);
        parent.capacity(16);
        ByteBuf wrapped = Unpooled.unreleasableBuffer(slice);
        assertThrows(IndexOutOfBoundsException.class, wrapped::memoryAddress);
        ByteBuf target = HAKMEM.directBuffer(64).writerIndex(64);
        target.setBytes(0, wrapped, 4, 8);
        assertPatterned(target, 0, 8, 4);
        wrapped.getBytes(2, target, 20, 8);
        assertPatterned(target, 20, 8, 2);
        assertThrows(IndexOutOfBoundsException.class, () -> target.setBytes(0, wrapped, 10, 8));
        assertThrows(IndexOutOfBoundsException.class, () -> wrapped.getBytes(10, target, 0, 8));
        slice.release();
        parent.release();
        target.release();
    }

    /** Streams and channels, with lengths that cross slot and chunk boundaries. */
    @Test
    void streamsAndChannelsAcrossBoundaries(@TempDir Path dir) throws IOException {
        for (int n : new int[] {0, 1, 8191, 8192, 8193, 70_000, MIB, MIB + 5}) {
            ByteBuf b = patterned(HAKMEM.directBuffer(n), n);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            b.getBytes(0, out, n);
            assertEquals(n, out.size());
            ByteBuf back = HAKMEM.directBuffer(n);
            // (an empty ByteArrayInputStream answers -1, even to a read of 0 bytes)
            assertEquals(n == 0 ? -1 : n, back.setBytes(0, new ByteArrayInputStream(out.toByteArray()), n));
            assertPatterned(back, 0, n, 0);

            MemoryChannel gathering = new MemoryChannel(new byte[0], 5000);
            ByteArrayOutputStream gathered = gathering.sink;
            int written = 0;
            while (written < n) {
                written += b.getBytes(written, gathering, n - written);
            }
            assertArrayEquals(out.toByteArray(), gathered.toByteArray());
            back.setZero(0, n);
            int read = 0;
            MemoryChannel in = new MemoryChannel(gathered.toByteArray(), 5000);
            while (read < n) {
                read += back.setBytes(read, in, n - read);
            }
            assertPatterned(back, 0, n, 0);

            Path file = dir.resolve("f" + n);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                assertEquals(n, b.getBytes(0, ch, 100, n));
                assertEquals(0, ch.position(), "positional write");
                back.setZero(0, n);
                int got = 0;
                while (got < n) {
                    got += back.setBytes(got, ch, 100 + got, n - got);
                }
                assertEquals(0, ch.position(), "positional read");
                assertPatterned(back, 0, n, 0);
                if (n > 0) {
                    assertEquals(-1, back.setBytes(0, ch, 100 + n, 1), "end of file");
                }
                b.readerIndex(0);
                assertEquals(n, b.readBytes(ch, 100 + n, n));
                assertEquals(n, b.readerIndex());
            }
            b.release();
            back.release();
        }
    }

    // ---- views and properties ----

    @Test
    void propertiesMatchNettysPooledDirectBuffers() {
        for (int cap : new int[] {0, 16, MIB, 2 * MIB}) {
            ByteBuf p = POOLED.directBuffer(cap);
            ByteBuf h = HAKMEM.directBuffer(cap);
            assertEquals(p.isDirect(), h.isDirect());
            assertEquals(p.hasArray(), h.hasArray());
            assertEquals(p.isContiguous(), h.isContiguous());
            assertEquals(p.nioBufferCount(), h.nioBufferCount());
            assertEquals(p.order(), h.order());
            assertEquals(p.isReadOnly(), h.isReadOnly());
            assertSame(HAKMEM, h.alloc());
            assertNull(raw(h).unwrap());
            assertThrows(UnsupportedOperationException.class, h::array);
            assertThrows(UnsupportedOperationException.class, h::arrayOffset);
            assertEquals(1, h.nioBuffers(0, cap).length);
            assertEquals(cap, h.nioBuffers(0, cap)[0].remaining());
            assertEquals(java.nio.ByteOrder.BIG_ENDIAN, h.nioBuffer().order());
            assertEquals(java.nio.ByteOrder.BIG_ENDIAN, h.internalNioBuffer(0, cap).order());
            p.release();
            h.release();
        }
    }

    // ---- heap buffers ----

    /** usedHeapMemory through capacity moves; an array handed to a new buffer is no longer the old one's. */
    @Test
    void heapBuffersCountTheirArraysThroughMovesAndNeverShareOne() {
        long before = HAKMEM.metric().usedHeapMemory();
        ByteBuf a = patterned(HAKMEM.heapBuffer(1000, 10_000), 1000);
        a.capacity(4000);
        assertEquals(before + 4000, HAKMEM.metric().usedHeapMemory());
        assertPatterned(a, 0, 1000, 0);
        ByteBuf b = HAKMEM.heapBuffer(1000); // may take a's old array
        assertEquals(before + 5000, HAKMEM.metric().usedHeapMemory());
        b.setZero(0, 1000);
        assertPatterned(a, 0, 1000, 0);
        assertTrue(a.array() != b.array());
        ByteBuf slice = a.retainedSlice(0, 10);
        a.release();
        slice.release();
        ByteBuf c = HAKMEM.heapBuffer(4000);
        assertThrows(IllegalReferenceCountException.class, () -> a.getByte(0));
        c.release();
        b.release();
        assertEquals(before, HAKMEM.metric().usedHeapMemory());
    }
}
