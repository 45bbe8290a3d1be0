package org.hakmem.examples.bench;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The peers are configured alike: Adaptive is built with its cache for threads that are not event
 * loops on, so Pooled caches on every thread too. Netty's default (useCacheForAllThreads false) gave a
 * plain thread a Pooled without thread cache, and every plain-thread benchmark cell compared netty-hakmem
 * with a Pooled slower than it is where applications cache.
 */
class AllocatorsTest {
    @Test
    void pooledCachesOnAPlainThreadAsAdaptiveDoes() throws InterruptedException {
        PooledByteBufAllocator pooled = (PooledByteBufAllocator) Allocators.create("pooled");
        long[] heldByArenas = new long[1];
        Thread plain = new Thread(() -> {
            pooled.directBuffer(100).release(); // cached: the arena still counts it as allocated
            heldByArenas[0] = pooled.metric().directArenas().stream()
                    .mapToLong(a -> a.numActiveAllocations()).sum();
        });
        plain.start();
        plain.join();
        assertEquals(1, heldByArenas[0], "the released buffer went to the plain thread's cache, not back to its arena");
    }
}
