package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import org.hakmem.netty.os.DecommitMode;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * trim() gives back every free slab and empty superslab, in every profile and decommit mode, and no
 * byte of a live buffer: slabs of free spans sit next to live ones, a forced purge gives them back
 * (DONTNEED zeroes what it touches, so a live slab among them would lose its pattern), and the
 * allocator is used again afterwards, over memory that was decommitted or unmapped.
 */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(WithoutLeakTracking.LEVEL)
class TrimTest {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"FAST, FREE", "FAST, DONTNEED", "FAST, OFF", "LEAN, FREE", "LEAN, DONTNEED", "LEAN, OFF"})
    void trimKeepsEveryLiveBytesAndTheAllocatorWorksOnAfterIt(Profile profile, DecommitMode mode) {
        // An hour's decay: only trim() gives anything back here.
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(profile).leanDecommit(mode)
                .leanDecayMillis(3_600_000).maxMappedBytes(1L << 30).build();
        SplittableRandom rnd = new SplittableRandom(7);
        List<Item> live = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            List<Item> batch = allocate(alloc, rnd, 600, round);
            for (int i = 0; i < batch.size(); i++) {
                if (i % 3 == 0) {
                    live.add(batch.get(i)); // a third stays live, beside the slabs the rest frees
                } else {
                    batch.get(i).checkAndRelease();
                }
            }
            long given = alloc.trim();
            if (mode != DecommitMode.OFF) {
                assertThat(given).as("round %d gave memory back", round).isPositive();
                assertThat(alloc.metric().freeCommittedBytes()).as("no free slab left resident").isZero();
            }
            if (mode == DecommitMode.DONTNEED) {
                assertThat(alloc.metric().residentBytes()).as("resident within the books after trim()")
                        .isLessThanOrEqualTo(alloc.metric().committedBytes());
            }
            for (Item item : live) {
                Patterns.check(item.buf(), item.seed());
            }
        }
        live.forEach(Item::checkAndRelease);
        alloc.trim();
        LifecycleStressTest.assertAllBackAtZero(alloc, 1); // this thread's heap, empty
    }

    /**
     * What trim() reaches of a live thread that idles holding no buffer: a LEAN heap that parked
     * (FREE or DONTNEED), at once; not a FAST heap whose hand-over was not due (it emptied twice within
     * a second), nor a LEAN heap with OFF, which never parks nor hands over: only their own thread may
     * touch their spans, and they touch them again when they allocate, call trim() or exit. Documented
     * in trim()'s Javadoc and DESIGN's Known limits; if this changes, update both.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"LEAN, DONTNEED, 0", "FAST, DONTNEED, 65536", "LEAN, OFF, 65536"})
    void trimReachesAnIdleThreadsEmptySpansOnlyWhereItsHeapParks(Profile profile, DecommitMode mode,
                                                                 long spanBytesKept) throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(profile).leanDecommit(mode)
                .leanDecayMillis(3_600_000).build();
        IdlingThread worker = IdlingThread.startAndAwaitIdle("idle-holding-nothing", () -> {
            alloc.directBuffer(100).release(); // FAST: hands its span to the pool, the next hand-over a second away
            alloc.directBuffer(100).release(); // FAST: not due, keeps it; LEAN: parks
        }, () -> { });
        try {
            alloc.trim();
            assertThat(alloc.metric().spanBytes()).as("what the idle thread keeps after trim()")
                    .isEqualTo(spanBytesKept);
        } finally {
            worker.finish();
        }
        alloc.trim();
        assertThat(alloc.metric().mappedBytes()).as("all of it once the thread exits").isZero();
    }

    /** {@code count} patterned buffers, a tenth of them huge or large, in every size class. */
    private static List<Item> allocate(HakmemByteBufAllocator alloc, SplittableRandom rnd, int count, int round) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int size = rnd.nextInt(10) == 0 ? rnd.nextInt(8193, 1_500_000) : rnd.nextInt(1, 8193);
            ByteBuf b = alloc.directBuffer(size);
            long seed = (long) round << 32 | i;
            Patterns.fill(b, seed);
            items.add(new Item(b, seed));
        }
        return items;
    }
}
