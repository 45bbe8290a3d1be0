/*
 * PooledRounds: the per-round scores of one JmhRounds workload, pooled over several runs. Prints each
 * allocator's median [min, max] and CV over all of them, and netty-hakmem's ratio to the faster peer,
 * with JmhRounds' own statistics (Stats, fasterPeerMedian).
 *
 * A single JmhRounds run of 3-7 rounds reads whichever allocator this machine's slow stretches hit
 * (docs/BENCHMARKS.md, session 29); the rounds of every run of the same build, pooled, are the least
 * chosen figure there is (docs/BENCHMARKS.md, session 30, quotes it).
 *
 * Input: JmhRounds output as printed (a "-- <workload>, round i/n, <allocator>" line, then
 * "   <score> ops/us ..."), or the docs/results files that hold it. A file may hold runs on several
 * JDKs under "## " headings; --section keeps only the headings that contain its text (a file without
 * such headings is kept whole).
 *
 * Usage: java -cp benchmarks.jar org.hakmem.bench.PooledRounds "<workload>" [--section TEXT] FILE...
 */
package org.hakmem.bench;

import org.hakmem.examples.bench.Cli;
import org.hakmem.examples.bench.Stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class PooledRounds {
    private static final Pattern ROUND = Pattern.compile("^-- (.*), round \\d+/\\d+, (\\S+)$");
    private static final Pattern SCORE = Pattern.compile("^\\s+([0-9.]+) ops/us");
    private static final String USAGE = "usage: PooledRounds \"<workload>\" [--section TEXT] FILE...";

    private PooledRounds() {
    }

    /** The parts of text under "## " headings whose heading contains wanted; all of it if wanted is null or it has none. */
    static List<String> sections(String text, String wanted) {
        String[] parts = text.split("(?m)^## ");
        if (wanted == null || parts.length == 1) {
            return List.of(text);
        }
        List<String> kept = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].lines().findFirst().orElse("").contains(wanted)) {
                kept.add(parts[i]);
            }
        }
        return kept;
    }

    /** Adds the round scores of workload in text to pooled, by allocator, in the order they ran. */
    static void addScores(String text, String workload, Map<String, List<Double>> pooled) {
        String[] current = null;
        for (String line : text.split("\n")) {
            Matcher round = ROUND.matcher(line);
            if (round.matches()) {
                current = new String[] {round.group(1), round.group(2)};
                continue;
            }
            Matcher score = SCORE.matcher(line);
            if (score.find() && current != null) {
                if (current[0].equals(workload)) {
                    pooled.computeIfAbsent(current[1], a -> new ArrayList<>()).add(Double.parseDouble(score.group(1)));
                }
                current = null;
            }
        }
    }

    /** The report: a line per allocator, then netty-hakmem's ratio to the faster peer if both ran. */
    static List<String> report(Map<String, List<Double>> pooled) {
        Map<String, double[]> scores = new LinkedHashMap<>();
        pooled.forEach((a, v) -> scores.put(a, v.stream().mapToDouble(Double::doubleValue).toArray()));
        List<String> lines = new ArrayList<>();
        scores.forEach((a, s) -> lines.add(String.format(Locale.ROOT, "%-22s %3d rounds  median %7.2f  [%.2f, %.2f]  CV %s",
                a, s.length, Stats.median(s), Stats.min(s), Stats.max(s), Stats.cvText(s))));
        double peer = JmhRounds.fasterPeerMedian(scores);
        if (scores.containsKey("hakmem") && peer > 0) {
            lines.add(String.format(Locale.ROOT, "hakmem / faster peer: %.2fx", Stats.median(scores.get("hakmem")) / peer));
        }
        return lines;
    }

    /** What the command line asks for. */
    record Options(String workload, String section, List<Path> files) {
    }

    /** Parses the command line; null if it asks for the usage. Throws IllegalArgumentException naming what is wrong. */
    static Options parse(String... args) {
        if (Cli.isHelp(args)) {
            return null;
        }
        String section = null;
        List<Path> files = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--section")) {
                if (++i == args.length) {
                    throw new IllegalArgumentException("--section needs a value");
                }
                section = args[i];
            } else {
                files.add(Path.of(args[i]));
            }
        }
        if (args.length == 0 || files.isEmpty()) {
            throw new IllegalArgumentException("expected a workload name and at least one file");
        }
        return new Options(args[0], section, files);
    }

    public static void main(String[] args) throws IOException {
        Options o = Cli.parseOrExit(args, PooledRounds::parse, USAGE);
        Map<String, List<Double>> pooled = new LinkedHashMap<>();
        for (Path f : o.files()) {
            for (String part : sections(Files.readString(f, StandardCharsets.UTF_8), o.section())) {
                addScores(part, o.workload(), pooled);
            }
        }
        if (!pooled.containsKey("hakmem")) {
            Cli.exitWithError("no round of hakmem on '" + o.workload() + "' in " + o.files());
        }
        report(pooled).forEach(System.out::println);
    }
}
