/*
 * Footprint: what an allocator adds to a process's resident memory (VmRSS) before and while it
 * serves a small load, step by step, each allocator in fresh JVMs with identical flags.
 *
 *   java -cp bench/target/benchmarks.jar org.hakmem.bench.Footprint [--rounds 3]
 *        [--allocators hakmem,hakmem-lean-free,pooled,adaptive] [--virtual-threads N] [--pool-threads N] [-h|--help]
 *
 * A child JVM measures VmRSS (after a pause, so that compiler and GC threads settle) at each step:
 *
 *   load     the allocator's classes are initialized (for netty-hakmem: JNA, its native library and
 *            HakmemByteBufAllocator.DEFAULT; for Pooled: PooledByteBufAllocator.DEFAULT)
 *   create   the allocator under test is built (Allocators.create)
 *   use      100,000 direct buffers of 256 B are allocated, written and released on the main thread
 *   vthreads (with --virtual-threads N, JDK 21+) N virtual threads each allocate a 1 KiB direct
 *            buffer, write it and hold it; VmRSS is read while all of them hold theirs, then they
 *            release. The line also gives the time until all of them held a buffer.
 *   pool     (with --pool-threads N) a pool of N platform threads each allocates, writes and
 *            releases 50 direct buffers of 16 B-4 KiB; VmRSS is read while the threads sit idle,
 *            after IDLE_MS of idleness.
 *
 * The parent runs the allocators alternately (A B A B), prints each child's line, and a Markdown
 * table of the medians with [min, max] per step. A bad option or allocator name prints what is
 * allowed and exits 2; a child that fails is reported with its output and exits 1.
 *
 * Why it exists: the echo server's peak RSS compares whole processes, where an allocator's fixed
 * costs (classes, native libraries, threads) weigh as much as the memory it holds for buffers.
 */
package org.hakmem.bench;

import org.hakmem.examples.bench.Allocators;
import org.hakmem.examples.bench.ChildJvm;
import org.hakmem.examples.bench.Cli;
import org.hakmem.examples.bench.ProcStatus;
import org.hakmem.examples.bench.Stats;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

