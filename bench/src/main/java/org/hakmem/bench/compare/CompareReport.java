/*
 * CompareReport: the Markdown tables of `compare`: throughput per workload and allocator (median,
 * min, max, CV, ratios to hakmem FAST and to Pooled, peak RSS, allocator resident, syscalls/op),
 * netty-hakmem's memory taken apart (used, spans, free slabs, resident, span churn), burst-idle
 * memory (RSS before, peak, end, retained), echo latencies, and every failed run.
 */
package org.hakmem.bench.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

final class CompareReport {
    static final List<String> THROUGHPUT_WORKLOADS = List.of("mixed-ws400", "mixed-ws400-32k", "cross-thread", "echo");
    /** Single-thread workloads whose end state is a steady working set worth taking apart. */
    static final List<String> MEMORY_BREAKDOWN_WORKLOADS = List.of("mixed-ws400", "mixed-ws400-32k");

    private CompareReport() {
    }

    static String tables(List<RunRecord> records, List<String> workloads, List<String> allocators, EchoOptions echo) {
        StringBuilder sb = new StringBuilder();
        List<String> throughput = workloads.stream().filter(THROUGHPUT_WORKLOADS::contains).toList();
        if (!throughput.isEmpty()) {
            sb.append("## Throughput\n\n").append(throughput(records, throughput, allocators)).append('\n')
                    .append("ops/s: allocate+release pairs per second (echo: messages per second, client side). ")
                    .append("CV = sample standard deviation / mean over the rounds. \"/ hakmem\" and \"/ pooled\": ")
                    .append("median over the median of `hakmem` (FAST) and of `pooled`. VmHWM: the child's peak RSS ")
                    .append("(echo: the server's). resident: the allocator's own resident bytes (mincore), peak ")
                    .append("sampled (echo: at the end); n/a for Netty's allocators, which cannot tell. ")
                    .append("syscalls/op: netty-hakmem's mmap+munmap+madvise calls per op in the measured phase.\n\n");
        }
        List<String> breakdown = workloads.stream().filter(MEMORY_BREAKDOWN_WORKLOADS::contains).toList();
        List<String> hakmems = allocators.stream().filter(a -> a.startsWith("hakmem")).toList();
        if (!breakdown.isEmpty() && !hakmems.isEmpty()) {
            sb.append("## Where netty-hakmem's memory is, at the end of the run\n\n")
                    .append(memoryBreakdown(records, breakdown, hakmems)).append('\n')
                    .append("Medians over the rounds, MiB. used: live buffers' slots (their class sizes). spans: ")
                    .append("slabs cut into spans for thread heaps; spans - used is the free slots inside spans. ")
                    .append("free slabs: released by heaps and not yet decommitted (waiting for LEAN's purge, or ")
                    .append("kept by FAST), with the kept mappings of released buffers over 1 MiB (none in these ")
                    .append("workloads). committed = spans + free slabs. resident: mincore over the mappings. ")
                    .append("spans/op: spans heaps took from the pool per op in the measured phase (span churn).\n\n");
        }
        if (workloads.contains("burst-idle")) {
            sb.append("## burst-idle memory\n\n").append(burstIdle(records, allocators)).append('\n')
                    .append("Medians over the rounds, MiB. before: VmRSS after start-up, before the burst; peak: ")
                    .append("VmHWM; end: VmRSS after the idle phase; retained = end - before ([min, max] over the ")
                    .append("rounds). LazyFree: pages given back with MADV_FREE that still count in RSS until the ")
                    .append("kernel needs them (smaps_rollup). resident: netty-hakmem's own resident bytes.\n\n");
        }
        if (workloads.contains("echo")) {
            sb.append("## echo latency\n\n").append(echo(records, allocators, echo)).append('\n');
        }
        return sb.toString();
    }

