package org.hakmem.netty;

import io.netty.buffer.ByteBuf;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicReference;

/** A live buffer filled with the pattern of its seed (Patterns), as the stress tests pass them around. */
record Item(ByteBuf buf, long seed) {
    /** Checks that no other buffer wrote into this one, then releases it. */
    void checkAndRelease() {
        Patterns.check(buf, seed);
        buf.release();
    }

    /** Checks and releases everything left in the queues. */
    static void drainAll(List<? extends Queue<Item>> queues) {
        for (Queue<Item> queue : queues) {
            for (Item item; (item = queue.poll()) != null; ) {
                item.checkAndRelease();
            }
        }
    }

    /** Fails the test with the first failure a worker recorded, if any. */
    static void rethrow(AtomicReference<Throwable> failure, String what) {
        if (failure.get() != null) {
            throw new AssertionError(what + " failed", failure.get());
        }
    }
}
