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
 * by inheritance only works if the padding leaves no hole; with long fields it did not, and a
 * counter the owner writes on every allocation landed on the cache line remote releasers read
 * (BENCHMARKS.md, session 7). Offsets come from sun.misc.Unsafe.objectFieldOffset, which is what
 * the JVM reports; nothing is written through it.
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

    /** Offsets of the instance fields declared by {@code declaring}, excluding padding fields. */
    private static List<Long> offsets(Class<?> declaring, boolean includePadding) {
        List<Long> offsets = new ArrayList<>();
        for (Field f : declaring.getDeclaredFields()) {
            boolean padding = f.getName().matches("[pq]\\d{3}");
            if (!Modifier.isStatic(f.getModifiers()) && (includePadding || !padding)) {
                offsets.add(UNSAFE.objectFieldOffset(f));
            }
        }
        return offsets;
    }

    private static Class<?> cls(String name) throws ClassNotFoundException {
        return Class.forName(name);
    }

    /** Every owner field lies a cache line or more past every read-mostly field. */
    private static void assertSplit(String readMostly, String owner) throws Exception {
        long lastShared = offsets(cls(readMostly), false).stream().mapToLong(Long::longValue).max().orElseThrow();
        long firstOwned = offsets(cls(owner), false).stream().mapToLong(Long::longValue).min().orElseThrow();
        assertThat(firstOwned - lastShared).as(owner + " fields after " + readMostly + "'s").isGreaterThanOrEqualTo(LINE);
    }

    /** The hot fields have a cache line of padding before them (from the object's start) and after. */
    private static void assertPaddedBothSides(String hotFields, String after) throws Exception {
        List<Long> hot = offsets(cls(hotFields), false);
        long first = hot.stream().mapToLong(Long::longValue).min().orElseThrow();
        long last = hot.stream().mapToLong(Long::longValue).max().orElseThrow();
        long end = offsets(cls(after), true).stream().mapToLong(Long::longValue).max().orElseThrow();
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