    private static String throughput(List<RunRecord> records, List<String> workloads, List<String> allocators) {
        List<List<String>> rows = new ArrayList<>();
        for (String w : workloads) {
            double fast = Summary.of(records, w, "hakmem", "ops_per_s").median();
            double pooled = Summary.of(records, w, "pooled", "ops_per_s").median();
            for (String a : allocators) {
                Summary s = Summary.of(records, w, a, "ops_per_s");
                String resident = w.equals("echo") ? "resident_end" : "resident_peak";
                rows.add(List.of(w, a, runs(records, w, a, s), Md.si(s.median()), Md.si(s.min()), Md.si(s.max()),
                        s.cvText(), Md.ratio(s.median() / fast), Md.ratio(s.median() / pooled),
                        Md.mibFromKib(Summary.of(records, w, a, "hwm_kib").median()),
                        Md.mib(Summary.of(records, w, a, resident).median()),
                        Md.sig(Summary.of(records, w, a, "syscalls_per_op").median())));
            }
        }
        return Md.table(List.of("workload", "allocator", "runs", "median ops/s", "min", "max", "CV", "/ hakmem",
                "/ pooled", "VmHWM MiB", "resident MiB", "syscalls/op"), rows);
    }

    private static String memoryBreakdown(List<RunRecord> records, List<String> workloads, List<String> allocators) {
        List<List<String>> rows = new ArrayList<>();
        for (String w : workloads) {
            for (String a : allocators) {
                rows.add(List.of(w, a, Md.mib(Summary.of(records, w, a, "used_direct_end").median()),
                        Md.mib(Summary.of(records, w, a, "span_end").median()),
                        Md.mib(Summary.of(records, w, a, "free_committed_end").median()),
                        Md.mib(Summary.of(records, w, a, "committed_end").median()),
                        Md.mib(Summary.of(records, w, a, "resident_end").median()),
                        Md.sig(Summary.of(records, w, a, "spans_per_op").median())));
            }
        }
        return Md.table(List.of("workload", "allocator", "used", "spans", "free slabs", "committed", "resident",
                "spans/op"), rows);
    }

    private static String burstIdle(List<RunRecord> records, List<String> allocators) {
        List<List<String>> rows = new ArrayList<>();
        for (String a : allocators) {
            double[] retained = records.stream()
                    .filter(r -> r.ok() && r.workload().equals("burst-idle") && r.allocator().equals(a))
                    .mapToDouble(r -> r.num("rss_end_kib") - r.num("rss_before_kib"))
                    .filter(Double::isFinite).toArray();
            Summary ret = Summary.of(retained);
            rows.add(List.of(a, runs(records, "burst-idle", a, ret),
                    Md.mibFromKib(med(records, a, "rss_before_kib")),
                    Md.mibFromKib(med(records, a, "hwm_kib")),
                    Md.mibFromKib(med(records, a, "rss_end_kib")),
                    Md.mibFromKib(ret.median()) + " [" + Md.mibFromKib(ret.min()) + ", " + Md.mibFromKib(ret.max()) + "]",
                    Md.mibFromKib(med(records, a, "lazyfree_kib")),
                    Md.mib(med(records, a, "resident_burst")),
                    Md.mib(med(records, a, "resident_end")),
                    Md.sig(med(records, a, "syscalls_per_op")),
                    Md.si(med(records, a, "ops_per_s"))));
        }
        return Md.table(List.of("allocator", "runs", "RSS before", "peak (VmHWM)", "RSS end", "retained (end - before)",
                "LazyFree end", "resident at burst", "resident end", "syscalls/op", "mixed phase ops/s"), rows);
    }

