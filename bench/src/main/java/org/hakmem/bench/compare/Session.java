/*
 * Session: runs a plan of child runs in order, with progress on stderr, and keeps every record.
 * Plans alternate allocators (A B C A B C ...) within each workload of each round, so slow drifts
 * of a shared, noisy machine spread over all allocators instead of favouring one.
 */
package org.hakmem.bench.compare;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

final class Session {
    /**
     * One planned run. label names it in records and reports ("mixed-ws400", or "soak"/"drift" for a
     * timed run of a workload); args is null for echo (two JVMs of the examples module, see EchoRun).
     */
    record Planned(int round, String label, String workload, String allocator, Map<String, Long> args,
                   long expectedS) {
    }

    private final String mode;
    private final Preset preset;
    private final ChildLauncher launcher;
    private final EchoOptions echo;
    private final PrintWriter err;
    private final List<RunRecord> records = new ArrayList<>();

    Session(String mode, Preset preset, ChildLauncher launcher, EchoOptions echo, PrintWriter err) {
        this.mode = mode;
        this.preset = preset;
        this.launcher = launcher;
        this.echo = echo;
        this.err = err;
    }

    /** rounds x workloads x allocators, allocators innermost. */
    static List<Planned> alternating(Preset preset, int rounds, List<String> workloads, List<String> allocators) {
        List<Planned> plan = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (String w : workloads) {
                for (String a : allocators) {
                    Map<String, Long> args = w.equals("echo") ? null : preset.childArgs(w);
                    plan.add(new Planned(round, w, w, a, args, expectedSeconds(preset, w, args)));
                }
            }
        }
        return plan;
    }

    /**
     * rounds x allocators timed runs (epochs) of workload, recorded under label: soak, A/B drift check.
     * Allocators alternate within each round as in alternating(), so each round's runs are neighbours
     * in time and a per-round ratio compares runs the machine made at about the same speed.
     */
    static List<Planned> timed(Preset preset, String label, String workload, long seconds, int rounds,
                               List<String> allocators) {
        List<Planned> plan = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (String a : allocators) {
                plan.add(new Planned(round, label, workload, a, preset.timedArgs(workload, seconds), seconds + 2));
            }
        }
        return plan;
    }

    /** A rough guess, only for the progress line's first "time left". */
    private static long expectedSeconds(Preset p, String workload, Map<String, Long> args) {
        long jvm = 2;
        switch (workload) {
            case "echo":
                return p.echoWarmupS() + p.echoDurationS() + 2 * jvm;
            case "burst-idle":
                return (p.burstMixedMs() + p.idleMs()) / 1000 + 1 + jvm;
            case "cross-thread":
                return (args.get("warmup_ops") + args.get("ops")) / 2_000_000 + jvm;
            default:
                return (args.get("warmup_ops") + args.get("ops")) / 10_000_000 + jvm;
        }
    }

    void execute(List<Planned> plan) {
        Progress progress = new Progress(err, mode, plan.size(), plan.stream().mapToLong(Planned::expectedS).sum());
        for (Planned p : plan) {
            progress.starting("round " + p.round() + " · " + p.label() + " · " + p.allocator());
            RunRecord r = p.args() == null
                    ? launcher.runEcho(p.round(), p.allocator(), echo, preset.echoWarmupS(), preset.echoDurationS())
                    : launcher.runChild(p.round(), p.workload(), p.allocator(), p.args(), p.expectedS());
            if (!p.label().equals(p.workload())) {
                r = new RunRecord(r.round(), p.label(), r.allocator(), r.wallSeconds(), r.values(), r.samples(),
                        r.epochs(), r.failure());
            }
            records.add(r);
            progress.finished(r);
        }
    }

    List<RunRecord> records() {
        return List.copyOf(records);
    }

    long failures() {
        return records.stream().filter(r -> !r.ok()).count();
    }
}
