/*
 * QuickModesTest: each mode of the comparison tool runs end to end with --quick (real child JVMs,
 * real charts) and writes its outputs with a row for every allocator. No timing is asserted: the
 * quick figures mean nothing, the test proves the modes run.
 */
package org.hakmem.bench.compare;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 10, unit = TimeUnit.MINUTES)
class QuickModesTest {

    @TempDir
    Path tmp;

    @Test
    void compareQuickHasEveryWorkloadAndAllocator() throws IOException {
        Path out = tmp.resolve("compare");
        ToolRun run = ToolRun.of("--quick", "--out", out.toString()); // no mode: compare is the default
        assertEquals(0, run.exit(), run::transcript);

        String report = Files.readString(out.resolve("report.md"));
        for (String a : CompareCommand.ALLOCATORS) {
            for (String w : List.of("mixed-ws400", "mixed-ws400-32k", "cross-thread", "echo")) {
                assertRow(report, "| " + w + " | " + a + " | 1 |", run);
            }
            assertRow(report, "| " + a + " | 1 |", run); // burst-idle and echo latency tables
            assertEchoPeaks(report, a);
        }
        assertTrue(report.contains("- child JVM flags (identical for every run): `--enable-native-access=ALL-UNNAMED"),
                report);
        assertTrue(report.contains("server and client JVMs: both on any CPU (not pinned"), report);
        assertMemoryBreakdown(report, "mixed-ws400-32k", "hakmem");
        assertMemoryBreakdown(report, "mixed-ws400", "hakmem-lean-free");
        assertEquals(1 + CompareCommand.ALLOCATORS.size() * CompareCommand.WORKLOADS.size(),
                Files.readAllLines(out.resolve("runs.csv")).size());
        assertTrue(Files.readAllLines(out.resolve("samples.csv")).size() > CompareCommand.ALLOCATORS.size(),
                "burst-idle prints RSS samples for every allocator");
        assertPng(out.resolve("throughput.png"));
        assertPng(out.resolve("burst-idle-rss.png"));
    }