    private static String echo(List<RunRecord> records, List<String> allocators, EchoOptions echo) {
        List<List<String>> rows = new ArrayList<>();
        for (String a : allocators) {
            Summary s = Summary.of(records, "echo", a, "msgs_per_s");
            rows.add(List.of(a, runs(records, "echo", a, s), Md.si(s.median()), s.cvText(),
                    Md.num(Summary.of(records, "echo", a, "p50_us").median(), 1),
                    Md.num(Summary.of(records, "echo", a, "p99_us").median(), 1),
                    Md.num(Summary.of(records, "echo", a, "p999_us").median(), 1),
                    Md.mibFromKib(Summary.of(records, "echo", a, "hwm_kib").median()),
                    peakRange(Summary.of(records, "echo", a, "phase_hwm_kib")),
                    Md.mibFromKib(Summary.of(records, "echo", a, "rss_end_kib").median()),
                    Md.mib(Summary.of(records, "echo", a, "resident_end").median())));
        }
        return Md.table(List.of("allocator", "runs", "msgs/s median", "CV", "p50 us", "p99 us", "p99.9 us",
                "server VmHWM MiB", "server measured-phase peak MiB [min, max]", "server RSS end MiB",
                "server resident MiB"), rows)
                + "\nVmHWM: the server's peak RSS over its whole life, JVM start-up and JIT warmup included."
                + " Measured-phase peak: its peak RSS after the client's warmup (VmHWM reset then; the server"
                + " JVM trims its native heap every second when it can, so the JIT's freed memory is not"
                + " counted; see EchoRun). Server resident: netty-hakmem's own resident bytes at the end."
                + "\nLatencies: medians over the rounds of each run's percentile (HdrHistogram, client side). "
                + ChildLauncher.ECHO_CONNECTIONS + " connections, " + ChildLauncher.ECHO_SIZE + "-byte messages, "
                + ChildLauncher.ECHO_INFLIGHT + " in flight each; transport: " + transport(records, echo)
                + "; server and client in separate JVMs on 127.0.0.1;"
                + " the client's allocator: " + echo.clientDescription() + "; server and client JVMs: "
                + echo.placement() + ".\n\n";
    }

    /**
     * The transport the echo servers ran (their TRANSPORT line), naming the one asked for where it
     * differs: epoll falls back to NIO where it does not load, and the figures are then NIO's.
     */
    private static String transport(List<RunRecord> records, EchoOptions echo) {
        List<String> ran = records.stream().filter(r -> r.ok() && r.workload().equals("echo"))
                .map(r -> r.values().get("transport")).filter(Objects::nonNull).distinct().toList();
        if (ran.isEmpty()) {
            return echo.transport() + " (asked for; no run finished)";
        }
        String used = String.join(", ", ran);
        return ran.equals(List.of(echo.transport())) ? used : used + " (" + echo.transport() + " was asked for)";
    }

    /** "330.1 [329.8, 331.0]" in MiB from KiB; "n/a" when no run measured it (-1: no reset possible). */
    private static String peakRange(Summary s) {
        if (s.n() == 0 || !(s.min() >= 0)) {
            return "n/a";
        }
        return Md.mibFromKib(s.median()) + " [" + Md.mibFromKib(s.min()) + ", " + Md.mibFromKib(s.max()) + "]";
    }

    /** A section listing every failed run with the first lines of its report; empty if none. */
    static String failures(List<RunRecord> records) {
        List<RunRecord> failed = records.stream().filter(r -> !r.ok()).toList();
        if (failed.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("## Failed runs (" + failed.size() + ")\n\n");
        for (RunRecord r : failed) {
            sb.append("### round ").append(r.round()).append(", ").append(r.workload()).append(", ")
                    .append(r.allocator()).append("\n\n```\n").append(r.failure()).append("\n```\n\n");
        }
        return sb.toString();
    }

    /** "3" or "2 (1 failed)". */
    private static String runs(List<RunRecord> records, String w, String a, Summary s) {
        long failed = Summary.failures(records, w, a);
        return failed == 0 ? String.valueOf(s.n()) : s.n() + " (" + failed + " failed)";
    }

    private static double med(List<RunRecord> records, String allocator, String key) {
        return Summary.of(records, "burst-idle", allocator, key).median();
    }
}
