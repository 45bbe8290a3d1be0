/*
 * ParkedSlots: the layer above a thread heap that keeps freed slots parked with their buffer objects
 * (the thread's cache). The heap counts parked slots as free but cannot reach them, so it asks for
 * them back before it gives spans away: on a trim request, when it goes idle, and when it retires.
 */
package org.hakmem.netty.heap;

public interface ParkedSlots {
    /**
     * Frees every parked slot into its span with ThreadHeap.freeParked. Runs on the heap's owner
     * thread, or on the thread that retires the heap after its owner died.
     */
    void returnParkedSlots();

    /** Bytes of slots parked now; racy (for metrics) when called from another thread. */
    long parkedBytes();
}
