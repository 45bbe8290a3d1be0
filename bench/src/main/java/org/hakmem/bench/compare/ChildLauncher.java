/*
 * ChildLauncher: starts one child run - a WorkloadChild JVM, or the echo server/client pair - with
 * the same java, flags and classpath for every allocator, and turns its output into a RunRecord.
 * A child that fails, times out or prints no result becomes a failed record carrying its output.
 */
package org.hakmem.bench.compare;

import org.hakmem.bench.WorkloadChild;
import org.hakmem.examples.bench.ChildJvm;
import org.hakmem.examples.bench.EchoRun;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class ChildLauncher {
    /** Echo: 64 connections of 256-byte messages, 4 in flight each (BRIEF "Measures"). */
    static final int ECHO_CONNECTIONS = 64;
    static final int ECHO_SIZE = 256;
    static final int ECHO_INFLIGHT = 4;
    /** Slack on top of a child's expected run time before it counts as hung. */
    private static final long TIMEOUT_SLACK_S = 120;

    private final String java;
    private final List<String> flags;
    private final String classpath;

    ChildLauncher(String java, List<String> flags, String classpath) {
        this.java = java;
        this.flags = List.copyOf(flags);
        this.classpath = classpath;
    }

    List<String> flags() {
        return flags;
    }

    String java() {
        return java;
    }

    /** The full command line of a WorkloadChild run (also printed in the report header). */
    List<String> command(String workload, String allocator, Map<String, Long> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", classpath, WorkloadChild.class.getName(), workload, allocator));
        args.forEach((k, v) -> cmd.add(k + "=" + v));
        return cmd;
    }

    RunRecord runChild(int round, String workload, String allocator, Map<String, Long> args, long expectedS) {
        long t0 = System.nanoTime();
        String label = workload + "/" + allocator;
        try (ChildJvm child = new ChildJvm(label, command(workload, allocator, args))) {
            child.awaitExit(expectedS + TIMEOUT_SLACK_S);
            RunRecord r = RunRecord.parse(round, workload, allocator, seconds(t0), child.output());
            return r.ok() ? r : RunRecord.failed(round, workload, allocator, seconds(t0),
                    child.failure("printed no RESULT line").getMessage());
        } catch (ChildJvm.ChildFailure e) {
            return RunRecord.failed(round, workload, allocator, seconds(t0), e.getMessage());
        } catch (IOException e) {
            return RunRecord.failed(round, workload, allocator, seconds(t0), "could not start " + java + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RunRecord.failed(round, workload, allocator, seconds(t0), "interrupted");
        }
    }

    RunRecord runEcho(int round, String allocator, EchoOptions echo, int warmupS, int durationS) {
        long t0 = System.nanoTime();
        EchoRun.Settings s = new EchoRun.Settings(java, flags, classpath, echo.transport(), ECHO_CONNECTIONS,
                ECHO_SIZE, ECHO_INFLIGHT, warmupS, durationS, echo.clientAllocator(), echo.pinning());
        try {
            Map<String, String> values = new LinkedHashMap<>(EchoRun.run(s, allocator).asMap());
            values.put("ops_per_s", values.get("msgs_per_s")); // the throughput column of every workload
            return new RunRecord(round, "echo", allocator, seconds(t0), values, List.of(), List.of(), null);
        } catch (ChildJvm.ChildFailure e) {
            return RunRecord.failed(round, "echo", allocator, seconds(t0), e.getMessage());
        } catch (IOException e) {
            return RunRecord.failed(round, "echo", allocator, seconds(t0), "could not start " + java + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RunRecord.failed(round, "echo", allocator, seconds(t0), "interrupted");
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
