/*
 * JmhRounds: runs the JMH workloads the way this project compares allocators on noisy machines.
 *
 * For every workload, `rounds` rounds; in each round every allocator runs once, in a fresh JVM
 * with identical flags (JMH fork = 1: this JVM's own flags, which JMH passes on, then those of the
 * benchmark's @Fork), in alternation (A B C A B C ...). These runs measure speed alone: no profiler.
 * After the rounds, each allocator runs once more with JMH's GC profiler, for gc.alloc.rate.norm (bytes
 * allocated per op). The profiler is kept out of the scored runs because it is not free: on JDK 17 it
 * slowed mixed-ws400 on an event loop by about a quarter for netty-hakmem and Adaptive, and not at all
 * for Pooled (docs/BENCHMARKS.md, Experiments, session 21).
 * Each run's line gives its score and the scores of its measured iterations. At the end it prints a
 * Markdown table: per workload and allocator the median, min, max and CV of the per-round scores, the
 * allocation per op of its profiled run, and hakmem's ratio to the faster peer. A run that fails (an
 * exception in any iteration or in the teardown, a crashed fork) stops it with JMH's error: no table
 * is printed from fewer runs or fewer iterations.
 *
 * Usage: java -cp benchmarks.jar org.hakmem.bench.JmhRounds [--rounds N] [--quick]
 *            [--allocators hakmem,pooled,adaptive] [--only name,name] [-h|--help]
 * Without --only it runs the six workloads of the targets; "frame-decode" (FrameDecodeBenchmark),
 * "pinned cross-thread" (cross-thread with its two threads pinned to one CPU or to two: CpuAffinity)
 * and "loop floor" (mixed-ws400's loop without allocating: MixedWs400Benchmark, step=touch) run only
 * when --only names them.
 */
package org.hakmem.bench;

