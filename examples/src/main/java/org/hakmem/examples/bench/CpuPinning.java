/*
 * CpuPinning: which CPUs the echo benchmark's server JVM and client JVM may run on, so that the two
 * processes do not take CPU time from each other.
 *
 *   spec "0:1"    server JVM on CPU 0, client JVM on CPU 1      (taskset -c 0 java ... / taskset -c 1 java ...)
 *   spec "0,1:2-3" server on CPUs 0 and 1, client on 2 and 3
 *
 * Why: on a 2-CPU machine, unpinned, the eight event loops of the two JVMs share both CPUs, and the
 * p99 latency (5-6 ms) is the scheduler's: it follows the load client's CPU use, not the server's
 * allocator (docs/BENCHMARKS.md, session 9). Pinned, each JVM has a CPU of its own, as on two
 * machines, and p99 falls to about 1 ms. Each JVM then sees only its own CPUs: Netty starts 2 event
 * loops per CPU, and the JVM's ergonomics may pick another collector (Serial on one CPU) unless the
 * flags name one, the same for every allocator of a run.
 */
package org.hakmem.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

public record CpuPinning(String serverCpus, String clientCpus) {
    /** A taskset CPU list: numbers and ranges, comma-separated (0 | 0,2 | 0-3). */
    private static final Pattern CPU_LIST = Pattern.compile("[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*");
    private static final Path ONLINE = Path.of("/sys/devices/system/cpu/online");

    /**
     * Parses the spec against this machine's CPUs and checks that taskset can pin to them: what a
     * command-line option is turned into. The message of the exception names the bad value.
     */
    public static CpuPinning forThisMachine(String spec) {
        CpuPinning pinning = parse(spec, onlineCpus());
        pinning.requireTaskset();
        return pinning;
    }

    /**
     * {@link #forThisMachine} for the value of a command-line option: the message of the exception
     * starts with the option ("--cpus '0:9': CPU 9 does not exist ...").
     */
    public static CpuPinning forOption(String option, String spec) {
        try {
            return forThisMachine(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " " + e.getMessage(), e);
        }
    }

    /**
     * The CPUs this machine has, as a CPU list: /sys/devices/system/cpu/online. Not
     * 0..availableProcessors()-1: a JVM started under taskset, or in a container given CPUs 2-3,
     * counts only the CPUs it may use, and their numbers need not start at 0. Falls back to that
     * count where the file cannot be read.
     */
    static String onlineCpus() {
        try {
            String online = Files.readString(ONLINE).trim();
            if (CPU_LIST.matcher(online).matches()) {
                return online;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no sysfs: fall back below
        }
        return "0-" + (Runtime.getRuntime().availableProcessors() - 1);
    }

    /**
     * Parses "SERVER:CLIENT" (each a CPU list) and checks every CPU against {@code cpus}, the CPUs
     * this machine has. The message of the exception names the bad value and what is allowed.
     */
    public static CpuPinning parse(String spec, int cpus) {
        return parse(spec, "0-" + (cpus - 1));
    }

    /**
     * Parses "SERVER:CLIENT" (each a CPU list) and checks every CPU against {@code machineCpus}, the
     * CPU list of the CPUs this machine has (such as "0-3" or "0-1,4-5").
     */
    static CpuPinning parse(String spec, String machineCpus) {
        BitSet exists = cpuSet(machineCpus);
        String[] sides = spec.split(":", -1);
        if (sides.length != 2) {
            throw new IllegalArgumentException("'" + spec + "': expected SERVER:CLIENT, each a CPU list"
                    + " such as 0 or 0,2 or 0-1 (for example 0:1)");
        }
        for (String side : sides) {
            if (!CPU_LIST.matcher(side).matches()) {
                throw new IllegalArgumentException("'" + spec + "': '" + side + "' is not a CPU list"
                        + " (numbers and ranges, comma-separated, such as 0 or 0,2 or 0-1)");
            }
            for (String n : side.split("[,-]")) {
                if (n.length() > 9 || !exists.get(Integer.parseInt(n))) {
                    throw new IllegalArgumentException("'" + spec + "': CPU " + n + " does not exist (this machine"
                            + " has CPUs " + machineCpus + ")");
                }
            }
        }
        return new CpuPinning(sides[0], sides[1]);
    }

    /** The CPUs of a CPU list such as "0-3" or "0,2,4-5" (already matched against CPU_LIST). */
    private static BitSet cpuSet(String list) {
        BitSet set = new BitSet();
        for (String part : list.split(",")) {
            String[] ends = part.split("-");
            int from = Integer.parseInt(ends[0]);
            int to = ends.length > 1 ? Integer.parseInt(ends[1]) : from;
            if (from <= to) {
                set.set(from, to + 1);
            }
        }
        return set;
    }

    /** The command that runs {@code command} on the server's CPUs. */
    List<String> server(List<String> command) {
        return pinned(serverCpus, command);
    }

    /** The command that runs {@code command} on the client's CPUs. */
    List<String> client(List<String> command) {
        return pinned(clientCpus, command);
    }

    /**
     * Fails with a clear message unless {@code taskset} runs here and accepts both CPU lists (util-linux;
     * a container may also restrict the CPUs a process may use).
     */
    public void requireTaskset() {
        for (String cpus : List.of(serverCpus, clientCpus)) {
            String problem = tryTaskset(cpus);
            if (problem != null) {
                throw new IllegalArgumentException("cannot pin to CPUs " + cpus + ": " + problem);
            }
        }
    }

    @Override
    public String toString() {
        return "server on CPUs " + serverCpus + ", client on CPUs " + clientCpus;
    }

    private static List<String> pinned(String cpus, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", cpus));
        cmd.addAll(command);
        return cmd;
    }

    /** null if `taskset -c cpus true` exits 0, else why not. */
    private static String tryTaskset(String cpus) {
        try {
            Process p = new ProcessBuilder("taskset", "-c", cpus, "true").redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) { // its few bytes of output fit in the pipe meanwhile
                p.destroyForcibly();
                return "taskset did not finish";
            }
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.exitValue() == 0 ? null : "taskset exited " + p.exitValue() + ": " + out;
        } catch (IOException e) {
            return "taskset could not be started (util-linux): " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
