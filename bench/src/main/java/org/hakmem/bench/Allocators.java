package org.hakmem.bench;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.hakmem.netty.HakmemByteBufAllocator;

import java.util.List;

/** Maps the {@code allocator} benchmark parameter to an allocator instance. */
public final class Allocators {

    /** The accepted names, in the order the benchmarks list them. */
    public static final List<String> NAMES = List.of("hakmem", "pooled", "adaptive", "unpooled");

    private Allocators() {
    }

    /**
     * A direct-preferring allocator for the given name. "hakmem" is a fresh
     * {@link HakmemByteBufAllocator} per call (so one trial does not inherit another's mapped
     * memory); "pooled" and "adaptive" are fresh direct-preferring instances; "unpooled" is
     * {@link UnpooledByteBufAllocator#DEFAULT}.
     */
    public static ByteBufAllocator create(String name) {
        if (name == null) {
            throw new IllegalArgumentException("allocator name is null; expected one of " + NAMES);
        }
        switch (name) {
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
                throw new IllegalArgumentException(
                        "unknown allocator '" + name + "'; expected one of " + NAMES);
        }
    }
}
