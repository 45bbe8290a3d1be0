package org.hakmem.netty.slab;

import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.FastPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The metric's usedDirectMemory() is the pool's liveBytes(): per live span, its used count (a plain
 * field the owner writes) less its pending remote frees (the remote head, which other threads push
 * to), read from a thread that synchronizes with neither. The two loads are not one snapshot: a
 * reader preempted between them, or whose plain load the JIT moved after the volatile one, combines
 * a count from before the owner's latest pops with remote frees of the slots those pops handed out
 * (seen in a probe: -29,824 bytes with one producer, one consumer and a reader, on JDK 17).
 */
class LiveBytesTest {
    private static final int CLASS_16 = SizeClasses.classOf(16);

    private final SuperslabPool pool = new SuperslabPool(new OsMemory(64L << 20), FastPolicy.INSTANCE);

    @AfterEach
    void unmap() {
        pool.purge(true, org.hakmem.netty.os.DecommitMode.OFF);
    }

    @Test
    void aReaderThatCombinesACountFromBeforeAPopWithTheRemoteFreeAfterItSeesNoNegativeBytes() throws Exception {
        Slab s = pool.acquireSpan(CLASS_16, CallingThreadOwner.INSTANCE);
        int usedBeforePops = s.used;
        int[] slots = {s.pop(), s.pop(), s.pop()};
        Thread consumer = new Thread(() -> {
            for (int slot : slots) {
                s.pushRemote(slot);
            }
        });
        consumer.start();
        consumer.join();
        assertEquals(0, s.liveBytes(), "quiet: exact");

        // What the racing reader saw: `used` as it was before the three pops, the three frees after.
        int usedNow = s.used;
        s.used = usedBeforePops;
        try {
            assertEquals(0, s.liveBytes(), "no live slot, and never fewer than none");
            assertEquals(0, pool.liveBytes(), "usedDirectMemory() is never negative");
        } finally {
            s.used = usedNow;
        }
        s.collectRemote();
        pool.releaseSpan(s);
    }
}
