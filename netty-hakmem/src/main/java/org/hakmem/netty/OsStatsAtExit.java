/*
 * OsStatsAtExit: HAKMEM_SS_OS_STATS=1 - print an allocator's OS stats once, when the JVM exits.
 *
 * One shutdown hook for the process, added by the first allocator that asks, prints a report for
 * every allocator that asked and is still reachable. It holds them weakly: asking for a report must
 * not keep an allocator alive; one that was collected has nothing left to report (its counters went
 * with it), and its entry is dropped when the next allocator registers. A hook per allocator, as
 * before, left a Thread object behind for every allocator ever built (a loop that builds allocators
 * with the report on, as a test run with HAKMEM_SS_OS_STATS=1 does, kept thousands) and started as
 * many threads at exit.
 *
 * The report goes to standard error, not to Netty's logger as the library's warnings do: it is
 * printed in a shutdown hook, and logging frameworks stop in shutdown hooks of their own (Log4j 2,
 * Logback), in no order the JVM defines, so a logged report could vanish.
 */
package org.hakmem.netty;

import java.io.PrintStream;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

final class OsStatsAtExit {
    /** Allocators that asked for a report, in the order they asked. Guarded by the class. */
    private static final Set<WeakReference<HakmemByteBufAllocator>> ALLOCATORS = new LinkedHashSet<>();
    /** Where the collector enqueues the entries of collected allocators. */
    private static final ReferenceQueue<HakmemByteBufAllocator> COLLECTED = new ReferenceQueue<>();
    /** Guarded by the class. */
    private static boolean hooked;

    private OsStatsAtExit() {
    }

    static synchronized void register(HakmemByteBufAllocator alloc) {
        for (Reference<?> r = COLLECTED.poll(); r != null; r = COLLECTED.poll()) {
            ALLOCATORS.remove(r);
        }
        ALLOCATORS.add(new WeakReference<>(alloc, COLLECTED));
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(OsStatsAtExit::printAll, "netty-hakmem-os-stats"));
            hooked = true;
        }
    }

    private static void printAll() {
        List<HakmemByteBufAllocator> live = new ArrayList<>();
        synchronized (OsStatsAtExit.class) {
            for (WeakReference<HakmemByteBufAllocator> ref : ALLOCATORS) {
                HakmemByteBufAllocator a = ref.get();
                if (a != null) {
                    live.add(a);
                }
            }
        }
        printAll(live, System.err);
    }

    /**
     * One line per allocator that mapped memory. One that never did (DEFAULT, built when the class is
     * first used, in an application that allocates from an allocator of its own) has only zeros to
     * report; if no allocator mapped anything, one line says so, so that the switch visibly works.
     */
    static void printAll(List<HakmemByteBufAllocator> allocators, PrintStream out) {
        boolean printed = false;
        for (HakmemByteBufAllocator a : allocators) {
            if (a.metric().osStats().mmapCalls() > 0) {
                print(a, out);
                printed = true;
            }
        }
        if (!printed) {
            out.println("netty-hakmem OS stats: no allocator mapped memory");
        }
    }

    static void print(HakmemByteBufAllocator alloc, PrintStream out) {
        HakmemAllocatorMetric m = alloc.metric();
        out.println("netty-hakmem OS stats [" + alloc.policyName() + "]: " + m.osStats()
                + "; resident " + m.residentBytes() + " B, committed " + m.committedBytes() + " B");
    }
}
