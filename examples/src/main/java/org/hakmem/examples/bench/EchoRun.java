/*
 * EchoRun: one run of the echo benchmark (one allocator): an EchoBenchServer JVM and an
 * EchoLoadClient JVM against it on 127.0.0.1, their result lines parsed into one Result.
 * Used by EchoBenchmark here and by the comparison tool in bench/.
 *
 *   launcher                      server JVM                     client JVM
 *   start server  ------------->  TRANSPORT t (epoll, or nio where epoll does not load), PORT n
 *   start client  ----------------------------------------------> connects, warmup
 *                 <----------------------------------------------  MEASURING
 *   MARK  ------------------------>  notes VmHWM, resets it
 *                 <----------------------------------------------  CLIENT msgs_per_s=.. p99_us=..
 *   STOP  ------------------------>  SERVER vmhwm_kib=.. phase_hwm_kib=..
 *
 * The server's peak RSS comes in two forms. vmhwm_kib, the peak of the server's whole life, includes
 * what the JVM mallocs while it starts and compiles: glibc keeps the C2 compiler's freed arenas, and
 * one run of an allocator kept 16 MiB of them where the next kept none, so peers' peaks moved by
 * 5-18 MiB between runs. phase_hwm_kib is the peak of the measured phase, after warmup, with the
 * server JVM trimming its native heap every second (SERVER_FLAGS): what the allocator holds under load
 * shows there, with the start-up noise gone.
 *
 * Settings.pinning (CpuPinning) may start each JVM under `taskset -c`, the server on CPUs of its own
 * and the client on others: then the two processes stop taking CPU time from each other, and the
 * latency tail is no longer the scheduler's.
 */