public final class Footprint {
    static final List<String> STEPS = List.of("load", "create", "use");
    /**
     * lowMemory=false as in the comparison tool's children: on a heap <= 512 MiB Adaptive would
     * otherwise take its low-memory mode (one stripe, no thread-local magazines), not the Adaptive
     * the other benchmarks measure.
     */
    static final List<String> CHILD_FLAGS = List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
            "--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled",
            "-Dio.netty.allocator.lowMemory=false");
    static final int BUFFERS = 100_000;
    static final int SIZE = 256;
    static final long SETTLE_MS = 300;
    static final int VTHREAD_BUFFER = 1024;
    /**
     * How long the pool threads sit idle before VmRSS is read, for every allocator alike. An
     * allocator may give an idle thread's memory back on another thread and later: LEAN parks the
     * heap, its purger gives the spans back on the second round that finds it parked (rounds at most
     * 250 ms apart), and the free slabs go back to the kernel 100 ms after that over the budget, or
     * after the 1 s decay under it. 300 ms (SETTLE_MS) read LEAN before its purger could act.
     */
    static final long IDLE_MS = 2_000;
    static final int POOL_BUFFERS = 50;
    static final int POOL_MAX_SIZE = 4096;
    /** The optional steps' fields, in the order parse() returns them (vthreads_ms is a time, the rest KiB). */
    static final List<String> EXTRA_FIELDS = List.of("vthreads_kib", "vthreads_ms", "pool_kib");

    private Footprint() {
    }

    /** The options USAGE lists, each of which takes a value. */
    static final List<String> OPTIONS = List.of("--rounds", "--allocators", "--virtual-threads", "--pool-threads");

    static final String USAGE = "usage: Footprint [--rounds N (>= 1, default 3)] [--allocators a,b,... (of "
            + String.join(", ", Allocators.NAMES) + "; default hakmem,hakmem-lean-free,pooled,adaptive)]"
            + " [--virtual-threads N (>= 1; JDK 21+)] [--pool-threads N (>= 1)] [-h|--help]";

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("child")) {
            child(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            return;
        }
        System.exit(run(args, System.out, System.err));
    }

    /** What the command line asks for; 0 threads for a step that does not run. */
    record Options(int rounds, List<String> allocators, int virtualThreads, int poolThreads) {
    }

    /**
     * Reads the command line; a bad one throws IllegalArgumentException naming the option, the bad
     * value and what is allowed, before any child starts. Returns null if it asks for the usage.
     */
    static Options parse(String... args) {
        Map<String, String> o = Cli.options(args, List.of(), OPTIONS);
        if (Cli.wantsHelp(o)) {
            return null;
        }
        int virtualThreads = o.containsKey("--virtual-threads")
                ? Cli.intAtLeast("--virtual-threads", o.get("--virtual-threads"), 1) : 0;
        if (virtualThreads > 0 && Runtime.version().feature() < 21) {
            throw new IllegalArgumentException("--virtual-threads needs JDK 21 or later; this is " + Runtime.version());
        }
        return new Options(Cli.intAtLeast("--rounds", o.getOrDefault("--rounds", "3"), 1),
                o.containsKey("--allocators")
                        ? Cli.forOption("--allocators", o.get("--allocators"), Allocators::parseList)
                        : List.of("hakmem", "hakmem-lean-free", "pooled", "adaptive"),
                virtualThreads,
                o.containsKey("--pool-threads") ? Cli.intAtLeast("--pool-threads", o.get("--pool-threads"), 1) : 0);
    }

    /**
     * Runs the parent: 0 when done or when asked for the usage (printed on out), 2 on bad input (named
     * on err, with the usage), 1 if a child failed.
     */
    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        Options opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (opts == null) {
            out.println(USAGE);
            return 0;
        }
        try {
            parent(opts.rounds(), opts.allocators(), opts.virtualThreads(), opts.poolThreads(), out);
            return 0;
        } catch (ChildJvm.ChildFailure | java.io.IOException e) {
            err.println("FAILED: " + e.getMessage());
            return 1;
        }
    }

    private static void parent(int rounds, List<String> allocators, int virtualThreads, int poolThreads,
            PrintStream out) throws ChildJvm.ChildFailure, java.io.IOException, InterruptedException {
        String java = System.getProperty("java.home") + "/bin/java";
        out.println("# footprint: " + java + " (" + System.getProperty("java.version") + "), flags "
                + String.join(" ", CHILD_FLAGS) + ", rounds " + rounds
                + (virtualThreads > 0 ? ", virtual threads " + virtualThreads : "")
                + (poolThreads > 0 ? ", pool threads " + poolThreads : ""));
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (String a : allocators) {
                List<String> cmd = new ArrayList<>(List.of(java));
                cmd.addAll(CHILD_FLAGS);
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Footprint.class.getName(), "child", a,
                        Integer.toString(virtualThreads), Integer.toString(poolThreads)));
                try (ChildJvm child = new ChildJvm(a, cmd)) {
                    String line = child.awaitLine("FOOTPRINT", 120);
                    child.awaitExit(60);
                    out.println("round " + round + " " + line);
                    results.computeIfAbsent(a, k -> new ArrayList<>()).add(parse(line));
                }
            }
        }
        out.println();
        StringBuilder header = new StringBuilder("| allocator | runs | load | create | use | total |");
        StringBuilder rule = new StringBuilder("|---|---:|---:|---:|---:|---:|");
        List<Boolean> millis = new ArrayList<>(List.of(false, false, false, false));
        if (virtualThreads > 0) {
            header.append(" ").append(virtualThreads).append(" virtual threads | their time to hold, ms |");
            rule.append("---:|---:|");
            millis.addAll(List.of(false, true));
        }
        if (poolThreads > 0) {
            header.append(" ").append(poolThreads).append(" idle pool threads |");
            rule.append("---:|");
            millis.add(false);
        }
        out.println(header);
        out.println(rule);
        for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
            StringBuilder row = new StringBuilder("| " + e.getKey() + " | " + e.getValue().size());
            for (int column = 0; column < millis.size(); column++) {
                int c = column;
                boolean ms = millis.get(c);
                double[] v = e.getValue().stream().mapToDouble(r -> ms ? r[c] : r[c] / 1024.0).toArray();
                row.append(String.format(Locale.ROOT, ms ? " | %.0f [%.0f, %.0f]" : " | %.1f [%.1f, %.1f]",
                        Stats.median(v), Stats.min(v), Stats.max(v)));
            }
            out.println(row + " |");
        }
        out.println();
        out.println("MiB of VmRSS added by each step: median [min, max] over the runs; total = load + create + use."
                + (virtualThreads > 0 ? " Virtual threads: VmRSS while each of them holds a " + VTHREAD_BUFFER
                        + " B buffer, over VmRSS after use; and the time from the first start until all of them"
                        + " held one." : "")
                + (poolThreads > 0 ? " Idle pool threads: VmRSS once each of them has allocated and released "
                        + POOL_BUFFERS + " buffers of 16-" + POOL_MAX_SIZE + " B and sits idle, over VmRSS before"
                        + " they started." : ""));
    }

    /**
     * The step deltas (KiB) and their total, from a child's FOOTPRINT line; then the optional steps'
     * fields that the line has (EXTRA_FIELDS, in that order: KiB, or ms for the time).
     */
    static double[] parse(String line) {
        Map<String, String> fields = ResultLine.fields(line);
        List<Double> v = new ArrayList<>();
        for (String step : STEPS) {
            v.add((double) Long.parseLong(fields.get(step + "_kib")));
        }
        v.add((double) Long.parseLong(fields.get("total_kib")));
        for (String extra : EXTRA_FIELDS) {
            if (fields.containsKey(extra)) {
                v.add((double) Long.parseLong(fields.get(extra)));
            }
        }
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void child(String name, int virtualThreads, int poolThreads) throws Exception {
        long start = settledRss();
        Class.forName(classOf(name), true, Footprint.class.getClassLoader());
        long loaded = settledRss();
        ByteBufAllocator alloc = Allocators.create(name);
        long created = settledRss();
        for (int i = 0; i < BUFFERS; i++) {
            ByteBuf b = alloc.directBuffer(SIZE);
            b.writeByte(i);
            b.release();
        }
        long used = settledRss();
        ResultLine line = new ResultLine("FOOTPRINT").put("allocator", name).put("load_kib", loaded - start)
                .put("create_kib", created - loaded).put("use_kib", used - created).put("total_kib", used - start)
                .put("rss_start_kib", start);
        if (virtualThreads > 0) {
            long[] rssAndMillis = holdOnVirtualThreads(alloc, virtualThreads);
            line.put("vthreads_kib", rssAndMillis[0] - used).put("vthreads_ms", rssAndMillis[1]);
        }
        if (poolThreads > 0) {
            long before = settledRss();
            line.put("pool_kib", idlePool(alloc, poolThreads) - before);
        }
        line.print();
    }

    /**
     * A fixed pool of n platform threads; each allocates, writes and releases POOL_BUFFERS buffers of
     * random sizes, then sits idle. Returns VmRSS (KiB) read while the threads are alive and idle.
     */
    private static long idlePool(ByteBufAllocator alloc, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                XorShift64 rng = new XorShift64(t + 1);
                tasks.add(pool.submit(() -> {
                    List<ByteBuf> held = new ArrayList<>();
                    for (int i = 0; i < POOL_BUFFERS; i++) {
                        ByteBuf b = alloc.directBuffer(rng.nextInt(16, POOL_MAX_SIZE));
                        b.writeInt(i);
                        held.add(b);
                    }
                    held.forEach(ByteBuf::release);
                }));
            }
            for (Future<?> task : tasks) {
                task.get(); // the pool has n threads and n tasks: every thread ran one and is idle now
            }
            Thread.sleep(IDLE_MS);
            return settledRss();
        } finally {
            shutDown(pool, "pool threads");
        }
    }

    /**
     * Starts n virtual threads that each allocate, write and hold a buffer; returns VmRSS (KiB) read
     * while all of them hold one, and the milliseconds until they all did. They release on the way out.
     */
    private static long[] holdOnVirtualThreads(ByteBufAllocator alloc, int n) throws Exception {
        CountDownLatch holding = new CountDownLatch(n);
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // Built for Java 17: the JDK 21 factory is reached through its public method.
        ExecutorService executor = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                .invoke(null);
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long value = i;
                executor.submit(() -> {
                    ByteBuf b;
                    try {
                        b = alloc.directBuffer(VTHREAD_BUFFER);
                    } catch (Throwable e) { // an OutOfMemoryError from a cap, say: the child must not hang
                        failure.compareAndSet(null, e);
                        holding.countDown();
                        return null;
                    }
                    try {
                        b.writeLong(value);
                        holding.countDown();
                        done.await();
                    } finally {
                        b.release();
                    }
                    return null;
                });
            }
            holding.await();
            if (failure.get() != null) {
                throw new IllegalStateException("a virtual thread could not allocate", failure.get());
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            return new long[] {settledRss(), millis};
        } finally {
            done.countDown();
            shutDown(executor, "virtual threads");
        }
    }

    /** Shuts the executor down and waits for its threads, failing loudly if they hang. */
    private static void shutDown(ExecutorService executor, String what) throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(what + " did not finish within 60 s");
        }
    }

    private static String classOf(String name) {
        if (name.startsWith("hakmem")) {
            return "org.hakmem.netty.HakmemByteBufAllocator";
        }
        switch (name) {
            case "pooled":
                return "io.netty.buffer.PooledByteBufAllocator";
            case "adaptive":
                return "io.netty.buffer.AdaptiveByteBufAllocator";
            default:
                return "io.netty.buffer.UnpooledByteBufAllocator";
        }
    }

    private static long settledRss() throws InterruptedException {
        System.gc();
        Thread.sleep(SETTLE_MS);
        return ProcStatus.statusKib("VmRSS");
    }
}
