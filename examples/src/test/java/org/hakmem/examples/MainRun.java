package org.hakmem.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A main class run in a child JVM with this test's classpath, as a user runs a tool: its exit code and
 * its merged stdout and stderr. The child gets no input (a server that reads stdin sees its end at
 * once), and one still running after 30 s is killed and reported with exit code -1, so that a tool
 * that wrongly starts its work instead of refusing its arguments fails the test in bounded time.
 */
public record MainRun(int exit, String output) {
    private static final long LIMIT_S = 30;

    public static MainRun of(Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("main-run", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            boolean exited = p.waitFor(LIMIT_S, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            return new MainRun(exited ? p.exitValue() : -1, Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** For assertion messages. */
    @Override
    public String toString() {
        return "exit " + exit + ", output:\n" + output;
    }
}
