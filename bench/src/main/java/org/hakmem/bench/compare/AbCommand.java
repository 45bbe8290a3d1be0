/*
 * AbCommand: `ab`, hakmem FAST against LEAN in each decommit mode, judged by the seed's rule
 * (AbJudge): mixed-ws400 and mixed-ws400-32k for throughput, peak resident and syscalls/op,
 * burst-idle for "does RSS fall", and one timed run per allocator for drift.
 */
package org.hakmem.bench.compare;

import org.hakmem.examples.bench.Cli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "ab",
        description = "FAST against LEAN+FREE, LEAN+DONTNEED and LEAN+OFF, with a GO / NO-GO / NEUTRAL verdict per "
                + "LEAN variant (the seed's rule), its reasons and figures. Writes report.md, throughput.png, "
                + "burst-idle-rss.png, drift.png and the raw CSV files.")
final class AbCommand implements Callable<Integer> {
    static final List<String> WORKLOADS = List.of("mixed-ws400", "mixed-ws400-32k", "burst-idle");
    static final List<String> ALLOCATORS = List.of("hakmem", "hakmem-lean-free", "hakmem-lean-dontneed", "hakmem-lean-off");

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--target-mb", paramLabel = "MiB", defaultValue = "10", description = "Resident budget: passed to "
            + "the LEAN allocators (-Dhakmem.ss.memLeanTargetMB) and the bound of peak resident for GO "
            + "(default: ${DEFAULT-VALUE}).")
    int targetMb;

    @Option(names = "--min-throughput", paramLabel = "RATIO", defaultValue = "0.90", description = "Lowest throughput "
            + "ratio to FAST for GO (default: ${DEFAULT-VALUE}, i.e. -10%%).")
    double minThroughput;

    @Option(names = "--storm-syscalls-per-op", paramLabel = "N", defaultValue = "0.001", description = "More system "
            + "calls per op than this in a steady-state run is a storm: NO-GO (default: ${DEFAULT-VALUE}).")
    double stormPerOp;

    @Option(names = "--rss-fall", paramLabel = "RATIO", defaultValue = "0.5", description = "RSS falls when burst-idle "
            + "retains at most this fraction of what FAST retains; else NO-GO (default: ${DEFAULT-VALUE}).")
    double rssFall;

    @Option(names = "--drift-seconds", paramLabel = "S", description = "Length of the drift run per allocator "
            + "(default: 60, with --quick 2).")
    Long driftSeconds;

    @Mixin
    DriftOptions drift;

    @Override
    public Integer call() throws Exception {
        List<String> allocators = common.allocators(ALLOCATORS);
        if (!allocators.contains(AbJudge.BASELINE)) {
            throw new ParameterException(spec.commandLine(), "ab needs '" + AbJudge.BASELINE
                    + "' (FAST, the baseline) among --allocators; got " + allocators);
        }
        common.check(() -> Cli.requireIn("--target-mb", targetMb, 1, Integer.MAX_VALUE));
        common.check(() -> Cli.requireAbove("--min-throughput", minThroughput, 0));
        common.check(() -> Cli.requireAtLeast("--storm-syscalls-per-op", stormPerOp, 0));
        common.check(() -> Cli.requireAbove("--rss-fall", rssFall, 0));
        drift.check(common);
        long driftS = driftSeconds != null ? driftSeconds : common.preset().driftSeconds();
        common.check(() -> Cli.requireIn("--drift-seconds", driftS, 1, Cli.MAX_RUN_SECONDS));
        AbCriteria criteria = new AbCriteria(targetMb, minThroughput, stormPerOp, rssFall, drift.mib, drift.fraction());
        int rounds = common.rounds();
        Instant started = Instant.now();
        ChildLauncher launcher = common.launcher(List.of("-Dhakmem.ss.memLeanTargetMB=" + targetMb));
        ResultsDir dir = common.resultsDir("ab", started);
        String header = Header.markdown("netty-hakmem A/B: FAST against LEAN", started,
                spec.commandLine().getParseResult().originalArgs(), common.preset(), launcher, allocators)
                + "Rounds: " + rounds + "; workloads: " + String.join(", ", WORKLOADS) + "; drift run: mixed-ws400 for "
                + driftS + " s per allocator\n\n";
        spec.commandLine().getErr().println("ab: " + rounds + " round(s) x " + WORKLOADS.size() + " workloads x "
                + allocators.size() + " allocators, then a " + driftS + " s drift run each; writing to " + dir.path());

        Session session = new Session("ab", common.preset(), launcher, EchoOptions.DEFAULT, spec.commandLine().getErr());
        List<Session.Planned> plan = new ArrayList<>(Session.alternating(common.preset(), rounds, WORKLOADS, allocators));
        plan.addAll(Session.timed(common.preset(), AbJudge.DRIFT, "mixed-ws400", driftS, 1, allocators));
        session.execute(plan);
        List<RunRecord> records = session.records();

        String body = AbJudge.markdown(AbJudge.judge(records, allocators, criteria), criteria)
                + CompareReport.tables(records, WORKLOADS, allocators, EchoOptions.DEFAULT)
                + "## Drift runs\n\n" + SoakReport.table(records, AbJudge.DRIFT, drift.mib, drift.fraction())
                + "![throughput](throughput.png)\n\n![burst-idle RSS over time](burst-idle-rss.png)\n\n"
                + "![drift runs](drift.png)\n\n";
        Charts.throughput(dir.file("throughput.png"), records, List.of("mixed-ws400", "mixed-ws400-32k"), allocators);
        Charts.burstIdleRss(dir.file("burst-idle-rss.png"), records, allocators);
        Charts.epochs(dir.file("drift.png"), records, AbJudge.DRIFT);
        return SessionOutput.finish(dir, header, body, records, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
