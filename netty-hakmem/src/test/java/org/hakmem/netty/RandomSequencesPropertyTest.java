package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random allocate / write / resize / release sequences across every size class and huge sizes. Every
 * live buffer carries its own fill pattern, re-checked on every resize and before release; at the end
 * the allocator holds no live bytes.
 */
class RandomSequencesPropertyTest {
    private static final WithoutLeakTracking LEAK_TRACKING = new WithoutLeakTracking();

    // jqwik does not run Jupiter extensions; its container hooks apply the same one (see its docs).
    @BeforeContainer
    static void disableLeakTracking() {
        LEAK_TRACKING.beforeAll(null);
    }

    @AfterContainer
    static void restoreLeakTracking() {
        LEAK_TRACKING.afterAll(null);
    }

    private static final HakmemByteBufAllocator ALLOC = HakmemByteBufAllocator.builder().build();

    record Op(int kind, int size, int target) {
    }

    @Provide
    Arbitrary<List<Op>> sequences() {
        Arbitrary<Integer> size = Arbitraries.frequencyOf(
                Tuple.of(40, Arbitraries.integers().between(0, 128)),
                Tuple.of(30, Arbitraries.integers().between(0, 4096)),
                Tuple.of(20, Arbitraries.integers().between(4097, 70_000)),
                Tuple.of(8, Arbitraries.integers().between(70_001, 1 << 20)),
                Tuple.of(2, Arbitraries.integers().between((1 << 20) + 1, 3 << 20)));
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 9), size,
                Arbitraries.integers().between(0, 1000)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 150)
    void liveBuffersKeepTheirBytesAndNeverOverlap(@ForAll("sequences") List<Op> ops) {
        long usedBefore = ALLOC.metric().usedDirectMemory();
        List<ByteBuf> live = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        long nextSeed = 1;
        for (Op op : ops) {
            if (op.kind() < 5 || live.isEmpty()) {
                ByteBuf b = ALLOC.directBuffer(op.size(), Math.max(op.size(), 4 << 20));
                Patterns.fill(b, nextSeed);
                live.add(b);
                seeds.add(nextSeed++);
            } else if (op.kind() < 8) {
                int i = op.target() % live.size();
                Patterns.check(live.get(i), seeds.get(i));
                live.remove(i).release();
                seeds.remove(i);
            } else {
                int i = op.target() % live.size();
                ByteBuf b = live.get(i);
                long seed = seeds.get(i);
                int old = b.capacity();
                int now = Math.min(op.size(), b.maxCapacity());
                b.capacity(now);
                Patterns.check(b, seed, Math.min(old, now));
                Patterns.fill(b, seed, Math.min(old, now), now);
            }
        }
        for (int i = 0; i < live.size(); i++) {
            Patterns.check(live.get(i), seeds.get(i));
            live.get(i).release();
        }
        assertEquals(usedBefore, ALLOC.metric().usedDirectMemory());
    }
}
