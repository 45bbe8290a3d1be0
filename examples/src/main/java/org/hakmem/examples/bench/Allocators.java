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

import java.util.List;

public final class Allocators {

    /** Every accepted name, in the order reports list them. */
    public static final List<String> NAMES = List.of("hakmem", "pooled", "adaptive", "unpooled");

    private Allocators() {
    }

    /**
     * A fresh instance for {@code name} (so one run never inherits another's memory), except
     * "unpooled", which holds nothing and is Netty's shared {@link UnpooledByteBufAllocator#DEFAULT}.
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static ByteBufAllocator create(String name) {
        switch (String.valueOf(name)) {
            case "hakmem":
                return HakmemByteBufAllocator.builder().build();
            case "pooled":
                return new PooledByteBufAllocator(true);
            case "adaptive":
                // (preferDirect, useCacheForNonEventLoopThreads)
                return new AdaptiveByteBufAllocator(true, true);
            case "unpooled":
                return UnpooledByteBufAllocator.DEFAULT;
            default:
                throw new IllegalArgumentException("unknown allocator '" + name + "'; expected one of " + NAMES);
        }
    }

    /** The Java expression {@link #create} evaluates for {@code name}, for report headers. */
    public static String describe(String name) {
        switch (String.valueOf(name)) {
            case "hakmem":
                return "HakmemByteBufAllocator.builder().build() (profile FAST)";
            case "pooled":
                return "new PooledByteBufAllocator(true)";
            case "adaptive":
                return "new AdaptiveByteBufAllocator(true, true)";
            case "unpooled":
                return "UnpooledByteBufAllocator.DEFAULT";
            default:
                throw new IllegalArgumentException("unknown allocator '" + name + "'; expected one of " + NAMES);
        }
    }

    /** True for the names that build a {@link HakmemByteBufAllocator}. */
    public static boolean isHakmem(String name) {
        return name.startsWith("hakmem");
    }
}
