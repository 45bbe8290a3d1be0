package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.FaultySyscalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LEAN purger: it survives a round that throws, and its tasks go when their allocators go.
 * Waits poll with a generous deadline; nothing asserts how fast anything is.
 */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(WithoutLeakTracking.LEVEL)
class BackgroundPurgerTest {
    private static final long MIB = 1 << 20;
    private static final long WAIT_MILLIS = 20_000;

    private static void await(Supplier<String> what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within " + WAIT_MILLIS + " ms: " + what.get());
            }
            Thread.sleep(10);
        }
    }

    private static List<ByteBuf> burst(HakmemByteBufAllocator alloc, long bytes) {
        List<ByteBuf> bufs = new ArrayList<>();
        for (long i = 0; i < bytes / (64 << 10); i++) {
            ByteBuf b = alloc.directBuffer(64 << 10, 64 << 10);
            b.setByte(0, 1);
            bufs.add(b);
        }
        return bufs;
    }

    /** LEAN, DONTNEED, a decay of 20 ms (a purge round every 10 ms), on system calls the test can fail. */
    private static HakmemByteBufAllocator leanPurgingEvery10Ms(FaultySyscalls faults) {
        HakmemConfig config = HakmemByteBufAllocator.builder().profile(Profile.LEAN)
                .leanDecommit(DecommitMode.DONTNEED).leanTargetMB(1024).leanDecayMillis(20)
                .maxMappedBytes(256 * MIB).resolve();
        return new HakmemByteBufAllocator(config, faults.newOsMemory(256 * MIB));
    }

    @Test
    void aRoundThatThrowsAnErrorDoesNotEndThePurge() throws Exception {
        FaultySyscalls faults = new FaultySyscalls();
        HakmemByteBufAllocator alloc = leanPurgingEvery10Ms(faults);
        List<ByteBuf> keep = burst(alloc, 4 * MIB);
        Error injected = new Error("Invalid memory access (injected)");
        try (CapturedLog log = new CapturedLog(BackgroundPurger.class)) {
            faults.madviseThrows = injected;
            burst(alloc, 8 * MIB).forEach(ByteBuf::release);
            await(() -> "a purge round hits the Error", () -> alloc.metric().osStats().madviseCalls() >= 1);
            await(() -> "the failed round is logged: " + log, () -> !log.at(Level.SEVERE).isEmpty());
            faults.madviseThrows = null;
            await(() -> "a later round gives the memory back: " + alloc.metric().osStats(),
                    () -> alloc.metric().osStats().leanDecommits() >= 1);
            LogRecord failure = log.at(Level.SEVERE).get(0);
            assertTrue(failure.getMessage().contains("background purge of " + alloc + " failed"), log.toString());
            assertSame(injected, failure.getThrown(), "logged with its stack trace");
            assertEquals(log.at(Level.SEVERE).size(), log.at(Level.SEVERE).stream()
                    .filter(r -> r.getThrown() == injected).count(), "only the injected Error was logged");
        }
        assertTrue(alloc.metric().osStats().madviseFailures() == 0, "a throw is not an errno");
        keep.forEach(ByteBuf::release);
    }

    /**
     * A fault that stays (every round's madvise throws) is reported once, not every round: at the
     * default decay a round runs every 250 ms, and an ERROR with a stack trace each time would flood
     * the application's log. The rounds go on, and the memory goes back once the fault goes.
     */
    @Test
    void aFaultThatStaysIsLoggedOnceNotEveryRound() throws Exception {
        FaultySyscalls faults = new FaultySyscalls();
        HakmemByteBufAllocator alloc = leanPurgingEvery10Ms(faults);
        List<ByteBuf> keep = burst(alloc, 4 * MIB);
        try (CapturedLog log = new CapturedLog(BackgroundPurger.class)) {
            faults.madviseThrows = new Error("Invalid memory access (injected, every round)");
            burst(alloc, 8 * MIB).forEach(ByteBuf::release);
            await(() -> "ten rounds hit the Error: " + alloc.metric().osStats(),
                    () -> alloc.metric().osStats().madviseCalls() >= 10);
            assertEquals(1, log.at(Level.SEVERE).size(), log.toString());
            assertTrue(log.at(Level.SEVERE).get(0).getMessage().contains("at most once a minute"), log.toString());
            faults.madviseThrows = null;
            await(() -> "a later round gives the memory back: " + alloc.metric().osStats(),
                    () -> alloc.metric().osStats().leanDecommits() >= 1);
        } finally {
            faults.madviseThrows = null; // else its purge task, alive until a GC, logs into later tests
        }
        keep.forEach(ByteBuf::release);
    }

    /**
     * One purger thread serves every LEAN allocator: each one's burst goes back on its own, and an
     * allocator that its application dropped is not kept alive by its purge task (the task holds it
     * weakly), while the others go on being purged.
     */
    @Test
    void theOnePurgerServesEveryLeanAllocatorAndKeepsNoneAlive() throws Exception {
        List<HakmemByteBufAllocator> kept = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            kept.add(HakmemByteBufAllocator.builder().profile(Profile.LEAN).leanDecommit(DecommitMode.DONTNEED)
                    .leanTargetMB(1024).leanDecayMillis(20).maxMappedBytes(256 * MIB).build());
        }
        WeakReference<HakmemByteBufAllocator> dropped = usedOnADeadThreadAndDropped();
        for (HakmemByteBufAllocator alloc : kept) {
            onANewThread(() -> burst(alloc, 4 * MIB).forEach(ByteBuf::release));
        }
        for (int attempt = 0; attempt < 50 && dropped.get() != null; attempt++) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(dropped.get(), "a dropped LEAN allocator is collected: its purge task does not hold it");
        for (HakmemByteBufAllocator alloc : kept) {
            await(() -> "every allocator's burst given back: " + alloc.metric(),
                    () -> alloc.metric().committedBytes() == 0 && alloc.metric().residentBytes() == 0);
            assertEquals(0, alloc.metric().usedDirectMemory());
        }
    }

    /** A LEAN allocator whose only user, a thread now dead, released everything; nothing refers to it. */
    private static WeakReference<HakmemByteBufAllocator> usedOnADeadThreadAndDropped() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(Profile.LEAN)
                .leanDecommit(DecommitMode.DONTNEED).leanDecayMillis(20).maxMappedBytes(256 * MIB).build();
        onANewThread(() -> burst(alloc, MIB).forEach(ByteBuf::release));
        alloc.trim(); // an allocator dropped without trim() keeps its mappings (DESIGN, Known limits)
        return new WeakReference<>(alloc);
    }

    private static void onANewThread(Runnable body) throws InterruptedException {
        Thread t = new Thread(body);
        t.start();
        t.join();
    }
}
