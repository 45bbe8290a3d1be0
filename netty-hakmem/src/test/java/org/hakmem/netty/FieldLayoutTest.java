package org.hakmem.netty;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The padding against false sharing holds in the layout the running JVM actually chose. HotSpot
 * (JDK 15 and later) may put a subclass's fields into holes of its superclass's layout, so padding
 * by inheritance only works if no hole is left that a later field fits in. One was: the hot fields of
 * PaddedReference and RemoteFrees sat at offset 12, before their padding. And a field added to a
 * read-mostly part can open a hole that the owner's per-allocation counter then takes, on the line
 * remote releasers read (BENCHMARKS.md, session 7). Offsets come from
 * sun.misc.Unsafe.objectFieldOffset, which is what the JVM reports; nothing is written through it.
 */
class FieldLayoutTest {
    private static final int LINE = 64;

    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Where the instance fields a class declares lie: the first one's offset, the last one's
     * offset, and the first byte past them all.
     */
    private record Extent(long firstStart, long lastStart, long end) {
    }

    private static Extent extent(String className) throws ClassNotFoundException {
        long first = Long.MAX_VALUE;
        long last = -1;
        long end = 0;
        for (Field f : Class.forName(className).getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                long offset = UNSAFE.objectFieldOffset(f);
                first = Math.min(first, offset);
                last = Math.max(last, offset);
                end = Math.max(end, offset + size(f.getType()));
            }
        }
        if (last < 0) {
            throw new AssertionError(className + " declares no instance field");
        }
        return new Extent(first, last, end);
    }

    private static long size(Class<?> t) {
        if (t == long.class || t == double.class) {
            return 8;
        }
        if (t == int.class || t == float.class) {
            return 4;
        }
        if (t == short.class || t == char.class) {
            return 2;
        }
        if (t == byte.class || t == boolean.class) {
            return 1;
        }
        return sun.misc.Unsafe.ARRAY_OBJECT_INDEX_SCALE; // a reference
    }

    /** Every owner field lies a cache line or more past every read-mostly field. */
    private static void assertSplit(String readMostly, String owner) throws Exception {
        long lastShared = extent(readMostly).lastStart();
        long firstOwned = extent(owner).firstStart();
        assertThat(firstOwned - lastShared).as(owner + " fields after " + readMostly + "'s")
                .isGreaterThanOrEqualTo(LINE);
    }

    /**
     * The hot fields start a cache line or more into the object (so the preceding object's fields
     * are on other lines), and the object ends a cache line or more after the last one starts.
     */
    private static void assertPaddedBothSides(String hotFields, String after) throws Exception {
        Extent hot = extent(hotFields);
        long end = extent(after).end();
        assertThat(hot.firstStart()).as(hotFields + ": padding before").isGreaterThanOrEqualTo(LINE);
        assertThat(end - hot.lastStart()).as(hotFields + ": padding after").isGreaterThanOrEqualTo(LINE);
    }

    @Test
    void ownerFieldsOfSpansHeapsAndCachesSitOffTheLinesOtherThreadsRead() throws Exception {
        assertSplit("org.hakmem.netty.slab.SlabIdentity", "org.hakmem.netty.slab.Slab");
        assertSplit("org.hakmem.netty.heap.ThreadHeapIdentity", "org.hakmem.netty.heap.ThreadHeap");
    }

    @Test
    void fieldsOtherThreadsWriteHaveCacheLinesOfTheirOwn() throws Exception {
        assertPaddedBothSides("org.hakmem.netty.slab.RemoteFreesFields", "org.hakmem.netty.slab.RemoteFrees");
        assertPaddedBothSides("org.hakmem.netty.util.PaddedReferenceValue",
                "org.hakmem.netty.util.PaddedReference");
    }
}