import org.hakmem.examples.bench.Allocators;
import org.hakmem.examples.bench.Cli;
import org.hakmem.examples.bench.Stats;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.ArrayList;
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

    /**
     * Run only when --only names them: not part of the twelve cells the targets are judged on, nor of
     * a run without --only.
     */
    static final List<Workload> OPT_IN_WORKLOADS = List.of(
            new Workload("frame-decode (event loop)", "FrameDecodeBenchmark", Map.of("thread", "eventloop")),
            new Workload("frame-decode (plain thread)", "FrameDecodeBenchmark", Map.of("thread", "plain")),
            new Workload("pinned cross-thread, one CPU (event loop)", "CrossThreadBenchmark",
                    Map.of("thread", "eventloop", "placement", "one-cpu")),
            new Workload("pinned cross-thread, two CPUs (event loop)", "CrossThreadBenchmark",
                    Map.of("thread", "eventloop", "placement", "two-cpus")),
            new Workload("pinned cross-thread, one CPU (plain thread)", "CrossThreadBenchmark",
                    Map.of("thread", "plain", "placement", "one-cpu")),
            new Workload("pinned cross-thread, two CPUs (plain thread)", "CrossThreadBenchmark",
                    Map.of("thread", "plain", "placement", "two-cpus")),
            new Workload("loop floor: mixed-ws400 (event loop)", "MixedWs400Benchmark",
                    Map.of("maxSize", "1024", "thread", "eventloop", "step", "touch")),
            new Workload("loop floor: mixed-ws400 (plain thread)", "MixedWs400Benchmark",
                    Map.of("maxSize", "1024", "thread", "plain", "step", "touch")));

    /** What the command line asks for. */
    record Options(int rounds, boolean quick, List<String> allocators, List<String> only) {
    }

    private static final String USAGE = "usage: JmhRounds [--rounds N (>= 1, default 3)] [--quick]"
            + " [--allocators a,b (of " + String.join(", ", Allocators.NAMES) + "; default hakmem,pooled,adaptive)]"
            + " [--only workload-prefix,...] [-h|--help]";

    /**
     * Parses the command line. A bad one throws IllegalArgumentException naming the bad value and what
     * is allowed (main turns it into exit 2), before any benchmark runs. Returns null if it asks for the usage.
     */
    static Options parse(String... args) {
        Map<String, String> o = Cli.options(args, List.of("--quick"), List.of("--rounds", "--allocators", "--only"));
        if (Cli.wantsHelp(o)) {
            return null;
        }
        List<String> allocators = o.containsKey("--allocators")
                ? Cli.forOption("--allocators", o.get("--allocators"), Allocators::parseList)
                : List.of("hakmem", "pooled", "adaptive");
        List<String> only = o.containsKey("--only") ? Cli.forOption("--only", o.get("--only"), JmhRounds::prefixes) : null;
        return new Options(Cli.intAtLeast("--rounds", o.getOrDefault("--rounds", "3"), 1), o.containsKey("--quick"),
                allocators, only);
    }

    /** --only's comma-separated prefixes, each of which must start the name of a workload (opt-in ones too). */
    private static List<String> prefixes(String value) {
        List<String> names = allWorkloads().stream().map(Workload::name).toList();
        List<String> prefixes = Cli.list("workload prefix", value, "prefixes of " + names);
        for (String prefix : prefixes) {
            if (names.stream().noneMatch(name -> name.startsWith(prefix))) {
                throw new IllegalArgumentException("'" + prefix + "' matches no workload; allowed: prefixes of " + names);
            }
        }
        return prefixes;
    }

    private static List<Workload> allWorkloads() {
        List<Workload> all = new ArrayList<>(WORKLOADS);
        all.addAll(OPT_IN_WORKLOADS);
        return all;
    }

    /** The workloads a run covers: the default set, or every workload (opt-in ones too) that --only names. */
    static List<Workload> selected(List<String> only) {
        if (only == null) {
            return WORKLOADS;
        }
        return allWorkloads().stream().filter(w -> only.stream().anyMatch(w.name()::startsWith)).toList();
    }

    public static void main(String[] args) throws Exception {
        Options opts = Cli.parseOrExit(args, JmhRounds::parse, USAGE);
        int rounds = opts.rounds();
        boolean quick = opts.quick();
        List<String> allocators = opts.allocators();
        List<String> only = opts.only();
        String jvm = System.getProperty("java.home") + "/bin/java";
        System.out.println("# JmhRounds: " + rounds + " rounds, JDK " + System.getProperty("java.version")
                + " (" + jvm + "), " + Runtime.getRuntime().availableProcessors() + " CPUs");
        List<String> rows = new ArrayList<>();
        for (Workload w : selected(only)) {
            Map<String, double[]> scores = new LinkedHashMap<>();
            Map<String, double[]> allocs = new LinkedHashMap<>();
            for (String a : allocators) {
                scores.put(a, new double[rounds]);
            }
            for (int r = 0; r < rounds; r++) {
                for (String a : roundOrder(allocators, r)) {
                    System.out.printf(Locale.ROOT, "-- %s, round %d/%d, %s%n", w.name(), r + 1, rounds, a);
                    RunResult result = runOnce(options(w, a, quick, jvm).build());
                    scores.get(a)[r] = result.getPrimaryResult().getScore();
                    System.out.println(scoreLine(result));
                }
            }
            for (String a : allocators) {
                System.out.printf(Locale.ROOT, "-- %s, allocation per op (GC profiler, not scored), %s%n", w.name(), a);
                RunResult result = runOnce(garbageOptions(w, a, quick, jvm).build());
                allocs.put(a, new double[] {secondary(result, "gc.alloc.rate.norm")});
                System.out.printf(Locale.ROOT, "   %.1f B/op%n", allocs.get(a)[0]);
            }
            double bestPeer = fasterPeerMedian(scores);
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
                rows.add(row(w.name(), a, s, allocs.get(a), ratio));
            }
        }
        System.out.println();
        System.out.println("| workload | allocator | median ops/us | min | max | CV | B/op (gc.alloc.rate.norm, a run of its own) | hakmem / faster peer (LEAN: also / FAST) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** The higher median of the allocators that are not netty-hakmem's (Netty's peers); 0 if none ran. */
    static double fasterPeerMedian(Map<String, double[]> scores) {
        double best = 0;
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            if (!e.getKey().startsWith("hakmem")) {
                best = Math.max(best, Stats.median(e.getValue()));
            }
        }
        return best;
    }

    /**
     * The order of round r: the allocators rotated by r, so that each runs first, second, ... in turn.
     * A fixed order gave the first allocator the start of every round, where a shared machine that
     * slows or speeds up within a round favours one position.
     */
    static List<String> roundOrder(List<String> allocators, int r) {
        List<String> order = new ArrayList<>(allocators.size());
        for (int i = 0; i < allocators.size(); i++) {
            order.add(allocators.get((i + r) % allocators.size()));
        }
        return order;
    }

    /** The JMH options of one scored run: one fresh JVM running w's benchmark for one allocator, no profiler. */
    static ChainedOptionsBuilder options(Workload w, String allocator, boolean quick, String jvm) {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(w.benchmark())
                .param("allocator", allocator)
                .forks(1)
                .jvm(jvm)
                .warmupIterations(3).warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(3).measurementTime(TimeValue.seconds(quick ? 1 : 2))
                // JMH's default keeps the iterations done before an exception (a failing trial teardown
                // fails the last one) and scores the run on them; silent, it does not even say so.
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
        w.params().forEach(o::param);
        return o;
    }

    /** The options of the run that measures allocation per op: a scored run's, with JMH's GC profiler. */
    static ChainedOptionsBuilder garbageOptions(Workload w, String allocator, boolean quick, String jvm) {
        return options(w, allocator, quick, jvm).addProfiler(GCProfiler.class);
    }

    /** Runs one fork; a run that failed in any way throws (RunnerException, with JMH's cause). */
    static RunResult runOnce(org.openjdk.jmh.runner.options.Options options) throws RunnerException {
        return new Runner(options).runSingle();
    }

    /**
     * A run's score line: the score JMH gives (the mean of the measured iterations), then each measured
     * iteration's score in order. The iterations show a run that a slow stretch of a shared machine
     * caught (an iteration or two at two thirds of the others: docs/BENCHMARKS.md, session 29), which
     * the mean alone hides.
     */
    static String scoreLine(RunResult result) {
        StringBuilder line = new StringBuilder(
                String.format(Locale.ROOT, "   %.2f ops/us (iterations:", result.getPrimaryResult().getScore()));
        for (double score : iterationScores(result)) {
            line.append(String.format(Locale.ROOT, " %.2f", score));
        }
        return line.append(')').toString();
    }

    /** The scores of a run's measured iterations, in the order they ran (warm-up not included). */
    static double[] iterationScores(RunResult result) {
        return result.getBenchmarkResults().stream()
                .flatMap(fork -> fork.getIterationResults().stream())
                .mapToDouble(iteration -> iteration.getPrimaryResult().getScore())
                .toArray();
    }

    /** One table row: the per-round scores' median, min, max and CV, the median B/op, the ratio text. */
    static String row(String workload, String allocator, double[] scores, double[] bytesPerOp, String ratio) {
        return String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f | %s | %.1f | %s |", workload, allocator,
                Stats.median(scores), Stats.min(scores), Stats.max(scores), Stats.cvText(scores),
                Stats.median(bytesPerOp), ratio);
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
