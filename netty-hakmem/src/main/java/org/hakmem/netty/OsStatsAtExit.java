/*
 * OsStatsAtExit: HAKMEM_SS_OS_STATS=1 - print an allocator's OS stats once, when the JVM exits.
 *
 * One shutdown hook for the process, added by the first allocator that asks, prints a line for every
 * allocator that asked and mapped memory (or was refused by the cap). A hook per allocator, as
 * before, left a Thread object behind for every allocator ever built (a loop that builds allocators
 * with the report on, as a test run with HAKMEM_SS_OS_STATS=1 does, kept thousands) and started as
 * many threads at exit.
 *
 * What is held, and why:
 *
 *     Entry --weak-->   the allocator       asking for a report must not keep an allocator alive
 *           --strong--> its OsMemory        the counters and the mappings, which outlive an
 *                                           allocator dropped without trim() (it never unmaps)
 *
 * An application often drops its allocator just before it exits: main returns once the server's
 * event loops have shut down, and the bootstraps that held the allocator go with it. A GC between
 * then and the hook used to take the allocator and its counters, and the report said that no
 * allocator had mapped memory. Now such an allocator still gets its line, from its OsMemory, marked
 * "dropped" and without the committed figure, which only the allocator knows.
 *
 * So every allocator that mapped memory (or that the cap refused) has its line, dropped or not. The
 * entries of dropped allocators that never asked for memory (they have no line) are forgotten when
 * the next allocator registers, so that building and dropping such allocators in a loop does not
 * grow the list; an entry that stays costs its OsMemory, a few objects.
 *
 * A line shows the resident bytes, or why they are unknown (a refused mincore): it keeps its
 * counters, and the lines after it are printed.
 *
 * An allocator first built while the JVM exits (in a shutdown hook) can add no hook: it gets no
 * report, and a line saying so, rather than a failure.
 *
 * The report goes to standard error, not to Netty's logger as the library's warnings do: it is
 * printed in a shutdown hook, and logging frameworks stop in shutdown hooks of their own (Log4j 2,
 * Logback), in no order the JVM defines, so a logged report could vanish.
 */
package org.hakmem.netty;

import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.os.OsStats;

import java.io.PrintStream;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

final class OsStatsAtExit {
    /** Allocators that asked for a report, in the order they asked. Guarded by the class. */
    private static final Set<Entry> ENTRIES = new LinkedHashSet<>();
    /** Where the collector enqueues the entries of dropped allocators. */
    private static final ReferenceQueue<HakmemByteBufAllocator> DROPPED = new ReferenceQueue<>();
    /** Guarded by the class. True once the hook was added, or could not be (the JVM was exiting). */
    private static boolean hooked;

    private OsStatsAtExit() {
    }

    /** One allocator's report: the allocator weakly, what outlives it strongly. */
    static final class Entry extends WeakReference<HakmemByteBufAllocator> {
        final OsMemory os;
        final String policyName;

        Entry(HakmemByteBufAllocator alloc, ReferenceQueue<HakmemByteBufAllocator> queue) {
            super(alloc, queue);
            this.os = alloc.os();
            this.policyName = alloc.policyName();
        }

        /**
         * The report's rule: an allocator that never asked for memory has no line. One whose every
         * request the cap refused made no mmap call, but its refusals explain the OutOfMemoryError
         * the application got, so it has one.
         */
        boolean reported() {
            OsStats s = os.stats();
            return s.mmapCalls() > 0 || s.capRefusals() > 0;
        }
    }

    static synchronized void register(HakmemByteBufAllocator alloc) {
        for (Object dropped = DROPPED.poll(); dropped != null; dropped = DROPPED.poll()) {
            if (!((Entry) dropped).reported()) {
                ENTRIES.remove(dropped);
            }
        }
        ENTRIES.add(new Entry(alloc, DROPPED));
        if (!hooked) {
            hooked = true;
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(OsStatsAtExit::printAll, "netty-hakmem-os-stats"));
            } catch (IllegalStateException exiting) {
                // The JVM is already exiting: an allocator first built in a shutdown hook of the
                // application. A diagnostic switch must not fail the allocator (it used to fail the
                // class's initialisation); say once that there will be no report instead.
                System.err.println("netty-hakmem OS stats: not reported, the allocator was built while the JVM exits");
            }
        }
    }

    private static void printAll() {
        List<Entry> entries;
        synchronized (OsStatsAtExit.class) {
            entries = new ArrayList<>(ENTRIES);
        }
        printAll(entries, System.err);
    }

    /**
     * One line per allocator that mapped memory or was refused by the cap, reachable or dropped.
     * DEFAULT, built when the class is first used, has nothing to report in an application that
     * allocates from an allocator of its own; if no allocator has a line, one line says so, so that
     * the switch visibly works.
     */
    static void printAll(List<Entry> entries, PrintStream out) {
        boolean printed = false;
        for (Entry e : entries) {
            if (e.reported()) {
                print(e, out);
                printed = true;
            }
        }
        if (!printed) {
            out.println("netty-hakmem OS stats: no allocator mapped memory");
        }
    }

    private static void print(Entry e, PrintStream out) {
        HakmemByteBufAllocator alloc = e.get();
        if (alloc != null) {
            print(alloc, out);
        } else {
            out.println("netty-hakmem OS stats [" + e.policyName + ", dropped before exit]: " + e.os.stats()
                    + "; resident " + resident(e.os) + ", still mapped " + e.os.mappedBytes() + " B");
        }
    }

    static void print(HakmemByteBufAllocator alloc, PrintStream out) {
        HakmemAllocatorMetric m = alloc.metric();
        out.println("netty-hakmem OS stats [" + alloc.policyName() + "]: " + m.osStats()
                + "; resident " + resident(alloc.os()) + ", committed " + m.committedBytes() + " B");
    }

    /**
     * The resident bytes, or why they are unknown: a refused mincore (EAGAIN, when the kernel is short
     * of memory) must not cost the line its counters, nor the allocators after it theirs, which it did
     * by throwing out of the hook.
     */
    private static String resident(OsMemory os) {
        try {
            return os.residentBytes() + " B";
        } catch (IllegalStateException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
