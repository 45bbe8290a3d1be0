package org.hakmem.netty.slab;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.FastPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A huge block released a second time (two threads releasing a buffer's last reference at the same
 * instant both deallocate it, RefCountedByteBuf's banner) must be refused before anything changes.
 * Unmapped at release, as before HugeCache, OsMemory refused the second munmap; kept, it was kept
 * twice and handed to two buffers, or kept after the purge had unmapped it and handed out unmapped.
 */
class HugeReleaseTwiceTest {
    private static final int SIZE = 3 << 20;

    private final SuperslabPool pool = new SuperslabPool(new OsMemory(256L << 20), FastPolicy.INSTANCE);

    @AfterEach
    void unmap() {
        pool.purge(true, DecommitMode.OFF);
    }

    @Test
    void aKeptBlockReleasedAgainIsRefusedAndKeptOnce() {
        HugeBlock block = pool.mapHuge(SIZE);
        pool.releaseHuge(block);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.releaseHuge(block));
        assertTrue(e.getMessage().contains("released twice"), e.getMessage());
        assertEquals(SIZE, pool.keptHugeBytes(), "kept once");
        assertEquals(0, pool.hugeBytes());
        HugeBlock first = pool.mapHuge(SIZE);
        HugeBlock second = pool.mapHuge(SIZE);
        assertNotEquals(first.address, second.address, "one mapping for two buffers");
        pool.releaseHuge(first);
        pool.releaseHuge(second);
    }

    @Test
    void aBlockReleasedAgainAfterThePurgeUnmappedItIsRefusedAndNotKept() {
        HugeBlock block = pool.mapHuge(SIZE);
        pool.releaseHuge(block);
        assertEquals(SIZE, pool.purge(true, DecommitMode.OFF), "the kept block unmapped");
        assertThrows(IllegalStateException.class, () -> pool.releaseHuge(block));
        assertEquals(0, pool.keptHugeBytes(), "an unmapped block kept would be handed out");
        assertEquals(0, pool.hugeBytes());
    }
}
