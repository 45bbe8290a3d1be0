/*
 * SpinWait: how netty-hakmem waits for another thread's next few instructions.
 *
 * The allocator's hand-overs (a span's ready flag, an idle heap's claim) wait only for a thread that
 * is already inside a short, lock-free step. Spinning suits that; but the other thread may have lost
 * its CPU mid-step (these machines have two), so after a while the waiter yields its own.
 */
package org.hakmem.netty.util;

public final class SpinWait {
    /** Spins before the waiter starts yielding its CPU. */
    static final int SPINS_BEFORE_YIELD = 100;

    private SpinWait() {
    }

    /** One round of waiting; {@code round} counts the rounds waited so far, from 0. */
    public static void pause(int round) {
        if (round < SPINS_BEFORE_YIELD) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }
}
