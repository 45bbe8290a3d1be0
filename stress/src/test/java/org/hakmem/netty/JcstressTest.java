package org.hakmem.netty;

import org.junit.jupiter.api.Test;
import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;
import org.openjdk.jcstress.infra.runners.TestList;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the module's jcstress tests (src/main/java) and fails if any of them saw a FORBIDDEN outcome,
 * or did not run cleanly.
 *
 * jcstress runs in a JVM of its own, with this JVM's class path and JDK, in target/jcstress (it writes
 * its result file to its working directory and its report to results/); it forks a JVM per test
 * configuration and passes its own JVM flags on to them, --enable-native-access for JNA among them.
 * The verdict is read from the result file, graded as jcstress grades it; target/jcstress/summary.txt
 * lists every outcome with its count, jcstress.log holds jcstress's own output.
 *
 * The build runs a short preset (QUICK) of every test; {@code -Dhakmem.jcstress.args="..."} replaces
 * the preset and {@code -Dhakmem.jcstress.tests=REGEX} picks tests, for example
 * {@code -Dhakmem.jcstress.args="-m default"} for jcstress's default mode (docs/DESIGN.md).
 */
class JcstressTest {
    /**
     * jcstress's quick mode (5 iterations of 200 ms per fork) in one JVM configuration, C2 only (on
     * JDK 17 twice: with and without biased locking), without pre-touching the forks' heaps: about a
     * minute on 2 cores. The default mode forks each test in interpreted, C1, C2 and randomized-C2
     * JVMs, with each actor compiled apart: far too long for every build.
     */
    private static final String QUICK = "-m quick -sc false -jvmArgs -XX:-TieredCompilation -pth false";
    private static final String ALL_TESTS = "^org\\.hakmem\\.netty\\.";
    private static final long QUICK_TIMEOUT_MINUTES = 10;

    private final Path dir = Path.of("target", "jcstress").toAbsolutePath();

    @Test
    void noProtocolTestSeesAForbiddenOutcome() throws Exception {
        String custom = System.getProperty("hakmem.jcstress.args", "").trim();
        String tests = System.getProperty("hakmem.jcstress.tests", ALL_TESTS);
        int exitStatus = runJcstress(tests, custom.isEmpty() ? QUICK : custom,
                custom.isEmpty() ? QUICK_TIMEOUT_MINUTES : Long.MAX_VALUE);

        Map<String, List<TestResult>> byTest = readResults();
        Files.writeString(dir.resolve("summary.txt"), summary(byTest));
        Pattern selected = Pattern.compile(tests);
        TreeSet<String> expected = TestList.tests().stream().filter(t -> selected.matcher(t).find())
                .collect(Collectors.toCollection(TreeSet::new));
        assertFalse(expected.isEmpty(), "no jcstress test matches " + tests);
        assertEquals(expected, byTest.keySet(), "tests that ran (jcstress.log in " + dir + ")");
        List<String> failures = new ArrayList<>();
        byTest.values().forEach(results -> results.forEach(r -> failures.addAll(failures(r))));
        if (!failures.isEmpty()) {
            fail(failures.size() + " failed jcstress runs (summary.txt in " + dir + "):\n" + String.join("\n", failures));
        }
        // jcstress exits with 1 when a test failed, which the lines above name; anything else is a crash.
        assertEquals(0, exitStatus, "jcstress's exit status (jcstress.log in " + dir + ")");
    }

    /** Runs jcstress over the tests {@code tests} matches; returns its exit status. */
    private int runJcstress(String tests, String args, long timeoutMinutes) throws IOException, InterruptedException {
        deleteRecursively(dir);
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                "org.openjdk.jcstress.Main",
                "-t", tests, "-r", "results"));
        command.addAll(Arrays.asList(args.split("\\s+")));
        Process jcstress = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("jcstress.log").toFile()).start();
        if (!jcstress.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            jcstress.destroyForcibly();
            fail("jcstress still running after " + timeoutMinutes + " minutes (jcstress.log in " + dir + ")");
        }
        return jcstress.exitValue();
    }

    /** Every test's results, one per JVM configuration and fork, from the one result file. */
    private Map<String, List<TestResult>> readResults() throws Exception {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> p.getFileName().toString().matches("jcstress-results-.*\\.bin\\.gz"))
                    .collect(Collectors.toList());
        }
        assertEquals(1, files.size(), "result files in " + dir + " (jcstress.log there): " + files);
        InProcessCollector collector = new InProcessCollector();
        DiskReadCollector reader = new DiskReadCollector(files.get(0).toString(), collector);
        try {
            reader.dump();
        } finally {
            reader.close();
        }
        return collector.getTestResults().stream()
                .collect(Collectors.groupingBy(TestResult::getName, TreeMap::new, Collectors.toList()));
    }

    /** What is wrong with one run of one test: an error, or FORBIDDEN outcomes seen. */
    private static List<String> failures(TestResult r) {
        String run = r.getName() + " " + r.getConfig().jvmArgs;
        if (r.status() != Status.NORMAL) {
            return List.of(run + ": " + r.status() + " " + r.getMessages() + " " + r.getVmErr());
        }
        return r.grading().failureMessages.stream().map(m -> run + ": " + m).collect(Collectors.toList());
    }

    /** Per test: each outcome's count over all its runs, and its grading; then the VM errors, if any. */
    private static String summary(Map<String, List<TestResult>> byTest) {
        StringBuilder out = new StringBuilder();
        byTest.forEach((test, results) -> {
            Map<String, Long> counts = new TreeMap<>();
            Map<String, String> expect = new TreeMap<>();
            for (TestResult r : results) {
                r.grading().gradingResults.forEach((id, g) -> {
                    counts.merge(id, g.count, Long::sum);
                    expect.put(id, g.expect.toString());
                });
            }
            out.append(test).append(" (").append(results.size()).append(" runs)\n");
            counts.forEach((id, n) -> out.append(String.format("  %-12s %14d  %s%n", id, n, expect.get(id))));
            for (TestResult r : results) {
                if (!r.getVmErr().isEmpty()) {
                    out.append("  stderr of ").append(r.getConfig().jvmArgs).append(": ").append(r.getVmErr()).append('\n');
                }
            }
        });
        return out.toString();
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted((a, b) -> b.compareTo(a)).map(Path::toFile).forEach(File::delete);
        }
    }
}
