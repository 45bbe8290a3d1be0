package org.hakmem.netty.heap;

import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.LeanPolicy;
import org.hakmem.netty.slab.SuperslabPool;

/**
 * A LEAN pool and heap registry that give nothing back on their own (an hour's decay, a 64 MiB budget
 * and cap), for the tests of what the registry's walks do; the test thread walks.
 */
final class LeanRegistry {
    private static final long MIB = 1 << 20;
    private static final long HOUR = 3_600_000_000_000L;

    final LeanPolicy lean = new LeanPolicy(DecommitMode.DONTNEED, 64 * MIB, HOUR);
    final SuperslabPool pool = new SuperslabPool(new OsMemory(64 * MIB), lean);
    final HeapRegistry registry = new HeapRegistry(pool, lean, () -> { });
}
