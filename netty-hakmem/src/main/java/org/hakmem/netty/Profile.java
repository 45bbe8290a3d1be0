/*
 * Profile: the release policy an allocator runs with.
 */
package org.hakmem.netty;

import org.hakmem.netty.policy.FastPolicy;
import org.hakmem.netty.policy.ReleasePolicy;

public enum Profile {
    /** Speed first (the default): memory once mapped stays mapped and resident. */
    FAST(FastPolicy.INSTANCE);

    private final ReleasePolicy policy;

    Profile(ReleasePolicy policy) {
        this.policy = policy;
    }

    ReleasePolicy policy() {
        return policy;
    }
}
