/*
 * CrossThreadPlacementTest: the cross-thread workload's placements put its two threads where they say
 * (CpuAffinity read back from each thread), and a bad placement fails before any thread starts, with
 * a message naming it and the allowed ones.
 */
package org.hakmem.bench;

import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CrossThreadPlacementTest {

    /** Runs body on a new thread (pinning it, not the test runner's) and returns what it returned. */
    private static <T> T onNewThread(Supplier<T> body) throws InterruptedException {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(body.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        return result.get();
    }

    @Test
    void pinningLeavesTheThreadOneCpuAndOnlyThatThread() throws Exception {
        List<Integer> before = CpuAffinity.allowedCpus();
        assertFalse(before.isEmpty());
        int last = before.get(before.size() - 1);
        assertEquals(List.of(last), onNewThread(() -> {
            CpuAffinity.pinCurrentThread(last);
            return CpuAffinity.allowedCpus();
        }));
        assertEquals(before, CpuAffinity.allowedCpus(), "the test's own thread, not pinned");
    }

    @Test
    void aCpuTheProcessMayNotUseIsRefusedByNumber() throws Exception {
        assumeTrue(!CpuAffinity.allowedCpus().contains(1023), "this machine may use CPU 1023");
        String message = onNewThread(() -> {
            try {
                CpuAffinity.pinCurrentThread(1023);
                return "pinned";
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        });
        assertTrue(message.contains("CPU 1023") && message.contains(CpuAffinity.allowedCpus().toString()), message);
    }

    @Test
    void eachPlacementNamesItsCpus() {
        List<Integer> allowed = CpuAffinity.allowedCpus();
        assertArrayEquals(new int[] {-1, -1}, CrossThreadBenchmark.cpusFor("os"));
        assertArrayEquals(new int[] {allowed.get(0), allowed.get(0)}, CrossThreadBenchmark.cpusFor("one-cpu"));
        if (allowed.size() >= 2) {
            assertArrayEquals(new int[] {allowed.get(0), allowed.get(1)}, CrossThreadBenchmark.cpusFor("two-cpus"));
        } else {
            String m = assertThrows(IllegalArgumentException.class, () -> CrossThreadBenchmark.cpusFor("two-cpus")).getMessage();
            assertTrue(m.contains("needs two CPUs"), m);
        }
        String m = assertThrows(IllegalArgumentException.class, () -> CrossThreadBenchmark.cpusFor("apart")).getMessage();
        assertTrue(m.contains("'apart'") && m.contains("one-cpu") && m.contains("two-cpus"), m);
    }

    /** A batch with both threads pinned: the producer ran on its CPU and the consumer on its own. */
    @Test
    void aPinnedBatchRunsBothThreadsOnTheirCpus() throws Exception {
        List<Integer> allowed = CpuAffinity.allowedCpus();
        String placement = allowed.size() >= 2 ? "two-cpus" : "one-cpu";
        int[] cpus = CrossThreadBenchmark.cpusFor(placement);
        CrossThreadBenchmark b = new CrossThreadBenchmark();
        b.thread = BenchThreads.EVENTLOOP;
        b.placement = placement;
        b.setup(UnpooledByteBufAllocator.DEFAULT);
        try {
            b.crossThread();
            assertEquals(List.of(cpus[0]), b.producerCpus());
            assertEquals(List.of(cpus[1]), b.consumerCpus());
        } finally {
            b.tearDown();
        }
    }
}