package org.hakmem.examples.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class EchoRun {
    private static final long START_TIMEOUT_S = 30;
    private static final long STOP_TIMEOUT_S = 30;
    private static final Pattern KV = Pattern.compile("(\\w+)=(-?[0-9.]+)");

    /**
     * Added to the server JVM's flags when that JVM accepts them (JDK 17.0.9+, 21.0.1+, 22+): the JVM
     * gives glibc's freed native memory back to the kernel every second, so memory the JIT compilers
     * freed during warmup does not stay in the measured phase's RSS. Same for every allocator.
     */
    public static final List<String> SERVER_FLAGS = List.of("-XX:TrimNativeHeapInterval=1000");

    /** The transports a run may ask for (epoll falls back to NIO where it does not load). */
    public static final List<String> TRANSPORTS = List.of("epoll", "nio");

    private static final Map<String, List<String>> SERVER_FLAGS_BY_JAVA = new ConcurrentHashMap<>();

    private EchoRun() {
    }

    /**
     * What every run of a series shares: the JVM, its flags and classpath, and the load.
     * clientAllocator is the load client's allocator; null gives the client the server's.
     * pinning puts the server and the client on CPUs of their own; null leaves both to the scheduler.
     */
    public record Settings(String java, List<String> jvmFlags, String classpath, String transport,
                           int connections, int size, int inflight, int warmupS, int durationS,
                           String clientAllocator, CpuPinning pinning) {
        /** The client's allocator when the server runs {@code serverAllocator}. */
        String clientAllocatorFor(String serverAllocator) {
            return clientAllocator != null ? clientAllocator : serverAllocator;
        }

        /** The client's own watchdog fires at warmup + duration + grace; wait a little longer. */
        long clientTimeoutS() {
            return warmupS + durationS + EchoLoadClient.GRACE_SECONDS + 30L;
        }
    }

    /**
     * The client's throughput and latencies, and the server's memory sampled before it closed its
     * connections (allocator fields are -1 for allocators other than netty-hakmem), and the transport
     * the server ran (its TRANSPORT line: NIO where epoll was asked for but did not load).
     */
    public record Result(double msgsPerS, double p50Us, double p99Us, double p999Us,
                         long serverHwmKib, long serverPhaseHwmKib, long serverRssKib, long usedDirect,
                         long mapped, long resident, long syscalls, String transport) {
        /** The fields under the names reports and CSV files use. */
        public Map<String, String> asMap() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("msgs_per_s", String.valueOf(msgsPerS));
            m.put("p50_us", String.valueOf(p50Us));
            m.put("p99_us", String.valueOf(p99Us));
            m.put("p999_us", String.valueOf(p999Us));
            m.put("hwm_kib", String.valueOf(serverHwmKib));
            m.put("phase_hwm_kib", String.valueOf(serverPhaseHwmKib));
            m.put("rss_end_kib", String.valueOf(serverRssKib));
            m.put("used_direct", String.valueOf(usedDirect));
            m.put("mapped", String.valueOf(mapped));
            m.put("resident_end", String.valueOf(resident));
            m.put("syscalls", String.valueOf(syscalls));
            m.put("transport", transport);
            return m;
        }
    }

    /** Runs server and client for {@code allocator}; a failing child is reported with its output. */
    public static Result run(Settings s, String allocator) throws IOException, InterruptedException, ChildJvm.ChildFailure {
        List<String> serverCmd = command(s, serverFlags(s.java(), s.jvmFlags()), EchoBenchServer.class,
                List.of(allocator, "0", s.transport()));
        if (s.pinning() != null) {
            serverCmd = s.pinning().server(serverCmd);
        }
        try (ChildJvm server = new ChildJvm("echo server(" + allocator + ")", serverCmd)) {
            // the transport that runs: epoll falls back to NIO where it does not load
            String transport = server.awaitLine("TRANSPORT ", START_TIMEOUT_S).split("\\s+")[1];
            String port = server.awaitLine("PORT ", START_TIMEOUT_S).substring("PORT ".length()).trim();
            String clientAllocator = s.clientAllocatorFor(allocator);
            List<String> clientCmd = command(s, s.jvmFlags(), EchoLoadClient.class, List.of("127.0.0.1", port,
                    String.valueOf(s.connections()), String.valueOf(s.size()), String.valueOf(s.inflight()),
                    String.valueOf(s.warmupS()), String.valueOf(s.durationS()), clientAllocator, s.transport()));
            if (s.pinning() != null) {
                clientCmd = s.pinning().client(clientCmd);
            }
            Map<String, Double> c;
            try (ChildJvm client = new ChildJvm("echo client(" + clientAllocator + ")", clientCmd)) {
                client.awaitLine("MEASURING", s.clientTimeoutS());
                server.sendLine("MARK");
                String clientLine = client.awaitLine("CLIENT ", s.clientTimeoutS());
                client.awaitExit(STOP_TIMEOUT_S);
                c = parse(clientLine);
            } catch (ChildJvm.ChildFailure e) {
                throw new ChildJvm.ChildFailure(e.getMessage() + "\n"
                        + server.failure("(server of the failed client)").getMessage());
            }
            server.send("STOP");
            Map<String, Double> sv = parse(server.awaitLine("SERVER ", STOP_TIMEOUT_S));
            server.awaitExit(STOP_TIMEOUT_S);
            return new Result(required(c, "msgs_per_s", server), required(c, "p50_us", server),
                    required(c, "p99_us", server), required(c, "p999_us", server),
                    (long) required(sv, "vmhwm_kib", server), (long) required(sv, "phase_hwm_kib", server),
                    (long) required(sv, "vmrss_kib", server),
                    (long) required(sv, "used_direct", server), (long) required(sv, "mapped", server),
                    (long) required(sv, "resident", server), (long) required(sv, "syscalls", server), transport);
        }
    }

    /** The server's JVM flags: the common ones, plus SERVER_FLAGS if this java accepts them. */
    public static List<String> serverFlags(String java, List<String> common) {
        List<String> extra = SERVER_FLAGS_BY_JAVA.computeIfAbsent(java,
                j -> accepts(j, SERVER_FLAGS) ? SERVER_FLAGS : List.of());
        List<String> flags = new ArrayList<>(common);
        flags.addAll(extra);
        return flags;
    }

    /** True if {@code java flags -version} exits 0. */
    private static boolean accepts(String java, List<String> flags) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(flags);
        cmd.add("-version");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(START_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<String> command(Settings s, List<String> flags, Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(s.java());
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", s.classpath(), main.getName()));
        cmd.addAll(args);
        return cmd;
    }

    private static Map<String, Double> parse(String line) {
        Map<String, Double> m = new LinkedHashMap<>();
        Matcher matcher = KV.matcher(line);
        while (matcher.find()) {
            m.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
        }
        return m;
    }

    private static double required(Map<String, Double> m, String key, ChildJvm context) throws ChildJvm.ChildFailure {
        Double v = m.get(key);
        if (v == null) {
            throw context.failure("result line lacks " + key);
        }
        return v;
    }
}
