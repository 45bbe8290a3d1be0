package org.hakmem.netty;

import org.hakmem.netty.os.FaultySyscalls;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HAKMEM_SS_OS_STATS=1 prints the OS stats once, at exit; without it nothing is printed. */
class OsStatsAtExitTest {

    /**
     * The child JVM, configured by the environment: allocates and trims with the DEFAULT allocator;
     * with "own", with an allocator of its own (DEFAULT is built too, and maps nothing); with "none",
     * loads the allocator class and allocates nothing.
     */
    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "default";
        if (mode.equals("dropped")) {
            dropTwoAllocators();
            return;
        }
        if (mode.equals("inHook")) {
            Runtime.getRuntime().addShutdownHook(new Thread(OsStatsAtExitTest::allocateInAShutdownHook));
            return;
        }
        HakmemByteBufAllocator alloc = mode.equals("own") ? HakmemByteBufAllocator.builder().build()
                : HakmemByteBufAllocator.DEFAULT;
        if (!mode.equals("none")) {
            alloc.directBuffer(100_000).release();
            alloc.trim();
        }
    }

    /**
     * Two FAST allocators used on a thread that then exits (its thread cache held them), one trimmed,
     * one not; both dropped and collected before main returns, as an application's allocator can be
     * once its event loops have stopped.
     */
    private static void dropTwoAllocators() throws Exception {
        List<WeakReference<HakmemByteBufAllocator>> refs = new ArrayList<>();
        Thread user = new Thread(() -> {
            HakmemByteBufAllocator kept = HakmemByteBufAllocator.builder().profile(Profile.FAST).build();
            kept.directBuffer(100_000).release();
            HakmemByteBufAllocator trimmed = HakmemByteBufAllocator.builder().profile(Profile.FAST).build();
            trimmed.directBuffer(100_000).release();
            trimmed.trim();
            refs.add(new WeakReference<>(kept));
            refs.add(new WeakReference<>(trimmed));
        });
        user.start();
        user.join();
        for (int i = 0; i < 200 && refs.stream().anyMatch(r -> r.get() != null); i++) {
            System.gc();
            Thread.sleep(10);
        }
        System.out.println(refs.stream().allMatch(r -> r.get() == null) ? "COLLECTED" : "STILL REACHABLE");
    }

    /** A first use of the class while the JVM exits: a goodbye message sent from a shutdown hook. */
    private static void allocateInAShutdownHook() {
        try {
            HakmemByteBufAllocator.DEFAULT.directBuffer(100).release();
            System.out.println("ALLOCATED IN HOOK");
        } catch (Throwable e) {
            System.out.println("THREW IN HOOK " + e + " / " + e.getCause());
        }
    }

    private static String runChild(boolean stats) throws IOException, InterruptedException {
        return runChild(stats, "default");
    }

    private static String runChild(boolean stats, String mode) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), OsStatsAtExitTest.class.getName(), mode);
        pb.environment().put("HAKMEM_SS_MEM_LEAN", "1");
        pb.environment().put("HAKMEM_SS_MEM_LEAN_DECOMMIT", "DONTNEED");
        pb.environment().put("HAKMEM_SS_OS_STATS", stats ? "1" : "0");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child exits");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void statsArePrintedOnceAtExitWhenAskedFor() throws Exception {
        String out = runChild(true);
        assertThat(out).containsOnlyOnce("netty-hakmem OS stats [LEAN(DONTNEED")
                .contains("mmap=").contains("munmap=").contains("madvise=")
                .contains("lean_decommit=").contains("lean_retire=1 (2097152 B)");
        assertThat(runChild(false)).doesNotContain("netty-hakmem OS stats");
    }

    @Test
    void anAllocatorThatMappedNothingPrintsNoLineOfZeros() throws Exception {
        // DEFAULT is built when the class is first used; the application allocates from its own.
        assertThat(runChild(true, "own")).containsOnlyOnce("netty-hakmem OS stats [")
                .contains("lean_retire=1 (2097152 B)");
        assertThat(runChild(true, "none")).containsOnlyOnce("netty-hakmem OS stats: no allocator mapped memory")
                .doesNotContain("netty-hakmem OS stats [");
    }

    @Test
    void allocatorsDroppedBeforeExitStillReportWhatTheyMapped() throws Exception {
        String out = runChild(true, "dropped");
        assertThat(out).contains("COLLECTED").doesNotContain("no allocator mapped memory");
        assertThat(out.lines().filter(l -> l.startsWith("netty-hakmem OS stats [FAST, dropped before exit]: mmap=1 ")))
                .as(out).hasSize(2)
                .anyMatch(l -> l.contains("munmap=0 ") && l.endsWith("still mapped 2097152 B"))
                .anyMatch(l -> l.contains("lean_retire=1 (2097152 B)") && l.endsWith("still mapped 0 B"));
    }

    /**
     * The report's shutdown hook is added when the first allocator asks for it; when that happens
     * while the JVM exits, Runtime.addShutdownHook throws IllegalStateException, which used to fail
     * the building of the allocator (here DEFAULT, so the class's initialisation).
     */
    @Test
    void anAllocatorFirstBuiltWhileTheJvmExitsStillWorks() throws Exception {
        String out = runChild(true, "inHook");
        assertThat(out).contains("ALLOCATED IN HOOK").doesNotContain("THREW")
                .contains("netty-hakmem OS stats: not reported, the allocator was built while the JVM exits");
    }

    @Test
    void theReportNamesTheProfileAndTheCounters() {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        alloc.directBuffer(10).release();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OsStatsAtExit.print(alloc, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("netty-hakmem OS stats [FAST]: mmap=1")
                .contains("resident 2097152 B");
    }

    private static String report(HakmemByteBufAllocator... allocs) {
        List<OsStatsAtExit.Entry> entries = new ArrayList<>();
        for (HakmemByteBufAllocator a : allocs) {
            entries.add(new OsStatsAtExit.Entry(a, new ReferenceQueue<>()));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OsStatsAtExit.printAll(entries, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * A residency scan that fails at exit (mincore answers EAGAIN when the kernel is short of memory)
     * used to throw out of the hook: that allocator's counters and the lines of every allocator after
     * it were lost, the report an operator turned on to see what happened.
     */
    @Test
    void aFailedResidencyScanStillPrintsTheCountersAndTheOtherAllocators() {
        FaultySyscalls faults = new FaultySyscalls();
        HakmemByteBufAllocator refused = new HakmemByteBufAllocator(
                HakmemByteBufAllocator.builder().profile(Profile.FAST).resolve(), faults.newOsMemory(64L << 20));
        HakmemByteBufAllocator fine = HakmemByteBufAllocator.builder().profile(Profile.FAST).build();
        refused.directBuffer(10).release();
        fine.directBuffer(10).release();
        faults.mincoreErrno = 11; // EAGAIN
        String out = report(refused, fine);
        assertThat(out.lines()).as(out).hasSize(2);
        assertThat(out.lines().findFirst().orElseThrow()).startsWith("netty-hakmem OS stats [FAST]: mmap=1")
                .contains("resident unknown (").contains("errno 11").contains("committed 2097152 B");
        assertThat(out.lines().skip(1).findFirst().orElseThrow()).startsWith("netty-hakmem OS stats [FAST]: mmap=1")
                .contains("resident 2097152 B");
        refused.trim();
        fine.trim();
    }

    /**
     * An allocator whose every mapping the cap refused (a buffer larger than the cap) has made no
     * mmap call. The report said "no allocator mapped memory", leaving out the one counter that
     * explains the OutOfMemoryError the application got.
     */
    @Test
    void anAllocatorRefusedByTheCapHasALine() {
        HakmemByteBufAllocator capped = HakmemByteBufAllocator.builder().maxMappedBytes(2L << 20).build();
        assertThrows(OutOfMemoryError.class, () -> capped.directBuffer(3 << 20));
        assertThat(report(capped)).startsWith("netty-hakmem OS stats [").contains("mmap=0 ")
                .contains("cap refusals=1");
    }
}
