package org.hakmem.netty.slab;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A released span's next[] array goes to the next span of its class (SuperslabPool.keepNextArray), as
 * it is: span churn makes no array garbage, and whatever the last span left in the array, the new one
 * hands out every slot once.
 */
class NextArrayReuseTest extends FastPoolFixture {
    private static final int CLASS_16 = 0;          // 4096 slots: an 8 KiB array
    private static final int CLASS_1K = SizeClasses.classOf(1024);

    @Test
    void aReleasedSpansArrayGoesToTheNextSpanOfItsClassOnly() {
        Slab keeper = pool.acquireSpan(CLASS_1K, OWNER);
        Slab first = pool.acquireSpan(CLASS_16, OWNER);
        pool.releaseSpan(first);
        Slab other = pool.acquireSpan(CLASS_1K, OWNER);
        assertNotSame(first.next, other.next, "another class cut after the release gets an array of its own");
        Slab again = pool.acquireSpan(CLASS_16, OWNER);
        assertSame(first.next, again.next, "the class's next span takes the released span's array");
        pool.releaseSpan(again);
        pool.releaseSpan(other);
        pool.releaseSpan(keeper);
    }

    /**
     * A span released twice would keep its array twice, and two later spans would share one free
     * list: the second release is refused, loudly, and keeps nothing.
     */
    @Test
    void aSpanReleasedTwiceIsRefusedAndItsArrayKeptOnce() {
        Slab keeper = pool.acquireSpan(CLASS_1K, OWNER);
        Slab span = pool.acquireSpan(CLASS_16, OWNER);
        pool.releaseSpan(span);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.releaseSpan(span));
        assertTrue(e.getMessage().contains("released twice"), e.getMessage());
        Slab first = pool.acquireSpan(CLASS_16, OWNER);
        Slab second = pool.acquireSpan(CLASS_16, OWNER);
        assertSame(span.next, first.next);
        assertNotSame(first.next, second.next, "the refused release kept no second copy");
        pool.releaseSpan(first);
        pool.releaseSpan(second);
        pool.releaseSpan(keeper);
    }

    @Test
    void atMostFourArraysAreKeptPerClass() {
        List<Slab> spans = new ArrayList<>();
        for (int i = 0; i < SuperslabPool.NEXT_ARRAYS_KEPT + 2; i++) {
            spans.add(pool.acquireSpan(CLASS_16, OWNER));
        }
        List<short[]> released = new ArrayList<>();
        for (Slab s : spans) {
            released.add(s.next);
            pool.releaseSpan(s);
        }
        int reused = 0;
        for (int i = 0; i < spans.size(); i++) {
            Slab s = pool.acquireSpan(CLASS_16, OWNER);
            if (released.stream().anyMatch(a -> a == s.next)) {
                reused++;
            }
            spans.set(i, s);
        }
        assertEquals(SuperslabPool.NEXT_ARRAYS_KEPT, reused);
        spans.forEach(pool::releaseSpan);
    }

    /**
     * An array is kept once per span, and only when the span is released: an orphan still holds slots,
     * so it keeps its array until a reap releases it, and one release serves one later span. An array
     * kept twice, or kept from a span still in use, would put two live spans on one free list.
     */
    @Test
    void anArrayIsKeptOnceAndOnlyOnceItsSpanIsReleased() {
        Slab keeper = pool.acquireSpan(CLASS_1K, OWNER);
        Slab orphan = pool.acquireSpan(CLASS_16, OWNER);
        int held = orphan.pop();
        pool.addOrphan(orphan); // its thread died holding a slot
        Slab beside = pool.acquireSpan(CLASS_16, OWNER);
        assertNotSame(orphan.next, beside.next, "a span cut beside a live orphan gets an array of its own");
        pool.releaseSpan(beside);
        Slab first = pool.acquireSpan(CLASS_16, OWNER);
        Slab second = pool.acquireSpan(CLASS_16, OWNER);
        assertSame(beside.next, first.next);
        assertNotSame(first.next, second.next, "one release gives its array to one span");
        orphan.pushRemote(held); // another thread releases the orphan's last buffer
        assertEquals(1, pool.reapOrphans());
        Slab afterReap = pool.acquireSpan(CLASS_16, OWNER);
        assertSame(orphan.next, afterReap.next, "the reaped orphan's array goes to the next span");
        for (Slab s : List.of(first, second, afterReap, keeper)) {
            pool.releaseSpan(s);
        }
    }

    /**
     * A span over an array a busy span left (its free lists through every entry, local and remote)
     * hands out each of its slots exactly once, bump first, then its own free list.
     */
    @Test
    void aSpanOverAUsedArrayHandsOutEverySlotOnce() throws Exception {
        Slab keeper = pool.acquireSpan(CLASS_1K, OWNER);
        Slab busy = pool.acquireSpan(CLASS_16, OWNER);
        List<Integer> slots = popAll(busy);
        Collections.shuffle(slots, new Random(7));
        List<Integer> remote = slots.subList(0, slots.size() / 2);
        Thread freer = new Thread(() -> remote.forEach(busy::pushRemote));
        freer.start();
        freer.join();
        slots.subList(slots.size() / 2, slots.size()).forEach(busy::pushLocal);
        assertEquals(remote.size(), busy.collectRemote());
        assertEquals(0, busy.used);
        popAll(busy).forEach(busy::pushLocal); // once more through the free list the frees built
        pool.releaseSpan(busy);

        Slab fresh = pool.acquireSpan(CLASS_16, OWNER);
        assertSame(busy.next, fresh.next);
        List<Integer> handedOut = popAll(fresh);
        assertEquals(fresh.slotCount, handedOut.size());
        BitSet seen = new BitSet();
        handedOut.forEach(seen::set);
        assertEquals(fresh.slotCount, seen.cardinality(), "every slot once");
        Collections.shuffle(handedOut, new Random(11));
        List<Integer> freed = handedOut.subList(0, 100);
        freed.forEach(fresh::pushLocal);
        BitSet again = new BitSet();
        popAll(fresh).forEach(again::set);
        BitSet expected = new BitSet();
        freed.forEach(expected::set);
        assertEquals(expected, again, "the free list gives back exactly the freed slots");
        handedOut.forEach(fresh::pushLocal);
        assertTrue(fresh.used == 0, fresh::toString);
        pool.releaseSpan(fresh);
        pool.releaseSpan(keeper);
    }

    private static List<Integer> popAll(Slab s) {
        List<Integer> slots = new ArrayList<>();
        for (int slot = s.pop(); slot >= 0; slot = s.pop()) {
            slots.add(slot);
        }
        return slots;
    }
}
