/*
 * ReleasePolicy: the decisions that make a profile. The pool and the thread heaps carry them out;
 * the policy only decides, so it depends on nothing but numbers it is given.
 *
 * FAST (FastPolicy, the default) keeps what it maps. The memory-lean profile (LEAN) is the other
 * implementation; it adds decommit and a resident budget behind the same two questions.
 */
package org.hakmem.netty.policy;

public interface ReleasePolicy {
    /** Empty spans a thread heap keeps per size class before it gives them back to the pool. */
    int spareSpansPerClass();

    /**
     * A superslab just became completely empty. True keeps it mapped for reuse; false unmaps it.
     *
     * @param mappedBytes bytes mapped by the allocator now, this superslab included
     */
    boolean keepEmptySuperslab(long mappedBytes);

    /** The profile's name, for toString and logs. */
    String name();
}
