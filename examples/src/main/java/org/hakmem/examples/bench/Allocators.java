/*
 * Allocators: the one table of allocator names used by every benchmark of this project (the echo
 * benchmark here, the JMH benchmarks and the comparison tool in bench/, which depends on this module).
 */
package org.hakmem.examples.bench;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.hakmem.netty.HakmemByteBufAllocator;
import org.hakmem.netty.Profile;
import org.hakmem.netty.os.DecommitMode;

import java.util.List;
import java.util.Locale;

public final class Allocators {

    /** Every accepted name, in the order reports list them. */
    public static final List<String> NAMES = List.of("hakmem", "hakmem-lean-free", "hakmem-lean-dontneed",
            "hakmem-lean-off", "pooled", "adaptive", "unpooled");

    private Allocators() {
    }

    /**
     * The allocators of a command line's comma-separated list (every tool's --allocators), in the
     * order given.
     *
     * @throws IllegalArgumentException naming an unknown or repeated name, or an empty list, and the
     *         allowed names; the message does not name the option, which each tool adds
     */
    public static List<String> parseList(String commaSeparated) {
        return Cli.names("allocator", commaSeparated, NAMES);
    }

    /**
     * A fresh instance for {@code name} (so one run never inherits another's memory), except
     * "unpooled", which holds nothing and is Netty's shared {@link UnpooledByteBufAllocator#DEFAULT}.
     * The profile and decommit mode of the hakmem names are fixed by the name; the LEAN budget and
     * decay come from the usual settings (-Dhakmem.ss.memLeanTargetMB, ...Decay, or their defaults),
     * so a benchmark can vary them for every LEAN allocator at once. OS stats are never dumped at
     * exit: the benchmarks report them on their own result lines.
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static ByteBufAllocator create(String name) {
        switch (String.valueOf(name)) {
            case "hakmem":
                return HakmemByteBufAllocator.builder().profile(Profile.FAST).osStatsAtExit(false).build();
            case "hakmem-lean-free":
                return lean(DecommitMode.FREE);
            case "hakmem-lean-dontneed":
                return lean(DecommitMode.DONTNEED);
            case "hakmem-lean-off":
                return lean(DecommitMode.OFF);
            case "pooled":
                return pooled();
            case "adaptive":
                // (preferDirect, useCacheForNonEventLoopThreads)
                return new AdaptiveByteBufAllocator(true, true);
            case "unpooled":
                return UnpooledByteBufAllocator.DEFAULT;
            default:
                throw Cli.unknown("allocator", name, NAMES);
        }
    }

    /**
     * Netty's defaults, with the thread caches on for every thread, as Adaptive's are (its second
     * argument below): by default Pooled caches only on FastThreadLocalThreads and event loops
     * ({@link PooledByteBufAllocator#defaultUseCacheForAllThreads()} is false), so on a plain thread
     * the two peers ran differently configured, and Pooled without what makes it fast there.
     */
    private static PooledByteBufAllocator pooled() {
        return new PooledByteBufAllocator(true, PooledByteBufAllocator.defaultNumHeapArena(),
                PooledByteBufAllocator.defaultNumDirectArena(), PooledByteBufAllocator.defaultPageSize(),
                PooledByteBufAllocator.defaultMaxOrder(), PooledByteBufAllocator.defaultSmallCacheSize(),
                PooledByteBufAllocator.defaultNormalCacheSize(), true);
    }

    private static HakmemByteBufAllocator lean(DecommitMode mode) {
        return HakmemByteBufAllocator.builder().profile(Profile.LEAN).leanDecommit(mode).osStatsAtExit(false).build();
    }

    /** The Java expression {@link #create} evaluates for {@code name}, for report headers. */
    public static String describe(String name) {
        switch (String.valueOf(name)) {
            case "hakmem":
                return "HakmemByteBufAllocator.builder().profile(FAST).build()";
            case "hakmem-lean-free":
            case "hakmem-lean-dontneed":
            case "hakmem-lean-off":
                return "HakmemByteBufAllocator.builder().profile(LEAN).leanDecommit("
                        + name.substring("hakmem-lean-".length()).toUpperCase(Locale.ROOT) + ").build()";
            case "pooled":
                return "new PooledByteBufAllocator(true, <Netty's defaults>, useCacheForAllThreads = true)";
            case "adaptive":
                return "new AdaptiveByteBufAllocator(true, true)";
            case "unpooled":
                return "UnpooledByteBufAllocator.DEFAULT";
            default:
                throw Cli.unknown("allocator", name, NAMES);
        }
    }

    /** True for the names that build a {@link HakmemByteBufAllocator}. */
    public static boolean isHakmem(String name) {
        return name.startsWith("hakmem");
    }
}
