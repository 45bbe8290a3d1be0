package org.hakmem.netty;

import org.junit.jupiter.api.parallel.ResourceLock;
import io.netty.buffer.ByteBuf;
import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.FaultySyscalls;
import org.hakmem.netty.os.OsStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LEAN profile gives memory back (and FAST keeps it): measured with mincore over the allocator's
 * own mappings and with its OS stats. Waits poll the condition with a generous deadline; nothing here
 * asserts how fast anything is.
 */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(WithoutLeakTracking.LEVEL)
class LeanProfileTest {
    private static final long MIB = 1 << 20;
    private static final int BURST_BUFFER = 64 * 1024;
    private static final long CAP = 512 * MIB;
    private static final long WAIT_MILLIS = 20_000;

    private static HakmemConfig.Builder lean(DecommitMode mode) {
        return HakmemByteBufAllocator.builder().profile(Profile.LEAN).leanDecommit(mode).maxMappedBytes(CAP);
    }

    /** Allocates and fully writes `bytes` of 64 KiB buffers, each with its own pattern. */
    private static List<ByteBuf> burst(HakmemByteBufAllocator alloc, long bytes, long seedBase) {
        List<ByteBuf> bufs = new ArrayList<>();
        for (int i = 0; i < bytes / BURST_BUFFER; i++) {
            ByteBuf b = alloc.directBuffer(BURST_BUFFER, BURST_BUFFER);
            Patterns.fill(b, seedBase + i);
            bufs.add(b);
        }
        return bufs;
    }

