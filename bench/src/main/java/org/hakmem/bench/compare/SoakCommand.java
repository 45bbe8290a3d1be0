/*
 * SoakCommand: `soak`, one process per allocator running a workload for --duration in epochs
 * (2 s by default); ops/s and RSS per epoch to epochs.csv and soak.png; drift and CV in report.md.
 * The seed's soaks are `--duration 5m` and `--duration 30m`. With --rounds N every allocator runs N
 * times, alternating (A B A B), so that a throughput ratio can be taken within each round: on a
 * shared machine whose speed moves over minutes, one FAST run then one LEAN run is no fair ratio.
 */
package org.hakmem.bench.compare;

import org.hakmem.examples.bench.Cli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "soak",
        description = "One process per allocator (per round), --duration of a workload in epochs: ops/s and RSS "
                + "per epoch (epochs.csv, soak.png), drift (last quarter against the first) and CV per process "
                + "(report.md); with --rounds N > 1 the allocators alternate N times and report.md adds the "
                + "per-run medians across the rounds and the per-round ratio to the first allocator.")
final class SoakCommand implements Callable<Integer> {
    static final List<String> ALLOCATORS = List.of("hakmem", "hakmem-lean-free", "hakmem-lean-dontneed");
    static final List<String> WORKLOADS = List.of("mixed-ws400", "mixed-ws400-32k", "cross-thread");

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--duration", paramLabel = "TIME", converter = Durations.class, description = "Per allocator "
            + "and round: 300, 300s, 5m, 30m, 1h (default: 5m, with --quick 3s).")
    Duration duration;

    @Option(names = "--epoch", paramLabel = "TIME", converter = Durations.class, description = "Epoch length "
            + "(default: 2s, with --quick 1s).")
    Duration epoch;

    @Option(names = "--workload", paramLabel = "NAME", defaultValue = "mixed-ws400", description = "One of: "
            + "mixed-ws400, mixed-ws400-32k, cross-thread (default: ${DEFAULT-VALUE}).")
    String workload;

    @Mixin
    DriftOptions drift;

    /** --duration in seconds: whole ones (the runs are planned in seconds), at least 1. */
    private static long wholeSeconds(Duration d) {
        if (d.toMillis() % 1000 != 0 || d.toSeconds() < 1) {
            throw Cli.invalid("--duration", d.toMillis() + "ms", "whole seconds, at least 1s");
        }
        return d.toSeconds();
    }

    @Override
    public Integer call() throws Exception {
        common.check(() -> Cli.oneOf("--workload", workload, WORKLOADS));
        drift.check(common);
        // one round unless asked, even in the full preset: a soak's length is --duration, rounds multiply it
        int rounds = common.rounds(1);
        List<String> allocators = common.allocators(ALLOCATORS);
        Preset base = common.preset();
        long seconds = duration != null ? common.check(() -> wholeSeconds(duration)) : base.soakSeconds();
        long epochMs = epoch != null ? epoch.toMillis() : base.epochMs();
        if (epochMs < 100 || epochMs > seconds * 1000) {
            throw common.usageError(Cli.invalid("--epoch", epochMs + "ms", "a length from 100ms to the duration (" + seconds + "s)"));
        }
        Preset preset = base.withEpochMs(epochMs);
        Instant started = Instant.now();
        ChildLauncher launcher = common.launcher(List.of());
        ResultsDir dir = common.resultsDir("soak", started);
        String header = Header.markdown("netty-hakmem soak", started, spec.commandLine().getParseResult().originalArgs(),
                preset, launcher, allocators)
                + "Workload: " + workload + " for " + seconds + " s per allocator in epochs of " + epochMs + " ms"
                + (rounds > 1 ? "; rounds: " + rounds + ", allocators alternating" : "") + "\n\n";
        spec.commandLine().getErr().println("soak: " + workload + ", " + seconds + " s x " + allocators.size()
                + " allocator(s)" + (rounds > 1 ? " x " + rounds + " rounds" : "") + "; writing to " + dir.path());

        Session session = new Session("soak", preset, launcher, EchoOptions.DEFAULT, spec.commandLine().getErr());
        session.execute(Session.timed(preset, "soak", workload, seconds, rounds, allocators));
        List<RunRecord> records = session.records();

        String body = "## Soak: " + workload + "\n\n" + SoakReport.table(records, "soak", drift.mib, drift.fraction())
                + (rounds > 1 ? "## Across rounds\n\n" + SoakReport.acrossRounds(records, "soak", allocators) : "")
                + "![soak](soak.png)\n\n";
        Charts.epochs(dir.file("soak.png"), records, "soak");
        return SessionOutput.finish(dir, header, body, records, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
