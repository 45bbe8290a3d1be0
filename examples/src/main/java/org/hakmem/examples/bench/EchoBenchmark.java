/*
 * EchoBenchmark: runs the echo benchmark, every server and client in a child JVM of its own.
 *
 *   EchoBenchmark [--allocators hakmem,pooled,adaptive] [--rounds 3] [--duration 10] [--warmup 3]
 *                 [--connections 64] [--size 256] [--inflight 4] [--transport epoll|nio]
 *
 * Per round, per allocator (alternating): start EchoBenchServer, read its PORT line, run
 * EchoLoadClient against it, read its CLIENT line, send STOP to the server, read its SERVER line.
 * Any child that fails or times out is reported with its output and the launcher exits 1.
 * At the end a Markdown table summarizes every allocator.
 */
package org.hakmem.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class EchoBenchmark {

    /** The flags of every child JVM, identical for all allocators. */
    static final List<String> JVM_FLAGS = List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-Dio.netty.leakDetection.level=disabled",
            "-Dio.netty.allocator.lowMemory=false",
            "-Xms256m",
            "-Xmx256m");

    private static final long START_TIMEOUT_S = 30;
    private static final long STOP_TIMEOUT_S = 30;

    private EchoBenchmark() {
    }

    /** Thrown when a child fails; the message includes its output. */
    static final class ChildFailure extends Exception {
        ChildFailure(String message) {
            super(message);
        }
    }

    /** A child JVM whose merged stdout/stderr is collected line by line. */
    static final class Child implements AutoCloseable {
        final String label;
        final Process process;
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final StringBuilder output = new StringBuilder();
        private final Thread reader;

        Child(String label, List<String> command) throws IOException {
            this.label = label;
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            this.process = pb.start();
            this.reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        synchronized (output) {
                            output.append(line).append('\n');
                        }
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process went away
                }
            }, label + "-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits up to timeoutS for a line starting with prefix; fails if the child exits first. */
        String awaitLine(String prefix, long timeoutS) throws ChildFailure, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw failure("no '" + prefix + "' line within " + timeoutS + " s");
                }
                String line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
                if (line != null) {
                    if (line.startsWith("NOTE ")) {
                        System.out.println("  [" + label + "] " + line);
                    }
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                } else if (!process.isAlive() && lines.isEmpty()) {
                    reader.join(1000);
                    if (lines.isEmpty()) {
                        throw failure("exited with " + process.exitValue() + " before printing a '" + prefix + "' line");
                    }
                }
            }
        }

        /** Waits up to timeoutS for the exit; fails on timeout or a non-zero exit code. */
        void awaitExit(long timeoutS) throws ChildFailure, InterruptedException {
            if (!process.waitFor(timeoutS, TimeUnit.SECONDS)) {
                throw failure("did not exit within " + timeoutS + " s");
            }
            reader.join(2000);
            if (process.exitValue() != 0) {
                throw failure("exited with " + process.exitValue());
            }
        }

        void send(String line) {
            try {
                OutputStream in = process.getOutputStream();
                in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                in.close();
            } catch (IOException e) {
                // the child is gone; awaitLine reports it
            }
        }

        ChildFailure failure(String what) {
            String out;
            synchronized (output) {
                out = output.toString();
            }
            return new ChildFailure(label + " " + what + "; its output:\n" + out.indent(4));
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** One client/server pair's results. */
    static final class Run {
        double msgsPerS, p50, p99, p999;
        long vmhwmKib;
    }

    private static void usage(String problem) {
        System.err.println("error: " + problem);
        System.err.println("usage: EchoBenchmark [--allocators hakmem,pooled,adaptive] [--rounds 3] [--duration 10]"
                + " [--warmup 3] [--connections 64] [--size 256] [--inflight 4] [--transport epoll|nio]");
        System.exit(2);
    }

    public static void main(String[] args) throws Exception {
        List<String> allocators = List.of("hakmem", "pooled", "adaptive");
        int rounds = 3, duration = 10, warmup = 3, connections = 64, size = 256, inflight = 4;
        String transport = "epoll";
        for (int i = 0; i < args.length; i++) {
            String opt = args[i];
            if (opt.equals("-h") || opt.equals("--help")) {
                usage("help requested");
            }
            if (i + 1 >= args.length) {
                usage("missing value for " + opt);
            }
            String v = args[++i];
            try {
                switch (opt) {
                    case "--allocators":
                        allocators = Arrays.asList(v.split(","));
                        break;
                    case "--rounds":
                        rounds = Integer.parseInt(v);
                        break;
                    case "--duration":
                        duration = Integer.parseInt(v);
                        break;
                    case "--warmup":
                        warmup = Integer.parseInt(v);
                        break;
                    case "--connections":
                        connections = Integer.parseInt(v);
                        break;
                    case "--size":
                        size = Integer.parseInt(v);
                        break;
                    case "--inflight":
                        inflight = Integer.parseInt(v);
                        break;
                    case "--transport":
                        transport = v;
                        break;
                    default:
                        usage("unknown option: " + opt);
                }
            } catch (NumberFormatException e) {
                usage(opt + ": not an integer: " + v);
            }
        }
        for (String a : allocators) {
            if (!BenchSupport.ALLOCATORS.contains(a)) {
                usage("unknown allocator: " + a + " (known: " + BenchSupport.ALLOCATORS + ")");
            }
        }
        if (!transport.equals("epoll") && !transport.equals("nio")) {
            usage("unknown transport: " + transport);
        }
        if (rounds < 1 || duration < 1 || warmup < 0 || connections < 1 || size < 1 || inflight < 1) {
            usage("rounds/duration/connections/size/inflight must be >= 1, warmup >= 0");
        }

        String java = System.getProperty("java.home") + "/bin/java";
        String cp = System.getProperty("java.class.path");
        System.out.println("# echo benchmark");
        System.out.println("java: " + java + " (" + System.getProperty("java.version") + ")");
        System.out.println("JVM flags (every server and client JVM): " + String.join(" ", JVM_FLAGS));
        System.out.printf(Locale.ROOT, "allocators=%s rounds=%d warmup=%ds duration=%ds connections=%d size=%dB"
                        + " inflight=%d transport=%s cpus=%d%n", String.join(",", allocators), rounds, warmup,
                duration, connections, size, inflight, transport, Runtime.getRuntime().availableProcessors());

        Map<String, List<Run>> results = new LinkedHashMap<>();
        for (String a : allocators) {
            results.put(a, new ArrayList<>());
        }
        long clientTimeoutS = warmup + duration + EchoLoadClient.GRACE_SECONDS + 30;
        try {
            for (int round = 1; round <= rounds; round++) {
                for (String alloc : allocators) {
                    Run run = runOnce(java, cp, alloc, transport, connections, size, inflight, warmup, duration,
                            clientTimeoutS);
                    results.get(alloc).add(run);
                    System.out.printf(Locale.ROOT,
                            "round %d/%d %-8s msgs/s=%.0f p50=%.1fus p99=%.1fus p99.9=%.1fus server VmHWM=%.1fMiB%n",
                            round, rounds, alloc, run.msgsPerS, run.p50, run.p99, run.p999, run.vmhwmKib / 1024.0);
                }
            }
        } catch (ChildFailure e) {
            System.out.flush();
            System.err.println("FAILED: " + e.getMessage());
            System.exit(1);
        }
        printTable(results, JVM_FLAGS);
        System.exit(0);
    }

    private static final Pattern KV = Pattern.compile("(\\w+)=(-?[0-9.]+)");

    private static Map<String, Double> parse(String line) {
        Map<String, Double> m = new LinkedHashMap<>();
        Matcher matcher = KV.matcher(line);
        while (matcher.find()) {
            m.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
        }
        return m;
    }

    private static Run runOnce(String java, String cp, String alloc, String transport, int connections, int size,
                               int inflight, int warmup, int duration, long clientTimeoutS)
            throws IOException, InterruptedException, ChildFailure {
        List<String> serverCmd = new ArrayList<>();
        serverCmd.add(java);
        serverCmd.addAll(JVM_FLAGS);
        serverCmd.addAll(List.of("-cp", cp, EchoBenchServer.class.getName(), alloc, "0", transport));
        try (Child server = new Child("server(" + alloc + ")", serverCmd)) {
            String portLine = server.awaitLine("PORT ", START_TIMEOUT_S);
            String port = portLine.substring("PORT ".length()).trim();

            List<String> clientCmd = new ArrayList<>();
            clientCmd.add(java);
            clientCmd.addAll(JVM_FLAGS);
            clientCmd.addAll(List.of("-cp", cp, EchoLoadClient.class.getName(), "127.0.0.1", port,
                    String.valueOf(connections), String.valueOf(size), String.valueOf(inflight),
                    String.valueOf(warmup), String.valueOf(duration), alloc, transport));
            Map<String, Double> c;
            try (Child client = new Child("client(" + alloc + ")", clientCmd)) {
                String clientLine = client.awaitLine("CLIENT ", clientTimeoutS);
                client.awaitExit(STOP_TIMEOUT_S);
                c = parse(clientLine);
            } catch (ChildFailure e) {
                throw new ChildFailure(e.getMessage() + "\n" + server.failure("(server of the failed client)").getMessage());
            }

            server.send("STOP");
            String serverLine = server.awaitLine("SERVER ", STOP_TIMEOUT_S);
            server.awaitExit(STOP_TIMEOUT_S);
            Map<String, Double> s = parse(serverLine);

            Run run = new Run();
            run.msgsPerS = required(c, "msgs_per_s", server);
            run.p50 = required(c, "p50_us", server);
            run.p99 = required(c, "p99_us", server);
            run.p999 = required(c, "p999_us", server);
            run.vmhwmKib = (long) required(s, "vmhwm_kib", server);
            return run;
        }
    }

    private static double required(Map<String, Double> m, String key, Child context) throws ChildFailure {
        Double v = m.get(key);
        if (v == null) {
            throw context.failure("result line lacks " + key);
        }
        return v;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static void printTable(Map<String, List<Run>> results, List<String> flags) {
        Double pooledMedian = results.containsKey("pooled")
                ? median(results.get("pooled").stream().mapToDouble(r -> r.msgsPerS).toArray()) : null;
        System.out.println();
        System.out.println("| allocator | runs | msgs/s median | msgs/s min | msgs/s max | CV | p99 median (us)"
                + " | p99.9 median (us) | server VmHWM median (MiB) | msgs/s vs pooled |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, List<Run>> e : results.entrySet()) {
            List<Run> runs = e.getValue();
            double[] t = runs.stream().mapToDouble(r -> r.msgsPerS).toArray();
            double mean = Arrays.stream(t).average().orElse(0);
            double var = t.length > 1
                    ? Arrays.stream(t).map(x -> (x - mean) * (x - mean)).sum() / (t.length - 1) : 0;
            double cv = mean > 0 ? Math.sqrt(var) / mean : 0;
            double med = median(t);
            String ratio = pooledMedian == null || pooledMedian == 0 ? "n/a"
                    : String.format(Locale.ROOT, "%.3f", med / pooledMedian);
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.1f%% | %.1f | %.1f | %.1f | %s |%n",
                    e.getKey(), runs.size(), med,
                    Arrays.stream(t).min().orElse(0), Arrays.stream(t).max().orElse(0), cv * 100,
                    median(runs.stream().mapToDouble(r -> r.p99).toArray()),
                    median(runs.stream().mapToDouble(r -> r.p999).toArray()),
                    median(runs.stream().mapToDouble(r -> r.vmhwmKib / 1024.0).toArray()),
                    ratio);
        }
        System.out.println();
        System.out.println("CV = sample standard deviation / mean of msgs/s over the runs. "
                + "\"msgs/s vs pooled\" = median msgs/s / pooled's median msgs/s.");
        System.out.println("JVM flags: " + String.join(" ", flags));
    }
}
