package org.hakmem.netty;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

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

    /** Offsets of the instance fields declared by {@code declaring}. */
    private static List<Long> offsets(Class<?> declaring) {
        List<Long> offsets = new ArrayList<>();
        for (Field f : declaring.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                offsets.add(UNSAFE.objectFieldOffset(f));
            }
        }
        return offsets;
    }

    /** The first byte past the instance fields declared by {@code declaring}. */
    private static long end(Class<?> declaring) {
        long end = 0;
        for (Field f : declaring.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                Class<?> t = f.getType();
                long size = t == long.class || t == double.class ? 8 : t == int.class || t == float.class ? 4
                        : t == short.class || t == char.class ? 2 : t == byte.class || t == boolean.class ? 1
                        : sun.misc.Unsafe.ARRAY_OBJECT_INDEX_SCALE;
                end = Math.max(end, UNSAFE.objectFieldOffset(f) + size);
            }
        }
        return end;
    }

    private static Class<?> cls(String name) throws ClassNotFoundException {
        return Class.forName(name);
    }

    /** Every owner field lies a cache line or more past every read-mostly field. */
    private static void assertSplit(String readMostly, String owner) throws Exception {
        long lastShared = offsets(cls(readMostly)).stream().mapToLong(Long::longValue).max().orElseThrow();
        long firstOwned = offsets(cls(owner)).stream().mapToLong(Long::longValue).min().orElseThrow();
        assertThat(firstOwned - lastShared).as(owner + " fields after " + readMostly + "'s").isGreaterThanOrEqualTo(LINE);
    }

    /**
     * The hot fields start a cache line or more into the object (so the preceding object's fields
     * are on other lines), and the object ends a cache line or more after the last one starts.
     */
    private static void assertPaddedBothSides(String hotFields, String after) throws Exception {
        List<Long> hot = offsets(cls(hotFields));
        long first = hot.stream().mapToLong(Long::longValue).min().orElseThrow();
        long last = hot.stream().mapToLong(Long::longValue).max().orElseThrow();
        long end = end(cls(after));
        assertThat(first).as(hotFields + ": padding before").isGreaterThanOrEqualTo(LINE);
        assertThat(end - last).as(hotFields + ": padding after").isGreaterThanOrEqualTo(LINE);
    }

    @Test
    void ownerFieldsOfSpansHeapsAndCachesSitOffTheLinesOtherThreadsRead() throws Exception {
        assertSplit("org.hakmem.netty.slab.SlabIdentity", "org.hakmem.netty.slab.Slab");
        assertSplit("org.hakmem.netty.heap.ThreadHeapIdentity", "org.hakmem.netty.heap.ThreadHeap");
        assertSplit("org.hakmem.netty.ThreadCacheIdentity", "org.hakmem.netty.ThreadCache");
    }

    @Test
    void fieldsOtherThreadsWriteHaveCacheLinesOfTheirOwn() throws Exception {
        assertPaddedBothSides("org.hakmem.netty.slab.RemoteFreesFields", "org.hakmem.netty.slab.RemoteFrees");
        assertPaddedBothSides("org.hakmem.netty.util.PaddedReferenceValue", "org.hakmem.netty.util.PaddedReference");
    }
}
