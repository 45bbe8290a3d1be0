/*
 * WorkloadChild: the child JVM main of the comparison tool; one workload, one allocator, one run.
 *
 *   WorkloadChild <workload> <allocator> [key=value ...]      (keys and their allowed values: ChildArgs)
 *
 * It prints SAMPLE lines (RSS over time, when samples=1), EPOCH lines (timed runs) and, last, one
 * RESULT line; org.hakmem.bench.compare parses them. Exit 0 on success, 2 on bad arguments, 1 on
 * any failure of the workload (with its stack trace on stderr).
 */
package org.hakmem.bench;

import io.netty.buffer.ByteBufAllocator;
import org.hakmem.examples.bench.Allocators;

import java.util.ArrayList;
import java.util.List;

public final class WorkloadChild {
    /** Workloads a child runs (echo is two JVMs of the examples module, see EchoRun). */
    public static final List<String> WORKLOADS = workloads();

    private WorkloadChild() {
    }

    private static List<String> workloads() {
        List<String> w = new ArrayList<>(BatchWorkload.NAMES);
        w.add("burst-idle");
        return List.copyOf(w);
    }

    public static void main(String[] args) {
        ByteBufAllocator alloc;
        ChildArgs options;
        try {
            if (args.length < 2 || !WORKLOADS.contains(args[0])) {
                throw new IllegalArgumentException("expected <workload> <allocator> [key=value ...] with workload one of "
                        + WORKLOADS + "; got " + String.join(" ", args));
            }
            options = new ChildArgs(args, 2);
            alloc = Allocators.create(args[1]);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            System.out.println("START workload=" + args[0] + " allocator=" + args[1] + " pid=" + ProcessHandle.current().pid());
            if (args[0].equals("burst-idle")) {
                BurstIdle.run(alloc, options);
            } else {
                ThroughputRun.run(args[0], alloc, options);
            }
        } catch (Throwable t) {
            System.out.flush();
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }
}
