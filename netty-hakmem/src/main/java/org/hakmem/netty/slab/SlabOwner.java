/*
 * SlabOwner: what a slab needs to know of the thread heap that owns it. Declared here so that the
 * slab layer does not depend on the heap layer above it.
 */
package org.hakmem.netty.slab;

public interface SlabOwner {
    /** The only thread allowed to allocate from, or locally free into, the owner's slabs. */
    Thread thread();

    /**
     * Called by a remote thread right after it freed into {@code slab} and won the slab's ready flag:
     * the owner should collect that slab's remote frees. Must be lock-free.
     */
    void enqueueReady(Slab slab);
}
