package org.hakmem.netty.slab;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.FastPolicy;
import org.junit.jupiter.api.AfterEach;

/** A FAST pool of its own for each test (64 MiB cap), unmapped after it; spans owned by the calling thread. */
abstract class FastPoolFixture {
    static final SlabOwner OWNER = CallingThreadOwner.INSTANCE;

    final SuperslabPool pool = new SuperslabPool(new OsMemory(64L << 20), FastPolicy.INSTANCE);

    @AfterEach
    void unmap() {
        pool.purge(true, DecommitMode.DONTNEED);
    }
}
