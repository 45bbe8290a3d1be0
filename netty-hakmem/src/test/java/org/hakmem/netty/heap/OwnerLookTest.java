package org.hakmem.netty.heap;

import org.hakmem.netty.slab.SizeClasses;
import org.hakmem.netty.slab.Slab;
import org.hakmem.netty.slab.SuperslabPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * When a walk asks a heap's owner to look at the frees other threads made into its spans
 * (HeapRegistry.askIdleOwnersToLook, ThreadHeap.wantsOwnerLook): the heap's last buffer was released
 * by another thread, so its count of live slots never drops and it never parks. The test thread owns
 * the heap; the "event loop" is a queue of tasks the test runs on the owner thread when it chooses.
 */
class OwnerLookTest {
    private final LeanRegistry fixture = new LeanRegistry();
    private final SuperslabPool pool = fixture.pool;
    private final HeapRegistry registry = fixture.registry;
    private final ThreadHeap heap = registry.register();
    private final int sizeClass = SizeClasses.classOf(100);
    private final Queue<Runnable> loopTasks = new ArrayDeque<>();
    private final Executor loop = loopTasks::add;

    @AfterEach
    void retire() {
        registry.retire(heap);
    }

    @Test
    void anIdleOwnerWithRemoteFreesIsAskedAfterTwoWalksWithoutAnAllocationAndItsLookGivesTheSpanBack()
            throws InterruptedException {
        allocateAndReleaseOnAnotherThread();
        assertEquals(0, walk(), "the first walk only notes the allocation countdown");
        assertEquals(0, walk(), "one walk without an allocation is not enough");
        assertEquals(1, walk(), "two walks without an allocation: the owner is idle");
        assertEquals(1, loopTasks.size());
        assertEquals(1, pool.liveSpanCount(), "nothing is touched until the owner looks");

        loopTasks.remove().run(); // on the owner thread, as the event loop would
        assertEquals(0, pool.liveSpanCount(), "the look collected the remote free and gave the empty span back");
        assertEquals(0, walk(), "nothing left to look at");
        assertEquals(1, registry.ownerLooksAsked());
    }

    @Test
    void anOwnerThatAllocatesBetweenWalksIsNotAsked() throws InterruptedException {
        allocateAndReleaseOnAnotherThread();
        for (int i = 0; i < 5; i++) {
            walk();
            Slab span = heap.spanWithFreeSlot(sizeClass); // busy: the countdown moves
            ThreadHeap.free(span, span.pop());
        }
        assertEquals(0, loopTasks.size(), "a busy owner looks on its own at its next refill");
    }

    @Test
    void trimAsksAtOnceAndAPendingLookIsNotAskedTwice() throws InterruptedException {
        allocateAndReleaseOnAnotherThread();
        assertEquals(1, registry.askIdleOwnersToLook(t -> loop, true), "forced: no idle walks needed");
        assertEquals(0, registry.askIdleOwnersToLook(t -> loop, true), "the look asked for has not run yet");
        assertEquals(1, loopTasks.size());
        loopTasks.remove().run();
        assertEquals(0, pool.liveSpanCount());
    }

    @Test
    void aThreadNoWatchedLoopRunsOrALoopThatRefusesIsAskedAgainLater() throws InterruptedException {
        allocateAndReleaseOnAnotherThread();
        assertEquals(0, registry.askIdleOwnersToLook(t -> null, true), "no executor runs this thread");
        Executor shuttingDown = task -> {
            throw new RejectedExecutionException("shutting down");
        };
        assertEquals(0, registry.askIdleOwnersToLook(t -> shuttingDown, true), "the loop refused the task");
        assertEquals(1, registry.askIdleOwnersToLook(t -> loop, true),
                "neither left the look marked pending: asked as soon as a loop takes the task");
        assertEquals(1, pool.liveSpanCount());
    }

    @Test
    void anExecutorOrALookupThatThrowsLeavesNothingPendingAndTheCallerIsTold() throws InterruptedException {
        allocateAndReleaseOnAnotherThread();
        Executor broken = task -> {
            throw new IllegalStateException("not RejectedExecutionException");
        };
        assertThrows(IllegalStateException.class, () -> registry.askIdleOwnersToLook(t -> broken, true));
        assertThrows(UnsupportedOperationException.class, () -> registry.askIdleOwnersToLook(t -> {
            throw new UnsupportedOperationException("a group whose iterator misbehaves");
        }, true));
        assertEquals(1, registry.askIdleOwnersToLook(t -> loop, true),
                "neither left the look marked pending: the owner is asked once a loop takes the task");
    }

    @Test
    void aLookRunOnAnotherThreadTouchesNothing() throws InterruptedException {
        allocateAndReleaseOnAnotherThread();
        assertEquals(1, registry.askIdleOwnersToLook(t -> loop, true));
        Thread wrongThread = new Thread(loopTasks.remove());
        wrongThread.start();
        wrongThread.join();
        assertEquals(1, pool.liveSpanCount(), "only the owner may touch its spans");
        assertEquals(1, registry.askIdleOwnersToLook(t -> loop, true), "and it may be asked again");
    }

    @Test
    void twoExecutorsThatThrowAreBothReportedAsOne() throws InterruptedException {
        ThreadHeap second = registry.register(); // the test thread's too: a second candidate
        try {
            allocateAndReleaseOnAnotherThread();
            Slab span = second.spanWithFreeSlot(sizeClass);
            int slot = span.pop();
            Thread other = new Thread(() -> ThreadHeap.free(span, slot));
            other.start();
            other.join();
            Executor broken = task -> {
                throw new IllegalStateException("not RejectedExecutionException");
            };
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> registry.askIdleOwnersToLook(t -> broken, true), "the second failure hid the first");
            assertEquals(1, thrown.getSuppressed().length, "the second failure is attached to the first");
        } finally {
            registry.retire(second);
        }
    }

    private int walk() {
        return registry.askIdleOwnersToLook(t -> t == heap.thread() ? loop : null, false);
    }

    /** The heap's only buffer, allocated here and released by another thread: a remote free. */
    private void allocateAndReleaseOnAnotherThread() throws InterruptedException {
        Slab span = heap.spanWithFreeSlot(sizeClass);
        int slot = span.pop();
        Thread other = new Thread(() -> ThreadHeap.free(span, slot));
        other.start();
        other.join();
        assertEquals(1, pool.liveSpanCount());
    }
}
