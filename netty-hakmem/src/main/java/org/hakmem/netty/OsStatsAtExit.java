/*
 * OsStatsAtExit: HAKMEM_SS_OS_STATS=1 - print an allocator's OS stats once, when the JVM exits.
 *
 * One shutdown hook per allocator that asked for it. The hook holds the allocator weakly: asking
 * for a report must not keep an allocator alive; one that was collected has nothing left to report
 * (its counters went with it).
 */
package org.hakmem.netty;

import java.io.PrintStream;
import java.lang.ref.WeakReference;

final class OsStatsAtExit {
    private OsStatsAtExit() {
    }

    static void register(HakmemByteBufAllocator alloc) {
        WeakReference<HakmemByteBufAllocator> ref = new WeakReference<>(alloc);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            HakmemByteBufAllocator a = ref.get();
            if (a != null) {
                print(a, System.err);
            }
        }, "netty-hakmem-os-stats"));
    }

    static void print(HakmemByteBufAllocator alloc, PrintStream out) {
        HakmemAllocatorMetric m = alloc.metric();
        out.println("netty-hakmem OS stats [" + alloc.policyName() + "]: " + m.osStats()
                + "; resident " + m.residentBytes() + " B, committed " + m.committedBytes() + " B");
    }
}
