/*
 * EchoRun: one run of the echo benchmark (one allocator): an EchoBenchServer JVM and an
 * EchoLoadClient JVM against it on 127.0.0.1, their result lines parsed into one Result.
 * Used by EchoBenchmark here and by the comparison tool in bench/.
 */
package org.hakmem.examples.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class EchoRun {
    private static final long START_TIMEOUT_S = 30;
    private static final long STOP_TIMEOUT_S = 30;
    private static final Pattern KV = Pattern.compile("(\\w+)=(-?[0-9.]+)");

    private EchoRun() {
    }

    /** What every run of a series shares: the JVM, its flags and classpath, and the load. */
    public record Settings(String java, List<String> jvmFlags, String classpath, String transport,
                           int connections, int size, int inflight, int warmupS, int durationS) {
        /** The client's own watchdog fires at warmup + duration + grace; wait a little longer. */
        long clientTimeoutS() {
            return warmupS + durationS + EchoLoadClient.GRACE_SECONDS + 30L;
        }
    }

    /**
     * The client's throughput and latencies, and the server's memory sampled before it closed its
     * connections (allocator fields are -1 for allocators other than netty-hakmem).
     */
    public record Result(double msgsPerS, double p50Us, double p99Us, double p999Us,
                         long serverHwmKib, long serverRssKib, long usedDirect, long mapped, long resident,
                         long syscalls) {
        /** The fields under the names reports and CSV files use. */
        public Map<String, String> asMap() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("msgs_per_s", String.valueOf(msgsPerS));
            m.put("p50_us", String.valueOf(p50Us));
            m.put("p99_us", String.valueOf(p99Us));
            m.put("p999_us", String.valueOf(p999Us));
            m.put("hwm_kib", String.valueOf(serverHwmKib));
            m.put("rss_end_kib", String.valueOf(serverRssKib));
            m.put("used_direct", String.valueOf(usedDirect));
            m.put("mapped", String.valueOf(mapped));
            m.put("resident_end", String.valueOf(resident));
            m.put("syscalls", String.valueOf(syscalls));
            return m;
        }
    }

    /** Runs server and client for {@code allocator}; a failing child is reported with its output. */
    public static Result run(Settings s, String allocator) throws IOException, InterruptedException, ChildJvm.ChildFailure {
        List<String> serverCmd = command(s, EchoBenchServer.class, List.of(allocator, "0", s.transport()));
        try (ChildJvm server = new ChildJvm("echo server(" + allocator + ")", serverCmd)) {
            String port = server.awaitLine("PORT ", START_TIMEOUT_S).substring("PORT ".length()).trim();
            List<String> clientCmd = command(s, EchoLoadClient.class, List.of("127.0.0.1", port,
                    String.valueOf(s.connections()), String.valueOf(s.size()), String.valueOf(s.inflight()),
                    String.valueOf(s.warmupS()), String.valueOf(s.durationS()), allocator, s.transport()));
            Map<String, Double> c;
            try (ChildJvm client = new ChildJvm("echo client(" + allocator + ")", clientCmd)) {
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
                    (long) required(sv, "vmhwm_kib", server), (long) required(sv, "vmrss_kib", server),
                    (long) required(sv, "used_direct", server), (long) required(sv, "mapped", server),
                    (long) required(sv, "resident", server), (long) required(sv, "syscalls", server));
        }
    }

    private static List<String> command(Settings s, Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(s.java());
        cmd.addAll(s.jvmFlags());
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
