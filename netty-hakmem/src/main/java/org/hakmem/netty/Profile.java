/*
 * Profile: which release policy an allocator runs with (HAKMEM_SS_MEM_LEAN=0|1).
 */
package org.hakmem.netty;

public enum Profile {
    /** Speed first (the default): new memory is prewarmed, and memory once mapped stays mapped and
     *  resident until trim(). */
    FAST,
    /** Memory-lean (opt-in): no prewarm; free memory goes back to the kernel after a short decay, or
     *  at once over the resident budget. See HakmemConfig for its settings. */
    LEAN
}
