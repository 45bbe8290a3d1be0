/*
 * EchoBenchmark: runs the echo benchmark, every server and client in a child JVM of its own.
 *
 *   EchoBenchmark [--allocators hakmem,pooled,adaptive] [--rounds 3] [--duration 10] [--warmup 8]
 *                 [--connections 64] [--size 256] [--inflight 4] [--transport epoll|nio]
 *                 [--client-allocator NAME] [--cpus SERVER:CLIENT]
 *
 * Per round, per allocator (alternating): start EchoBenchServer, read its PORT line, run
 * EchoLoadClient against it, read its CLIENT line, send STOP to the server, read its SERVER line.
 * Any child that fails or times out is reported with its output and the launcher exits 1.
 * At the end a Markdown table summarizes every allocator. --cpus 0:1 runs the server JVM on CPU 0 and
 * the client JVM on CPU 1 (taskset; see CpuPinning); by default the scheduler places both.
 */
package org.hakmem.examples.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

public final class EchoBenchmark {

    /** The flags of every child JVM, identical for all allocators. */
    static final List<String> JVM_FLAGS = List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-Dio.netty.leakDetection.level=disabled",
            "-Dio.netty.allocator.lowMemory=false",
            "-Xms256m",
            "-Xmx256m");

    private EchoBenchmark() {
    }

    private static final String USAGE = "usage: EchoBenchmark [--allocators hakmem,pooled,adaptive] [--rounds 3] [--duration 10]"
                + " [--warmup 8] [--connections 64] [--size 256] [--inflight 4] [--transport epoll|nio]"
                + " [--client-allocator NAME (default: the server's)]"
                + " [--cpus SERVER:CLIENT (CPU lists for taskset, e.g. 0:1; default: not pinned)]";

    /** The options USAGE lists, each of which takes a value. */
    private static final List<String> OPTIONS = List.of("--allocators", "--rounds", "--duration", "--warmup",
            "--connections", "--size", "--inflight", "--transport", "--client-allocator", "--cpus");

    /** What the command line asks for; pinning is null when not pinned. */
    record Options(List<String> allocators, int rounds, int duration, int warmup, int connections, int size,
                   int inflight, String transport, String clientAllocator, CpuPinning pinning) {
    }

    /**
     * Reads the command line; a bad one throws IllegalArgumentException naming the option, the bad value
     * and what is allowed, before any JVM is started. Returns null if it asks for the usage.
     */
    static Options parse(String... args) {
        Map<String, String> o = Cli.options(args, List.of(), OPTIONS);
        if (Cli.wantsHelp(o)) {
            return null;
        }
        List<String> allocators = o.containsKey("--allocators")
                ? Cli.forOption("--allocators", o.get("--allocators"), Allocators::parseList)
                : List.of("hakmem", "pooled", "adaptive");
        String clientAllocator = o.containsKey("--client-allocator")
                ? Cli.oneOf("--client-allocator", o.get("--client-allocator"), Allocators.NAMES) : null;
        return new Options(allocators,
                Cli.intAtLeast("--rounds", o.getOrDefault("--rounds", "3"), 1),
                Cli.intIn("--duration", o.getOrDefault("--duration", "10"), 1, Cli.MAX_RUN_SECONDS),
                Cli.intIn("--warmup", o.getOrDefault("--warmup", "8"), 0, Cli.MAX_RUN_SECONDS),
                Cli.intAtLeast("--connections", o.getOrDefault("--connections", "64"), 1),
                Cli.intIn("--size", o.getOrDefault("--size", "256"), 1, EchoLoadClient.MAX_SIZE),
                Cli.intIn("--inflight", o.getOrDefault("--inflight", "4"), 1, EchoLoadClient.MAX_INFLIGHT),
                Cli.oneOf("--transport", o.getOrDefault("--transport", "epoll"), EchoRun.TRANSPORTS),
                clientAllocator,
                // last: it runs taskset
                o.containsKey("--cpus") ? CpuPinning.forOption("--cpus", o.get("--cpus")) : null);
    }

    public static void main(String[] args) throws Exception {
        Options opts = Cli.parseOrExit(args, EchoBenchmark::parse, USAGE);
        List<String> allocators = opts.allocators();
        int rounds = opts.rounds();
        CpuPinning pinning = opts.pinning();
        String clientAllocator = opts.clientAllocator();

        String java = System.getProperty("java.home") + "/bin/java";
        String cp = System.getProperty("java.class.path");
        System.out.println("# echo benchmark");
        System.out.println("java: " + java + " (" + System.getProperty("java.version") + ")");
        System.out.println("JVM flags (every server and client JVM): " + String.join(" ", JVM_FLAGS));
        System.out.println("server JVM flags: " + String.join(" ", EchoRun.serverFlags(java, JVM_FLAGS)));
        System.out.printf(Locale.ROOT, "allocators=%s rounds=%d warmup=%ds duration=%ds connections=%d size=%dB"
                        + " inflight=%d transport=%s client allocator=%s cpus=%d pinning=%s%n",
                String.join(",", allocators), rounds, opts.warmup(), opts.duration(), opts.connections(), opts.size(),
                opts.inflight(), opts.transport(),
                clientAllocator != null ? clientAllocator : "the server's",
                Runtime.getRuntime().availableProcessors(), pinning != null ? pinning : "none");

        Map<String, List<EchoRun.Result>> results = new LinkedHashMap<>();
        for (String a : allocators) {
            results.put(a, new ArrayList<>());
        }
        EchoRun.Settings settings = new EchoRun.Settings(java, JVM_FLAGS, cp, opts.transport(), opts.connections(),
                opts.size(), opts.inflight(), opts.warmup(), opts.duration(), clientAllocator, pinning);
        try {
            for (int round = 1; round <= rounds; round++) {
                for (String alloc : allocators) {
                    EchoRun.Result run = EchoRun.run(settings, alloc);
                    results.get(alloc).add(run);
                    System.out.println(roundLine(round, rounds, alloc, run));
                }
            }
        } catch (ChildJvm.ChildFailure e) {
            System.out.flush();
            System.err.println("FAILED: " + e.getMessage());
            System.exit(1);
        }
        System.out.print(table(results, JVM_FLAGS));
        System.exit(0);
    }

    /** The line printed after each run; a measured-phase peak of -1 (not taken) reads n/a, as in the table. */
    static String roundLine(int round, int rounds, String alloc, EchoRun.Result run) {
        String phasePeak = phasePeakMiB(List.of(run));
        return String.format(Locale.ROOT,
                "round %d/%d %-8s msgs/s=%.0f p50=%.1fus p99=%.1fus p99.9=%.1fus server VmHWM=%.1fMiB"
                        + " measured-phase peak=%s",
                round, rounds, alloc, run.msgsPerS(), run.p50Us(), run.p99Us(), run.p999Us(),
                run.serverHwmKib() / 1024.0, phasePeak.equals("n/a") ? phasePeak : phasePeak + "MiB");
    }

    /**
     * The median measured-phase peak in MiB over the runs that have one; n/a if none has (-1: the
     * server's kernel refused the VmHWM reset), rather than -1 KiB counted as a figure.
     */
    private static String phasePeakMiB(List<EchoRun.Result> runs) {
        double[] mib = runs.stream().filter(r -> r.serverPhaseHwmKib() >= 0)
                .mapToDouble(r -> r.serverPhaseHwmKib() / 1024.0).toArray();
        return mib.length == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", Stats.median(mib));
    }

    /** The Markdown summary of every allocator's runs, with its caption and the JVM flags. */
    static String table(Map<String, List<EchoRun.Result>> results, List<String> flags) {
        Double pooledMedian = results.containsKey("pooled")
                ? Stats.median(results.get("pooled").stream().mapToDouble(EchoRun.Result::msgsPerS).toArray()) : null;
        StringBuilder sb = new StringBuilder("\n");
        sb.append("| allocator | runs | msgs/s median | msgs/s min | msgs/s max | CV | p99 median (us)"
                + " | p99.9 median (us) | server VmHWM median (MiB) | server measured-phase peak median (MiB)"
                + " | msgs/s vs pooled |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, List<EchoRun.Result>> e : results.entrySet()) {
            List<EchoRun.Result> runs = e.getValue();
            double[] t = runs.stream().mapToDouble(EchoRun.Result::msgsPerS).toArray();
            double med = Stats.median(t);
            String ratio = pooledMedian == null || pooledMedian == 0 ? "n/a"
                    : String.format(Locale.ROOT, "%.3f", med / pooledMedian);
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %s | %.1f | %.1f | %.1f | %s | %s |%n",
                    e.getKey(), runs.size(), med,
                    Stats.min(t), Stats.max(t), Stats.cvText(t),
                    Stats.median(runs.stream().mapToDouble(EchoRun.Result::p99Us).toArray()),
                    Stats.median(runs.stream().mapToDouble(EchoRun.Result::p999Us).toArray()),
                    Stats.median(runs.stream().mapToDouble(r -> r.serverHwmKib() / 1024.0).toArray()),
                    phasePeakMiB(runs), ratio));
        }
        sb.append('\n');
        sb.append("CV = sample standard deviation / mean of msgs/s over the runs (n/a for a single run). "
                + "\"msgs/s vs pooled\" = median msgs/s / pooled's median msgs/s. VmHWM: the server's peak RSS over"
                + " its whole life; measured-phase peak: its peak RSS after the warmup (EchoRun).\n");
        sb.append("JVM flags: ").append(String.join(" ", flags)).append('\n');
        return sb.toString();
    }
}
