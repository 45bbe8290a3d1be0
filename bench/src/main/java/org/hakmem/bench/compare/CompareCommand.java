/*
 * CompareCommand: `compare`, the default mode: every workload for netty-hakmem FAST and LEAN and
 * Netty's Pooled, Adaptive and Unpooled, each run in a fresh JVM, allocators alternating, N rounds.
 */
package org.hakmem.bench.compare;

import org.hakmem.examples.bench.Allocators;
import org.hakmem.examples.bench.Cli;
import org.hakmem.examples.bench.CpuPinning;
import org.hakmem.examples.bench.EchoRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "compare",
        description = "Throughput and memory of every allocator on mixed-ws400, mixed-ws400-32k, burst-idle, "
                + "cross-thread and echo. Writes report.md (tables), throughput.png, burst-idle-rss.png and the raw "
                + "runs.csv and samples.csv.")
final class CompareCommand implements Callable<Integer> {
    static final List<String> WORKLOADS = List.of("mixed-ws400", "mixed-ws400-32k", "burst-idle", "cross-thread", "echo");
    static final List<String> ALLOCATORS = List.of("hakmem", "hakmem-lean-free", "hakmem-lean-dontneed", "pooled",
            "adaptive", "unpooled");

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--workloads", paramLabel = "NAME,...", description = "Comma-separated workloads, each at most "
            + "once, from: mixed-ws400, mixed-ws400-32k, burst-idle, cross-thread, echo (default: all).")
    String workloadList;

    /** The workloads this session runs (set by call() from --workloads). */
    private List<String> workloads = WORKLOADS;

    @Option(names = "--transport", paramLabel = "epoll|nio", defaultValue = "epoll", description = "Echo transport "
            + "(default: ${DEFAULT-VALUE}; falls back to nio where epoll does not load).")
    String transport;

    @Option(names = "--echo-client", paramLabel = "NAME", description = "Allocator of the echo load client, "
            + "fixed for every run, so that runs differ only in the server's (default: the allocator under test, "
            + "on both sides).")
    String echoClient;

    @Option(names = "--echo-cpus", paramLabel = "SERVER:CLIENT", description = "Pin the echo server JVM and the "
            + "client JVM to CPUs of their own with taskset, e.g. 0:1 (each side a CPU list: 0, 0,2 or 0-1; default: "
            + "not pinned, both JVMs share every CPU).")
    String echoCpus;

    @Override
    public Integer call() throws Exception {
        if (workloadList != null) {
            workloads = common.check(() -> Cli.forOption("--workloads", workloadList,
                    v -> Cli.names("workload", v, WORKLOADS)));
        }
        common.check(() -> Cli.oneOf("--transport", transport, EchoRun.TRANSPORTS));
        if (echoClient != null) {
            common.check(() -> Cli.oneOf("--echo-client", echoClient, Allocators.NAMES));
        }
        CpuPinning pinning = echoCpus == null ? null : common.check(() -> CpuPinning.forOption("--echo-cpus", echoCpus));
        EchoOptions echo = new EchoOptions(transport, echoClient, pinning);
        List<String> allocators = common.allocators(ALLOCATORS);
        int rounds = common.rounds();
        Instant started = Instant.now();
        ChildLauncher launcher = common.launcher(List.of());
        ResultsDir dir = common.resultsDir("compare", started);
        String header = Header.markdown("netty-hakmem compare", started, spec.commandLine().getParseResult().originalArgs(),
                common.preset(), launcher, allocators)
                + echoServerFlags(launcher)
                + "Rounds: " + rounds + "; workloads: " + String.join(", ", workloads) + "\n\n";
        spec.commandLine().getErr().println("compare: " + rounds + " round(s) x " + workloads.size() + " workload(s) x "
                + allocators.size() + " allocator(s); writing to " + dir.path());

        Session session = new Session("compare", common.preset(), launcher, echo, spec.commandLine().getErr());
        session.execute(Session.alternating(common.preset(), rounds, workloads, allocators));
        List<RunRecord> records = session.records();

        StringBuilder body = new StringBuilder(CompareReport.tables(records, workloads, allocators, echo));
        List<String> throughput = workloads.stream().filter(CompareReport.THROUGHPUT_WORKLOADS::contains).toList();
        if (!throughput.isEmpty()) {
            Charts.throughput(dir.file("throughput.png"), records, throughput, allocators);
            body.append("![throughput](throughput.png)\n\n");
        }
        if (workloads.contains("burst-idle")) {
            Charts.burstIdleRss(dir.file("burst-idle-rss.png"), records, allocators);
            body.append("![burst-idle RSS over time](burst-idle-rss.png)\n\n");
        }
        return SessionOutput.finish(dir, header, body.toString(), records, spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }

    /**
     * The echo server's JVM flags, when echo runs: the child flags plus what EchoRun.SERVER_FLAGS
     * this JVM accepts (finding out starts a JVM, so other runs skip it).
     */
    private String echoServerFlags(ChildLauncher launcher) {
        if (!workloads.contains("echo")) {
            return "";
        }
        return "Echo server JVM flags (the child flags, plus what `EchoRun.SERVER_FLAGS` this JVM accepts): `"
                + String.join(" ", EchoRun.serverFlags(launcher.java(), launcher.flags())) + "`\n\n";
    }
}