    private static void checkAndRelease(List<ByteBuf> bufs, long seedBase) {
        for (int i = 0; i < bufs.size(); i++) {
            Patterns.check(bufs.get(i), seedBase + i);
            bufs.get(i).release();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(() -> what, condition);
    }

    /** Polls the condition; on time-out, fails with {@code what}, computed then (the state at the end). */
    private static void await(java.util.function.Supplier<String> what, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within " + WAIT_MILLIS + " ms: " + what.get());
            }
            Thread.sleep(10);
        }
    }

    @Test
    void afterABurstDontneedBringsResidentMemoryBelowOneMiBWithinTheDecay() throws Exception {
        // A budget above the burst, so that it is the decay that gives the memory back.
        HakmemByteBufAllocator alloc = lean(DecommitMode.DONTNEED).leanTargetMB(1024).leanDecayMillis(100).build();
        List<ByteBuf> bufs = burst(alloc, 64 * MIB, 1);
        assertThat(alloc.metric().residentBytes()).isGreaterThanOrEqualTo(64 * MIB);
        checkAndRelease(bufs, 1);
        // Resident (mincore) and committed (the pool's books) are awaited together: a purge gives the
        // pages back before it marks its slabs clean, so for a moment mincore already says "gone"
        // while the books still count the slabs as being purged.
        await(() -> "resident and committed <= 1 MiB, now " + alloc.metric().residentBytes() + " and "
                        + alloc.metric().committedBytes(),
                () -> alloc.metric().residentBytes() <= MIB && alloc.metric().committedBytes() <= MIB);
        OsStats s = alloc.metric().osStats();
        assertThat(s.leanDecommitBytes()).isGreaterThanOrEqualTo(63 * MIB);
        assertEquals(0, s.leanRetires(), "under the budget, empty superslabs stay mapped, decommitted");
    }

    @Test
    void fastKeepsTheBurstResident() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().maxMappedBytes(CAP).build();
        checkAndRelease(burst(alloc, 64 * MIB, 1), 1);
        Thread.sleep(300);
        assertThat(alloc.metric().residentBytes()).isGreaterThanOrEqualTo(64 * MIB);
        assertEquals(0, alloc.metric().osStats().madviseCalls());
        assertEquals(0, alloc.metric().osStats().leanRetires());
    }

    @Test
    void freeModeGivesPagesBackAndTheMemoryIsReusedWithCorrectContents() throws Exception {
        HakmemByteBufAllocator alloc = lean(DecommitMode.FREE).leanTargetMB(1024).leanDecayMillis(50).build();
        checkAndRelease(burst(alloc, 32 * MIB, 1), 1);
        await("32 MiB given back with MADV_FREE", () -> alloc.metric().osStats().leanDecommitBytes() >= 31 * MIB);
        assertThat(alloc.metric().lazyFreeBytes()).as("kept by the kernel until it needs memory").isPositive();
        long mmaps = alloc.metric().osStats().mmapCalls();
        long mapped = alloc.metric().mappedBytes();
        List<ByteBuf> again = burst(alloc, 32 * MIB, 1000);
        assertEquals(mmaps, alloc.metric().osStats().mmapCalls(), "the decommitted superslabs are reused");
        assertEquals(mapped, alloc.metric().mappedBytes());
        checkAndRelease(again, 1000);
    }

    @Test
    void offNeverDecommitsAndOnlySkipsPrewarm() throws Exception {
        HakmemByteBufAllocator alloc = lean(DecommitMode.OFF).leanDecayMillis(0).leanTargetMB(1).build();
        ByteBuf one = alloc.directBuffer(100);
        assertEquals(0, alloc.metric().residentBytes(), "no prewarm");
        one.release();
        checkAndRelease(burst(alloc, 32 * MIB, 1), 1);
        Thread.sleep(300);
        OsStats s = alloc.metric().osStats();
        assertEquals(0, s.madviseCalls());
        assertEquals(0, s.leanRetires());
        assertThat(alloc.metric().residentBytes()).isGreaterThanOrEqualTo(32 * MIB);
    }

    @Test
    void theBudgetRetiresSuperslabsPastTheTarget() throws Exception {
        // A decay of an hour: only the budget can give anything back during this test.
        HakmemByteBufAllocator alloc = lean(DecommitMode.DONTNEED).leanTargetMB(4).leanDecayMillis(3_600_000).build();
        checkAndRelease(burst(alloc, 32 * MIB, 1), 1);
        // The purge retires empty superslabs, oldest first, while committed bytes exceed the budget;
        // once they are within it, the rest stays mapped until the decay. How many stay depends on
        // how purge rounds interleave with the release loop: a superslab that still held a live span
        // in a round has had its free slabs decommitted instead. Each one left holds at least the
        // 512 KiB of the span it last released, so at most 8 stay (usually 2): at least 8 of the 16
        // are retired, and committed bytes end within the budget.
        await(() -> "committed <= 4 MiB with 8 superslabs retired; now " + alloc.metric() + ", "
                        + alloc.metric().osStats(),
                () -> alloc.metric().committedBytes() <= 4 * MIB && alloc.metric().osStats().leanRetires() >= 8);
        assertThat(alloc.metric().mappedBytes()).isLessThanOrEqualTo(16 * MIB);
    }

    @Test
    void aSpanThatEmptiesAndRefillsInALoopMakesNoSystemCall() {
        HakmemByteBufAllocator alloc = lean(DecommitMode.DONTNEED).leanDecayMillis(60_000).build();
        List<ByteBuf> bufs = new ArrayList<>();
        long afterFirstRound = -1;
        for (int round = 0; round < 20_000; round++) {
            // Nine 64 KiB buffers need two spans of eight. Releasing them all leaves the thread with no
            // live buffer, so its LEAN heap parks; it allocates again at once, so the purger never
            // finds it parked by the same park twice and its spans stay with it (before session 11
            // it gave them to the pool every 250 ms and took them back).
            for (int i = 0; i < 9; i++) {
                bufs.add(alloc.directBuffer(BURST_BUFFER));
            }
            bufs.forEach(ByteBuf::release);
            bufs.clear();
            if (round == 0) {
                afterFirstRound = alloc.metric().osStats().syscalls(); // one superslab mapped
                assertEquals(1, alloc.metric().osStats().mmapCalls());
            }
        }
        assertEquals(afterFirstRound, alloc.metric().osStats().syscalls(), "the decay keeps churn away from the kernel");
    }

    @Test
    void aHeapGivesBackItsEmptySpansWhenItServesATrimRequest() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(Profile.LEAN)
                .leanDecommit(DecommitMode.DONTNEED).leanDecayMillis(3_600_000).build();
        CountDownLatch burstDone = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        CountDownLatch tickDone = new CountDownLatch(1);
        CountDownLatch exit = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            try {
                // One buffer stays live throughout, so the thread never looks idle: only a trim
                // request can make it give its empty 64 KiB span back.
                ByteBuf keeper = alloc.directBuffer(16);
                checkAndRelease(burst(alloc, 4 * BURST_BUFFER, 1), 1); // half a span: stays its current span
                burstDone.countDown();
                goOn.await();
                for (int i = 0; i < 70_000; i++) { // more than one heap tick of allocations
                    alloc.directBuffer(16).release();
                }
                tickDone.countDown();
                exit.await();
                keeper.release();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "busy-then-ticking");
        worker.start();
        burstDone.await();
        alloc.trim();
        assertThat(alloc.metric().residentBytes()).as("the worker's empty current span is its own")
                .isGreaterThanOrEqualTo(4L * BURST_BUFFER);
        goOn.countDown();
        tickDone.await();
        alloc.trim();
        assertThat(alloc.metric().residentBytes()).as("given back at the worker's next tick")
                .isLessThanOrEqualTo(64 * 1024);
        exit.countDown();
        worker.join();
        alloc.trim();
        assertEquals(0, alloc.metric().mappedBytes(), "a dead thread's heap is reaped by trim");
    }

    @Test
    void thePurgeAsksBusyHeapsForTheirEmptySpansOnlyOverTheBudget() throws Exception {
        // Under the budget, a busy thread keeps its empty current span and its spares (64 KiB slots:
        // 512 KiB spans, two spares within the 1 MiB per class; 3 x 512 KiB of written slots) while
        // the purge gives back what the heap returned to the pool (the other 5 of the 8 spans).
        assertThat(residentOfABusyHeapAfterABurst(100, false)).isGreaterThanOrEqualTo(MIB);
        // Over the budget, the purge's trim requests make the same thread give them back.
        assertThat(residentOfABusyHeapAfterABurst(1, true)).isLessThanOrEqualTo(BURST_BUFFER);
    }

    /**
     * A thread keeps one buffer live (so it never looks idle), allocates and releases 4 MiB of
     * 64 KiB buffers, and then keeps allocating small buffers, which is when a heap serves trim
     * requests. Returns the allocator's resident bytes once the purge has given back the pool's
     * share of the burst and, if {@code awaitTrim}, once resident is at most one 64 KiB buffer.
     */
    private long residentOfABusyHeapAfterABurst(int budgetMB, boolean awaitTrim) throws Exception {
        // Decay 10 ms: a purge round every 5 ms, so a trim request every 80 ms while over the budget.
        HakmemByteBufAllocator alloc = lean(DecommitMode.DONTNEED).leanTargetMB(budgetMB).leanDecayMillis(10).build();
        CountDownLatch burstDone = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread worker = new Thread(() -> {
            ByteBuf keeper = alloc.directBuffer(16);
            checkAndRelease(burst(alloc, 4 * MIB, 1), 1);
            burstDone.countDown();
            while (!stop.get()) {
                alloc.directBuffer(16).release();
            }
            keeper.release();
        }, "busy-after-burst");
        worker.start();
        try {
            burstDone.await();
            await("the purge decommits the burst's spans the heap gave back to the pool",
                    () -> alloc.metric().osStats().leanDecommitBytes() >= MIB);
            if (awaitTrim) {
                await("resident <= 64 KiB, now " + alloc.metric().residentBytes(),
                        () -> alloc.metric().residentBytes() <= BURST_BUFFER);
            } else {
                Thread.sleep(500); // about 6 trim periods, were the heap over its budget
            }
            return alloc.metric().residentBytes();
        } finally {
            stop.set(true);
            worker.join();
        }
    }

    @Test
    void aThreadThatReleasesEverythingAndGoesIdleHoldsNothing() throws Exception {
        assertAnIdleWorkerEndsUpHoldingNothing(alloc -> checkAndRelease(burst(alloc, 4 * MIB, 1), 1));
    }

    /**
     * The worker's last release comes within the interval of its previous give-back, so its own
     * give-back is not due yet: its heap parks, and the purger gives the spans back for it (before,
     * nothing did: three 512 KiB spans stayed resident for as long as the thread idled).
     */
    @Test
    void anIdleThreadHoldsNothingAlsoWhenItsLastReleaseComesSoonAfterThePrevious() throws Exception {
        assertAnIdleWorkerEndsUpHoldingNothing(alloc -> {
            alloc.directBuffer(16).release(); // live slots 1 -> 0: a give-back, which starts the interval
            checkAndRelease(burst(alloc, 4 * MIB, 1), 1); // 0 again at once: not due, so the heap parks
        });
    }

    private static void assertAnIdleWorkerEndsUpHoldingNothing(Consumer<HakmemByteBufAllocator> work)
            throws Exception {
        HakmemByteBufAllocator alloc = lean(DecommitMode.DONTNEED).leanDecayMillis(50).build();
        CountDownLatch released = new CountDownLatch(1);
        CountDownLatch exit = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            try {
                work.accept(alloc);
                released.countDown();
                exit.await(); // alive and idle: it never allocates again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "burst-then-idle");
        worker.start();
        released.await();
        await("resident 0 while the worker idles, now " + alloc.metric().residentBytes(),
                () -> alloc.metric().residentBytes() == 0);
        exit.countDown();
        worker.join();
    }

    @Test
    void trimInFastGivesBackTheCallersEmptySpansAndUnmapsEmptySuperslabs() {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().maxMappedBytes(CAP).build();
        checkAndRelease(burst(alloc, 16 * MIB, 1), 1);
        assertThat(alloc.metric().residentBytes()).isGreaterThanOrEqualTo(16 * MIB);
        long released = alloc.trim();
        assertThat(released).isGreaterThanOrEqualTo(16 * MIB);
        assertEquals(0, alloc.metric().mappedBytes());
        assertEquals(0, alloc.metric().residentBytes());
        checkAndRelease(burst(alloc, 4 * MIB, 7), 7); // and it works on
    }

    @Test
    void aFailingMadviseDisablesDecommitLoudlyAndLosesNothing() throws Exception {
        FaultySyscalls faults = new FaultySyscalls();
        HakmemConfig config = lean(DecommitMode.DONTNEED).leanTargetMB(1024).leanDecayMillis(20).resolve();
        HakmemByteBufAllocator alloc = new HakmemByteBufAllocator(config, faults.newOsMemory(CAP));
        List<ByteBuf> keep = burst(alloc, 4 * MIB, 500);
        faults.madviseErrno = 22;
        checkAndRelease(burst(alloc, 8 * MIB, 1), 1);
        await("the failure is seen", () -> alloc.metric().osStats().madviseFailures() == 1);
        Thread.sleep(100); // several more purge rounds
        OsStats s = alloc.metric().osStats();
        assertTrue(s.decommitDisabled());
        assertEquals(1, s.madviseCalls(), "no madvise after the first failure");
        assertEquals(1, s.madviseFailures());
        assertThat(faults.decommitSwitch.disabledBy()).contains("errno 22");
        List<ByteBuf> more = burst(alloc, 8 * MIB, 2000);
        checkAndRelease(keep, 500);
        checkAndRelease(more, 2000);
        assertEquals(0, alloc.metric().usedDirectMemory());
    }

    /**
     * Trim requests make busy heaps drop their spare and current spans so that the purge can give
     * them back (they cost throughput: BENCHMARKS.md). Once giving back is off, the pool keeps all
     * it gets, so the requests would cost the same for nothing, every 16th round for good, since a
     * LEAN allocator that gives nothing back stays over its budget.
     */
    @Test
    void onceGivingBackIsOffBusyHeapsAreNoLongerAskedForTheirSpans() {
        FaultySyscalls faults = new FaultySyscalls();
        HakmemConfig config = lean(DecommitMode.DONTNEED).leanTargetMB(1).leanDecayMillis(3_600_000).resolve();
        HakmemByteBufAllocator alloc = new HakmemByteBufAllocator(config, faults.newOsMemory(CAP));
        List<ByteBuf> keep = burst(alloc, 4 * MIB, 500); // over the 1 MiB budget for as long as they live
        int before = alloc.pool().trimEpoch();
        purgeRounds(alloc, HakmemByteBufAllocator.PURGE_ROUNDS_PER_HEAP_TRIM);
        assertThat(alloc.pool().trimEpoch()).as("over the budget, heaps are asked").isNotEqualTo(before);
        checkAndRelease(burst(alloc, 4 * MIB, 1), 1);
        faults.madviseErrno = 1; // EPERM, as a seccomp filter answers
        faults.munmapErrno = 1;
        alloc.trim(); // the burst's superslabs are wholly free: their retire fails
        assertTrue(alloc.metric().osStats().decommitDisabled());
        int off = alloc.pool().trimEpoch();
        purgeRounds(alloc, 2 * HakmemByteBufAllocator.PURGE_ROUNDS_PER_HEAP_TRIM);
        assertEquals(off, alloc.pool().trimEpoch(), "no trim request once nothing can be given back");
        checkAndRelease(keep, 500);
    }

    /** Runs purge rounds on this thread (the purger's own rounds, one every 250 ms here, may run too). */
    private static void purgeRounds(HakmemByteBufAllocator alloc, int rounds) {
        for (int i = 0; i < rounds; i++) {
            alloc.backgroundPurge();
        }
    }

    @Test
    void aFailingRetireKeepsTheSuperslabUsable() throws Exception {
        FaultySyscalls faults = new FaultySyscalls();
        HakmemConfig config = lean(DecommitMode.DONTNEED).leanTargetMB(1).leanDecayMillis(20).resolve();
        HakmemByteBufAllocator alloc = new HakmemByteBufAllocator(config, faults.newOsMemory(CAP));
        List<ByteBuf> keep = burst(alloc, 2 * MIB, 500);
        List<ByteBuf> released = burst(alloc, 8 * MIB, 1);
        faults.munmapErrno = 22; // after the mapping is done: only the retire fails
        checkAndRelease(released, 1);
        await("the failure is seen", () -> alloc.metric().osStats().munmapFailures() == 1);
        Thread.sleep(100);
        OsStats s = alloc.metric().osStats();
        assertTrue(s.decommitDisabled());
        assertEquals(0, s.leanRetires());
        long mapped = alloc.metric().mappedBytes();
        List<ByteBuf> more = burst(alloc, 8 * MIB, 2000);
        assertEquals(mapped, alloc.metric().mappedBytes(), "the superslabs that failed to unmap are reused");
        checkAndRelease(keep, 500);
        checkAndRelease(more, 2000);
        faults.munmapErrno = 0;
    }
}
