/*
 * JmhRounds: runs the JMH workloads the way this project compares allocators on noisy machines.
 *
 * For every workload, `rounds` rounds; in each round every allocator runs once, in a fresh JVM
 * with identical flags (JMH fork = 1, the flags of the benchmark's @Fork), in alternation
 * (A B C A B C ...). JMH's GC profiler runs too, for gc.alloc.rate.norm (bytes allocated per op).
 * It prints a Markdown table: per workload and allocator the median, min, max and CV of the
 * per-round scores, the median allocation per op, and hakmem's ratio to the faster peer.
 *
 * Usage: java -cp benchmarks.jar org.hakmem.bench.JmhRounds [--rounds N] [--quick]
 *            [--allocators hakmem,pooled,adaptive] [--only name,name]
 */
package org.hakmem.bench;

import org.hakmem.examples.bench.Allocators;
import org.hakmem.examples.bench.Stats;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

public final class JmhRounds {
    record Workload(String name, String benchmark, Map<String, String> params) {
    }

    static final List<Workload> WORKLOADS = List.of(
            new Workload("mixed-ws400 (event loop)", "MixedWs400Benchmark", Map.of("maxSize", "1024", "thread", "eventloop")),
            new Workload("mixed-ws400 (plain thread)", "MixedWs400Benchmark", Map.of("maxSize", "1024", "thread", "plain")),
            new Workload("mixed-ws400-32k (event loop)", "MixedWs400Benchmark", Map.of("maxSize", "32768", "thread", "eventloop")),
            new Workload("mixed-ws400-32k (plain thread)", "MixedWs400Benchmark", Map.of("maxSize", "32768", "thread", "plain")),
            new Workload("cross-thread (event loop)", "CrossThreadBenchmark", Map.of("thread", "eventloop")),
            new Workload("cross-thread (plain thread)", "CrossThreadBenchmark", Map.of("thread", "plain")));

    /** What the command line asks for. */
    record Options(int rounds, boolean quick, List<String> allocators, List<String> only) {
    }

    private static final String USAGE = "usage: JmhRounds [--rounds N] [--quick] [--allocators a,b] [--only workload-prefix,...]";

    /**
     * Parses the command line. A bad one throws IllegalArgumentException naming the bad value and what
     * is allowed (main turns it into exit 2), before any benchmark runs.
     */
    static Options parse(String... args) {
        int rounds = 3;
        boolean quick = false;
        List<String> allocators = List.of("hakmem", "pooled", "adaptive");
        List<String> only = null;
        for (int i = 0; i < args.length; i++) {
            String opt = args[i];
            if (opt.equals("--quick")) {
                quick = true;
                continue;
            }
            if (!opt.equals("--rounds") && !opt.equals("--allocators") && !opt.equals("--only")) {
                throw new IllegalArgumentException("unknown argument '" + opt + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + opt);
            }
            String v = args[++i];
            switch (opt) {
                case "--rounds" -> rounds = Footprint.atLeastOne(opt, v);
                case "--allocators" -> allocators = Arrays.asList(v.split(","));
                default -> only = Arrays.asList(v.split(","));
            }
        }
        for (String a : allocators) {
            if (!Allocators.NAMES.contains(a)) {
                throw new IllegalArgumentException("unknown allocator '" + a + "' in --allocators; allowed: " + Allocators.NAMES);
            }
        }
        if (allocators.stream().distinct().count() != allocators.size()) {
            throw new IllegalArgumentException("--allocators must name each allocator once: " + allocators);
        }
        if (only != null) {
            for (String prefix : only) {
                if (WORKLOADS.stream().noneMatch(w -> w.name().startsWith(prefix))) {
                    throw new IllegalArgumentException("--only '" + prefix + "' matches no workload; workloads: "
                            + WORKLOADS.stream().map(Workload::name).toList());
                }
            }
        }
        return new Options(rounds, quick, allocators, only);
    }

    public static void main(String[] args) throws Exception {
        Options opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        int rounds = opts.rounds();
        boolean quick = opts.quick();
        List<String> allocators = opts.allocators();
        List<String> only = opts.only();
        String jvm = System.getProperty("java.home") + "/bin/java";
        System.out.println("# JmhRounds: " + rounds + " rounds, JDK " + System.getProperty("java.version")
                + " (" + jvm + "), " + Runtime.getRuntime().availableProcessors() + " CPUs");
        List<String> rows = new ArrayList<>();
        for (Workload w : WORKLOADS) {
            if (only != null && only.stream().noneMatch(w.name()::startsWith)) {
                continue;
            }
            Map<String, double[]> scores = new LinkedHashMap<>();
            Map<String, double[]> allocs = new LinkedHashMap<>();
            for (String a : allocators) {
                scores.put(a, new double[rounds]);
                allocs.put(a, new double[rounds]);
            }
            for (int r = 0; r < rounds; r++) {
                for (String a : allocators) {
                    System.out.printf(Locale.ROOT, "-- %s, round %d/%d, %s%n", w.name(), r + 1, rounds, a);
                    ChainedOptionsBuilder o = new OptionsBuilder()
                            .include(w.benchmark())
                            .param("allocator", a)
                            .forks(1)
                            .jvm(jvm)
                            .warmupIterations(3).warmupTime(TimeValue.seconds(quick ? 1 : 2))
                            .measurementIterations(3).measurementTime(TimeValue.seconds(quick ? 1 : 2))
                            .addProfiler(GCProfiler.class)
                            .verbosity(VerboseMode.SILENT);
                    w.params().forEach(o::param);
                    RunResult result = new Runner(o.build()).runSingle();
                    scores.get(a)[r] = result.getPrimaryResult().getScore();
                    allocs.get(a)[r] = secondary(result, "gc.alloc.rate.norm");
                    System.out.printf(Locale.ROOT, "   %.2f ops/us, %.1f B/op%n", scores.get(a)[r], allocs.get(a)[r]);
                }
            }
            double bestPeer = 0;
            for (String a : allocators) {
                if (!a.startsWith("hakmem")) {
                    bestPeer = Math.max(bestPeer, Stats.median(scores.get(a)));
                }
            }
            double fast = scores.containsKey("hakmem") ? Stats.median(scores.get("hakmem")) : 0;
            for (String a : allocators) {
                double[] s = scores.get(a);
                String ratio = "";
                if (a.startsWith("hakmem") && bestPeer > 0) {
                    ratio = String.format(Locale.ROOT, "%.2fx", Stats.median(s) / bestPeer);
                }
                if (a.startsWith("hakmem-lean") && fast > 0) {
                    ratio += String.format(Locale.ROOT, " (%.2fx FAST)", Stats.median(s) / fast);
                }
                rows.add(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f | %.1f%% | %.1f | %s |",
                        w.name(), a, Stats.median(s), Stats.min(s), Stats.max(s), Stats.cv(s) * 100,
                        Stats.median(allocs.get(a)), ratio));
            }
        }
        System.out.println();
        System.out.println("| workload | allocator | median ops/us | min | max | CV | B/op (gc.alloc.rate.norm) | hakmem / faster peer (LEAN: also / FAST) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private static double secondary(RunResult result, String suffix) {
        for (Map.Entry<String, Result> e : result.getSecondaryResults().entrySet()) {
            if (e.getKey().endsWith(suffix)) {
                return e.getValue().getScore();
            }
        }
        return Double.NaN;
    }
}
