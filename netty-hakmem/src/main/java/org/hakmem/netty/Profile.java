/*
 * Profile: which release policy an allocator runs with (HAKMEM_SS_MEM_LEAN=0|1).
 */
package org.hakmem.netty;

/**
 * Which release policy an allocator runs with: how it trades speed against resident memory. Set with
 * {@link HakmemConfig.Builder#profile(Profile)}, {@code -Dhakmem.ss.memLean} or
 * {@code HAKMEM_SS_MEM_LEAN} ({@code 0} = FAST, {@code 1} = LEAN).
 */
public enum Profile {
    /** Speed first (the default): new superslabs are prewarmed (every page made resident), and stay
     *  mapped and resident until {@link HakmemByteBufAllocator#trim()} (or until a thread at the mapping
     *  cap makes room by unmapping wholly free ones). */
    FAST,
    /** Memory-lean (opt-in): no prewarm; unless the decommit mode is OFF, a background thread gives
     *  free memory back to the kernel once it has been free for the decay (1 s by default), or for
     *  100 ms while the allocator is over its resident budget (10 MiB by default). See
     *  {@link HakmemConfig.Builder} for its settings. */
    LEAN
}