    @Test
    void echoWithAFixedClientAllocatorAndPinnedJvmsSaysSo() throws IOException {
        Path out = tmp.resolve("echo-client");
        String clientCpu = Runtime.getRuntime().availableProcessors() > 1 ? "1" : "0";
        ToolRun run = ToolRun.of("--quick", "--workloads", "echo", "--allocators", "hakmem,adaptive",
                "--echo-client", "pooled", "--echo-cpus", "0:" + clientCpu, "--out", out.toString());
        assertEquals(0, run.exit(), run::transcript);

        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("the client's allocator: `pooled`; server and client JVMs: server on CPUs 0,"
                + " client on CPUs " + clientCpu + " (taskset)."), report);
        assertTrue(report.contains("Echo server JVM flags (the child flags, plus what `EchoRun.SERVER_FLAGS` this JVM"
                + " accepts): `--enable-native-access=ALL-UNNAMED"), report);
        for (String a : List.of("hakmem", "adaptive")) {
            assertRow(report, "| echo | " + a + " | 1 |", run);
            assertEchoPeaks(report, a);
        }
    }

    /** The echo row has a measured-phase peak, above zero and not above the server's lifetime peak. */
    private static void assertEchoPeaks(String report, String allocator) {
        Matcher m = Pattern.compile("\\| " + Pattern.quote(allocator)
                + " \\| 1 \\|(?: [^|]+ \\|){5} ([0-9.]+) \\| ([0-9.]+) \\[").matcher(report);
        assertTrue(m.find(), () -> "no echo row with both peaks for " + allocator + " in\n" + report);
        double lifetime = Double.parseDouble(m.group(1));
        double phase = Double.parseDouble(m.group(2));
        assertTrue(phase > 0 && phase <= lifetime, m.group());
    }

    /** The breakdown row exists, spans hold at least the used slots, and committed = spans + free slabs. */
    private static void assertMemoryBreakdown(String report, String workload, String allocator) {
        Matcher m = Pattern.compile("\\| " + Pattern.quote(workload) + " \\| " + Pattern.quote(allocator)
                + " \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+) \\| [0-9.e+-]+ \\|").matcher(report);
        assertTrue(m.find(), () -> "no memory breakdown row for " + workload + "/" + allocator + " in\n" + report);
        double used = Double.parseDouble(m.group(1));
        double spans = Double.parseDouble(m.group(2));
        double free = Double.parseDouble(m.group(3));
        double committed = Double.parseDouble(m.group(4));
        assertTrue(used > 0 && spans >= used, m.group());
        assertEquals(committed, spans + free, 0.11, m.group()); // each figure is rounded to 0.1 MiB
    }

    @Test
    void abQuickGivesAVerdictForEveryLeanVariant() throws IOException {
        Path out = tmp.resolve("ab");
        ToolRun run = ToolRun.of("ab", "--quick", "--out", out.toString());
        assertEquals(0, run.exit(), run::transcript);

        String report = Files.readString(out.resolve("report.md"));
        assertRow(report, "| hakmem | **baseline** |", run);
        Pattern verdict = Pattern.compile("\\| (hakmem-lean-\\w+) \\| \\*\\*(GO|NO-GO|NEUTRAL)\\*\\* \\|");
        for (String a : List.of("hakmem-lean-free", "hakmem-lean-dontneed", "hakmem-lean-off")) {
            assertTrue(verdict.matcher(report).results().anyMatch(m -> m.group(1).equals(a)),
                    "no GO/NO-GO/NEUTRAL row for " + a + "\n" + run.transcript());
        }
        assertTrue(run.out().contains("## A/B verdict"), run::transcript);
        assertTrue(!report.contains("Echo server JVM flags"), "ab runs no echo: " + report);
        assertPng(out.resolve("drift.png"));
        assertPng(out.resolve("burst-idle-rss.png"));
    }

    @Test
    void soakQuickWritesEpochsPerAllocator() throws IOException {
        Path out = tmp.resolve("soak");
        ToolRun run = ToolRun.of("soak", "--quick", "--out", out.toString());
        assertEquals(0, run.exit(), run::transcript);

        String report = Files.readString(out.resolve("report.md"));
        List<String> epochs = Files.readAllLines(out.resolve("epochs.csv"));
        for (String a : SoakCommand.ALLOCATORS) {
            assertRow(report, "| " + a + " | ", run);
            assertTrue(epochs.stream().anyMatch(l -> l.startsWith("1,soak," + a + ",1,")), "no epoch 1 for " + a);
        }
        assertPng(out.resolve("soak.png"));
    }

    @Test
    void soakQuickRoundsAlternateAndReportAcrossRounds() throws IOException {
        Path out = tmp.resolve("soak-rounds");
        ToolRun run = ToolRun.of("soak", "--quick", "--rounds", "2", "--allocators", "hakmem,pooled",
                "--out", out.toString());
        assertEquals(0, run.exit(), run::transcript);

        // A B A B: the runs alternate within each round (runs.csv keeps the order they ran in)
        List<String> runs = Files.readAllLines(out.resolve("runs.csv"));
        assertEquals(List.of("1,soak,hakmem,ok", "1,soak,pooled,ok", "2,soak,hakmem,ok", "2,soak,pooled,ok"),
                runs.subList(1, runs.size()).stream().map(l -> String.join(",", List.of(l.split(",")).subList(0, 4)))
                        .toList(), run::transcript);
        List<String> epochs = Files.readAllLines(out.resolve("epochs.csv"));
        for (String a : List.of("hakmem", "pooled")) {
            for (int round = 1; round <= 2; round++) {
                String prefix = round + ",soak," + a + ",";
                assertTrue(epochs.stream().anyMatch(l -> l.startsWith(prefix + "1,")), "no epoch 1 for " + prefix);
            }
        }

        String report = Files.readString(out.resolve("report.md"));
        assertRow(report, "| allocator | round | epochs |", run); // the per-run table says which round
        for (String a : List.of("hakmem", "pooled")) {
            assertRow(report, "| " + a + " | 1 | ", run);
            assertRow(report, "| " + a + " | 2 | ", run);
        }
        assertTrue(report.contains("## Across rounds"), report);
        String across = report.substring(report.indexOf("## Across rounds"));
        assertRow(across, "| allocator | round 1 | round 2 | median | min | max | CV | / hakmem [min, max] |", run);
        assertRow(across, "| hakmem | ", run);
        assertTrue(across.lines().anyMatch(l -> l.startsWith("| hakmem | ") && l.endsWith("| baseline |")), across);
        assertTrue(across.lines().anyMatch(l -> l.startsWith("| pooled | ") && l.matches(".*\\| [0-9.]+x \\[.*")),
                "pooled has a ratio to hakmem\n" + across);
        assertPng(out.resolve("soak.png"));
    }

    private static void assertRow(String report, String row, ToolRun run) {
        assertTrue(report.contains(row), "report lacks a row starting '" + row + "'\n" + report + "\n" + run.transcript());
    }

    private static void assertPng(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, png + " is not a readable image");
        assertTrue(img.getWidth() > 0 && img.getHeight() > 0, png + " is empty");
    }
}
