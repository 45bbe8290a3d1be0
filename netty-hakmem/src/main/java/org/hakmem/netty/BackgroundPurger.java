/*
 * BackgroundPurger: the one daemon thread that gives LEAN allocators' free memory back on time.
 *
 * Releasing a buffer of up to 1 MiB never makes a system call, and an idle allocator runs no code of
 * its own, so something must wake up to hand memory that stayed free for the decay time back to the
 * kernel.
 * Each LEAN allocator (whose policy has a purge interval) gets a periodic task on this thread:
 *
 *     every purgeInterval:               reap dead threads' heaps    (their spans go to the pool)
 *     (decay / 2, within [5, 250] ms)    give back for idle heaps     (parked since the last round)
 *                                        empty idle lanes             (virtual threads' shared heaps
 *                                                                      that served no allocation since
 *                                                                      the last round)
 *                                        ask heaps to trim            (every 16th round, over the
 *                                                                      budget, while giving back is
 *                                                                      on; served by the heaps)
 *                                        pool.purge()                 (decommit / retire what is due)
 *                                        ask idle watched loops       (a task on each event loop that
 *                                        to look                       holds remote frees and allocated
 *                                                                      nothing over two rounds; last,
 *                                                                      so a group that throws costs
 *                                                                      no purge)
 *
 * One thread serves every allocator of the process; FAST allocators never start it. The task holds
 * its allocator weakly, so an allocator that is no longer referenced is not kept alive by it, and
 * its task cancels itself. The thread is a daemon: it never keeps the JVM from exiting. It ends once
 * no task is left (a second later) and starts again with the next LEAN allocator, and it takes
 * neither the context class loader nor the inheritable thread-locals of the thread that happened to
 * start it: before, it ran for good with the loader of whoever built the first LEAN allocator (in an
 * application server, a web application's loader, kept after its undeployment).
 *
 * A purge that throws (a JNA Error, or the refused munmap of a kept huge mapping: OsMemory turns
 * other OS failures into a disabled switch) is logged
 * (Netty's logger, at ERROR, with the stack trace) and the task keeps running, whatever it threw,
 * Errors included; an exception must not silently end the giving-back (ScheduledThreadPoolExecutor
 * never runs a task again once it has thrown). A fault that stays fails every round, 4 times a
 * second at the default decay, so each allocator's task reports at most once a minute, with the
 * number of failed rounds it did not report.
 */
package org.hakmem.netty;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.lang.ref.WeakReference;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

final class BackgroundPurger {
    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(BackgroundPurger.class);
    /** How long the thread waits with no task left before it ends. */
    private static final long IDLE_SECONDS = 1;
    private static final ScheduledThreadPoolExecutor EXECUTOR = newExecutor();

    private BackgroundPurger() {
    }

    private static ScheduledThreadPoolExecutor newExecutor() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(null, task, "netty-hakmem-purger", 0, false);
            t.setContextClassLoader(null);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setKeepAliveTime(IDLE_SECONDS, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** Runs {@code alloc.backgroundPurge()} every {@code intervalNanos} for as long as alloc is reachable. */
    static void schedule(HakmemByteBufAllocator alloc, long intervalNanos) {
        Task task = new Task(alloc);
        task.future = EXECUTOR.scheduleWithFixedDelay(task, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    }

    private static final class Task implements Runnable {
        /** Least time between two reports of failed rounds, for one allocator. */
        private static final long FAILURE_REPORT_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

        private final WeakReference<HakmemByteBufAllocator> alloc;
        volatile ScheduledFuture<?> future;
        // Plain: the executor runs one task's rounds one after another, each happening-before the next.
        private boolean failureReported;
        private long lastFailureReportNanos;
        private int failuresNotReported;

        Task(HakmemByteBufAllocator alloc) {
            this.alloc = new WeakReference<>(alloc);
        }

        @Override
        public void run() {
            HakmemByteBufAllocator a = alloc.get();
            if (a == null) {
                ScheduledFuture<?> f = future;
                if (f != null) {
                    f.cancel(false);
                }
                return;
            }
            try {
                a.backgroundPurge();
            } catch (Throwable e) {
                // Errors too (JNA's for a fault in native code, an OutOfMemoryError while the heap is
                // full): a periodic task that throws is never run again, silently, and this allocator
                // would keep its free memory for good. The next round may well succeed.
                reportFailure(a, e);
            }
        }

        private void reportFailure(HakmemByteBufAllocator a, Throwable e) {
            long now = System.nanoTime();
            if (failureReported && now - lastFailureReportNanos < FAILURE_REPORT_INTERVAL_NANOS) {
                failuresNotReported++;
                return;
            }
            String since = failuresNotReported == 0 ? ""
                    : " (and " + failuresNotReported + " rounds since the last report)";
            LOG.error("netty-hakmem: background purge of {} failed{}; the next round tries again (failed rounds"
                    + " are reported at most once a minute)", a, since, e);
            failureReported = true;
            lastFailureReportNanos = now;
            failuresNotReported = 0;
        }
    }
}
