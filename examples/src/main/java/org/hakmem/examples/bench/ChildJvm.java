/*
 * ChildJvm: a benchmark child process whose merged stdout/stderr is collected line by line, with
 * waits that fail loudly: a child that exits non-zero, prints nothing in time or never exits is
 * reported with the tail of its output (ChildFailure), never silently dropped. A child does not
 * outlive this JVM: close() ends it, and a shutdown hook ends any still running when this JVM exits
 * or is stopped (SIGTERM, SIGINT); else it would run on, reparented to init, for its whole run.
 */
package org.hakmem.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

public final class ChildJvm implements AutoCloseable {
    /** Output lines quoted in a failure report: enough for a stack trace, short enough to read. */
    static final int TAIL_LINES = 60;

    /** Thrown when a child fails; the message names the child and quotes its output. */
    public static final class ChildFailure extends Exception {
        public ChildFailure(String message) {
            super(message);
        }
    }

    /** Children started and not yet closed: what the shutdown hook ends. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "child-jvm-reaper"));
    }

    private final String label;
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> output = new ArrayList<>();
    private final Thread reader;

    /** Starts {@code command}; {@code label} names the child in progress and failure messages. */
    public ChildJvm(String label, List<String> command) throws IOException {
        this.label = label;
        this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
        LIVE.add(process);
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                    }
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process went away; its exit code tells what happened
            }
        }, label + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    public String label() {
        return label;
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /** Waits up to timeoutS for a line starting with prefix; fails if the child exits first. */
    public String awaitLine(String prefix, long timeoutS) throws ChildFailure, InterruptedException {
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
    public void awaitExit(long timeoutS) throws ChildFailure, InterruptedException {
        if (!process.waitFor(timeoutS, TimeUnit.SECONDS)) {
            throw failure("did not exit within " + timeoutS + " s");
        }
        reader.join(2000);
        if (process.exitValue() != 0) {
            throw failure("exited with " + process.exitValue());
        }
    }

    /** Sends one line to the child's stdin and closes it. */
    public void send(String line) {
        sendLine(line, true);
    }

    /** Sends one line to the child's stdin and keeps it open for more. */
    public void sendLine(String line) {
        sendLine(line, false);
    }

    private void sendLine(String line, boolean close) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            if (close) {
                in.close();
            }
        } catch (IOException e) {
            // the child is gone; awaitLine and awaitExit report it
        }
    }

    /** Every line the child printed so far (stdout and stderr merged). */
    public List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    /**
     * A failure that names this child, says what went wrong and quotes the tail of its output. Its first
     * line also quotes the child's first "error: " line, the one-line reason the tools print: the
     * comparison tool shows only that line in its CSV and its A/B verdict.
     */
    public ChildFailure failure(String what) {
        List<String> all = output();
        List<String> tail = all.subList(Math.max(0, all.size() - TAIL_LINES), all.size());
        String skipped = all.size() > tail.size() ? "    (" + (all.size() - tail.size()) + " earlier lines omitted)\n" : "";
        String reason = all.stream().filter(l -> l.startsWith("error: ")).findFirst().map(l -> " (" + l + ")").orElse("");
        return new ChildFailure(label + " " + what + reason + "; its output:\n" + skipped
                + String.join("\n", tail).indent(4));
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            LIVE.remove(process);
        }
    }
}
