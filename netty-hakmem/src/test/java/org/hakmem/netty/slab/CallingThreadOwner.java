package org.hakmem.netty.slab;

/**
 * A span owner for the pool's own tests: owned by whichever thread asks (so every free is local) and
 * deaf to ready-stack pushes, since those tests free nothing remotely.
 */
final class CallingThreadOwner implements SlabOwner {
    static final SlabOwner INSTANCE = new CallingThreadOwner();

    private CallingThreadOwner() {
    }

    @Override
    public Thread thread() {
        return Thread.currentThread();
    }

    @Override
    public void enqueueReady(Slab slab) {
    }
}
