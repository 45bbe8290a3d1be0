package org.hakmem.netty.os;

import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thread that maps memory (a new superslab, which it asks for under the pool's monitor, or a huge
 * buffer) does not wait for a madvise, a retire's munmap or a residency scan of other mappings in
 * progress: those take OsMemory's monitor only for their bookkeeping. The mapping a call is using
 * is not unmapped under it. Each call is held inside FaultySyscalls until the test lets it go; the
 * deadlines only catch a thread that waits for good.
 */
class CallsOutsideTheLockTest {
    private static final long MIB = 1 << 20;
    private static final long SLAB = 64 << 10;
    private static final long DEADLINE_SECONDS = 20;

    private final FaultySyscalls faults = new FaultySyscalls();
    private final OsMemory os = faults.newOsMemory(64 * MIB);
    private final CountDownLatch inCall = new CountDownLatch(1);
    private final CountDownLatch letGo = new CountDownLatch(1);

    /** A hook that holds the call on {@code address} until the test lets it go. */
    private LongConsumer holdAt(long address) {
        return a -> {
            if (a == address) {
                inCall.countDown();
                awaitQuietly(letGo);
            }
        };
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> FutureTask<T> onANewThread(Callable<T> call) {
        FutureTask<T> task = new FutureTask<>(call);
        Thread t = new Thread(task);
        t.setDaemon(true);
        t.start();
        return task;
    }

    private long written(long size) {
        long a = os.map(size, 2 * MIB);
        for (long off = 0; off < size; off += OsMemory.PAGE_SIZE) {
            new Pointer(a).setByte(off, (byte) 1);
        }
        return a;
    }

    /** Maps 2 MiB on another thread while the held call is in progress. */
    private void aMappingGoesThrough(String heldCall) throws Exception {
        assertTrue(inCall.await(DEADLINE_SECONDS, TimeUnit.SECONDS), heldCall + " reached the kernel");
        FutureTask<Long> mapping = onANewThread(() -> os.map(2 * MIB, 2 * MIB));
        try {
            long b = mapping.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            os.unmap(b, 2 * MIB);
        } catch (TimeoutException e) {
            throw new AssertionError("a mapping waited for " + heldCall + " in progress on another mapping");
        } finally {
            letGo.countDown();
        }
    }

    @Test
    void aMappingDoesNotWaitForAMadvise() throws Exception {
        long a = written(2 * MIB);
        faults.beforeMadvise = holdAt(a);
        FutureTask<Boolean> decommit = onANewThread(() -> os.decommit(a, SLAB, DecommitMode.DONTNEED));
        aMappingGoesThrough("a madvise");
        assertTrue(decommit.get(DEADLINE_SECONDS, TimeUnit.SECONDS));
        assertEquals(2 * MIB - SLAB, os.residentBytes());
        assertEquals(1, os.stats().leanDecommits());
        os.unmap(a, 2 * MIB);
    }

    @Test
    void aMappingDoesNotWaitForARetire() throws Exception {
        long a = written(2 * MIB);
        faults.beforeMunmap = holdAt(a);
        FutureTask<Boolean> retire = onANewThread(() -> os.retire(a, 2 * MIB));
        aMappingGoesThrough("a retire's munmap");
        assertTrue(retire.get(DEADLINE_SECONDS, TimeUnit.SECONDS));
        OsStats s = os.stats();
        assertEquals(0, s.mappedBytes());
        assertEquals(0, s.mappings());
        assertEquals(1, s.leanRetires());
    }

    /** A huge buffer's release unmaps outside the monitor too: 0.2 ms per 2 MiB, more for a bigger one. */
    @Test
    void aMappingDoesNotWaitForTheUnmapOfAnotherMapping() throws Exception {
        long a = written(2 * MIB);
        faults.beforeMunmap = holdAt(a);
        FutureTask<Boolean> unmap = onANewThread(() -> {
            os.unmap(a, 2 * MIB);
            return true;
        });
        aMappingGoesThrough("an unmap");
        assertTrue(unmap.get(DEADLINE_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, os.stats().mappedBytes());
        assertEquals(0, os.stats().mappings());
    }

    /**
     * At the cap, a mapping that fits once an unmap in flight is done waits for it rather than failing:
     * when the munmap ran under the monitor, the mapping waited for it there and then fit. Failing
     * would throw OutOfMemoryError at an application whose memory is being given back that instant.
     */
    @Test
    void aMappingAtTheCapWaitsForAnUnmapInFlightRatherThanFailing() throws Exception {
        OsMemory capped = faults.newOsMemory(4 * MIB);
        long a = capped.map(2 * MIB, 2 * MIB);
        long b = capped.map(2 * MIB, 2 * MIB); // the cap is reached
        faults.beforeMunmap = holdAt(a);
        FutureTask<Boolean> retire = onANewThread(() -> capped.retire(a, 2 * MIB));
        assertTrue(inCall.await(DEADLINE_SECONDS, TimeUnit.SECONDS));
        FutureTask<Long> mapping = new FutureTask<>(() -> capped.map(2 * MIB, 2 * MIB));
        Thread mapper = new Thread(mapping);
        mapper.start();
        while (mapper.getState() == Thread.State.NEW || mapper.getState() == Thread.State.RUNNABLE) {
            Thread.sleep(1); // until it waits, or (were it not to wait) has failed
        }
        letGo.countDown();
        long c;
        try {
            c = mapping.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("a mapping that fits once the retire in flight is done failed", e.getCause());
        }
        assertTrue(retire.get(DEADLINE_SECONDS, TimeUnit.SECONDS));
        assertEquals(4 * MIB, capped.stats().mappedBytes());
        assertEquals(0, capped.stats().capRefusals());
        capped.unmap(b, 2 * MIB);
        capped.unmap(c, 2 * MIB);
    }

    @Test
    void aMappingDoesNotWaitForAResidencyScan() throws Exception {
        long a = written(2 * MIB);
        faults.beforeMincore = holdAt(a);
        FutureTask<Long> scan = onANewThread(os::residentBytes);
        aMappingGoesThrough("a residency scan");
        assertEquals(2 * MIB, scan.get(DEADLINE_SECONDS, TimeUnit.SECONDS));
        os.unmap(a, 2 * MIB);
    }

    /**
     * A retire of the mapping a madvise is using waits for it: a madvise(DONTNEED) that reached a
     * range unmapped (and perhaps mapped again by someone else) under it would zero memory that is
     * not ours, or fail and switch giving back off.
     */
    @Test
    void theMappingACallUsesIsNotUnmappedUnderIt() throws Exception {
        long a = written(2 * MIB);
        faults.beforeMadvise = holdAt(a);
        FutureTask<Boolean> decommit = onANewThread(() -> os.decommit(a, SLAB, DecommitMode.DONTNEED));
        assertTrue(inCall.await(DEADLINE_SECONDS, TimeUnit.SECONDS));
        Thread retiring = new Thread(() -> os.retire(a, 2 * MIB));
        retiring.start();
        while (retiring.getState() == Thread.State.NEW || retiring.getState() == Thread.State.RUNNABLE) {
            Thread.sleep(1); // until it waits, or (were it not to wait) has unmapped the range
        }
        letGo.countDown();
        retiring.join();
        assertTrue(decommit.get(DEADLINE_SECONDS, TimeUnit.SECONDS), "the madvise found its range mapped");
        OsStats s = os.stats();
        assertFalse(s.decommitDisabled());
        assertEquals(0, s.madviseFailures());
        assertEquals(1, s.leanRetires());
        assertEquals(0, s.mappings());
    }

    /** A call that throws (JNA's Error for a fault in native code) leaves the mapping free to unmap. */
    @Test
    void aCallThatThrowsDoesNotKeepItsMappingInUse() throws ExecutionException, InterruptedException {
        long a = written(2 * MIB);
        faults.madviseThrows = new Error("Invalid memory access (injected)");
        try {
            os.decommit(a, SLAB, DecommitMode.DONTNEED);
        } catch (Error expected) {
            // the books are whole
        }
        faults.madviseThrows = null;
        FutureTask<Boolean> retire = onANewThread(() -> os.retire(a, 2 * MIB));
        try {
            assertTrue(retire.get(DEADLINE_SECONDS, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            throw new AssertionError("the retire waited for a call that had ended");
        }
        assertEquals(0, os.stats().mappings());
    }
}
