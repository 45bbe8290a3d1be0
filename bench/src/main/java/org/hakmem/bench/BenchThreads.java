package org.hakmem.bench;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import org.hakmem.netty.HakmemByteBufAllocator;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs work either on the calling (JMH) thread ("plain") or on a single Netty event-executor
 * thread, a {@link io.netty.util.concurrent.FastThreadLocalThread} ("eventloop").
 */
final class BenchThreads implements AutoCloseable {
    static final String EVENTLOOP = "eventloop";
    static final String PLAIN = "plain";

    private final EventExecutor executor;

    private BenchThreads(EventExecutor executor) {
        this.executor = executor;
    }

    static BenchThreads create(String thread, String poolName) {
        switch (thread) {
            case EVENTLOOP:
                // DefaultThreadFactory creates FastThreadLocalThreads.
                return new BenchThreads(new DefaultEventExecutor(new DefaultThreadFactory(poolName, true)));
            case PLAIN:
                return new BenchThreads(null);
            default:
                throw new IllegalArgumentException(
                        "unknown thread variant '" + thread + "'; expected one of [" + EVENTLOOP + ", " + PLAIN + "]");
        }
    }

    /** Runs task on the owning thread and returns its result. */
    <T> T call(Callable<T> task) throws Exception {
        if (executor == null) {
            return task.call();
        }
        try {
            return executor.submit(task).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        }
    }

    /**
     * Starts task on the owning thread without waiting (eventloop variant only: a "plain" variant has
     * no thread of its own to run it concurrently with the caller).
     */
    <T> Future<T> start(Callable<T> task) {
        if (executor == null) {
            throw new IllegalStateException("start() needs the " + EVENTLOOP + " variant; this one is " + PLAIN);
        }
        return executor.submit(task);
    }

    /**
     * Lets a netty-hakmem allocator watch this thread's event loop (HakmemByteBufAllocator.
     * watchEventLoops), as HakmemBootstraps.use does for a server's groups; nothing for a "plain"
     * variant or another allocator.
     */
    void watchedBy(ByteBufAllocator alloc) {
        if (executor != null && alloc instanceof HakmemByteBufAllocator) {
            ((HakmemByteBufAllocator) alloc).watchEventLoops(executor);
        }
    }

    /**
     * A trial's teardown: runs last on threads' owning thread, then closes threads even if last threw.
     * Either may be null, where the setup failed before making it. Without threads last is skipped:
     * a workload fills its slots on those threads, so one made before them holds nothing yet.
     */
    static void finish(BenchThreads threads, Runnable last) throws Exception {
        try {
            if (last != null && threads != null) {
                threads.run(last);
            }
        } finally {
            if (threads != null) {
                threads.close();
            }
        }
    }

    void run(Runnable task) throws Exception {
        call(() -> {
            task.run();
            return null;
        });
    }

    @Override
    public void close() throws InterruptedException {
        if (executor != null) {
            executor.shutdownGracefully(0, 5, TimeUnit.SECONDS);
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("executor did not terminate: " + executor);
            }
        }
    }
}
