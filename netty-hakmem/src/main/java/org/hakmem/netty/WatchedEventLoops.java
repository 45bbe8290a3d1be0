/*
 * WatchedEventLoops: the Netty event-loop groups whose threads an allocator may ask to look at their
 * heaps (HakmemByteBufAllocator.watchEventLoops).
 *
 * Only a heap's owner may touch its spans, and a thread whose buffers other threads released learns
 * of it only when it allocates again (ThreadHeap, "Going idle"). An event loop that goes idle after
 * a burst whose buffers a business executor released would keep the burst's spans for as long as it
 * idles. An event loop runs the tasks it is given, though: the allocator finds the loop that runs a
 * heap's thread here and submits the look to it (HeapRegistry.askIdleOwnersToLook). Netty has no
 * public way to find the executor of a thread, so the application names the groups, or
 * HakmemBootstraps.use names the bootstrap's. Groups that shut down are dropped. Used by LEAN's
 * purger and by trim(), never on an allocation path.
 */
package org.hakmem.netty;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

final class WatchedEventLoops {
    private final CopyOnWriteArrayList<EventExecutorGroup> groups = new CopyOnWriteArrayList<>();

    /**
     * Adds a group, once; a group already shutting down is not added, and those that shut down since
     * are dropped: a FAST allocator has no purger round to drop them, and HakmemByteBufAllocator.DEFAULT
     * lives as long as its class, so each bootstrap's groups would stay reachable for good.
     */
    void add(EventExecutorGroup group) {
        dropShutDown();
        if (!group.isShuttingDown()) {
            groups.addIfAbsent(group);
        }
    }

    /** True if no group is watched, after dropping those that shut down. */
    boolean isEmptyOnceShutDownDropped() {
        dropShutDown();
        return groups.isEmpty();
    }

    /** The one place groups leave: when they shut down (add, and before each walk). */
    private void dropShutDown() {
        groups.removeIf(EventExecutorGroup::isShuttingDown);
    }

    int size() {
        return groups.size();
    }

    /**
     * The executor of a watched group that runs thread, or null; a group that shut down since the
     * walk dropped it (isEmptyOnceShutDownDropped) is passed over, and dropped at the next one. An
     * executor that says every thread is its own (ImmediateEventExecutor, an EmbeddedEventLoop) is
     * passed over: it runs a task on the thread that submits it, where the look does nothing, and
     * taking it would hide the loop that really runs thread. It is told by also claiming the calling
     * thread (the walker) as its own.
     */
    Executor loopOf(Thread thread) {
        for (EventExecutorGroup group : groups) {
            if (group.isShuttingDown()) {
                continue;
            }
            for (EventExecutor loop : group) {
                if (loop.inEventLoop(thread) && (thread == Thread.currentThread() || !loop.inEventLoop())) {
                    return loop;
                }
            }
        }
        return null;
    }
}
