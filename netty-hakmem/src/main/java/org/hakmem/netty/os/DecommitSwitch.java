/*
 * DecommitSwitch: the one-way switch that turns giving memory back off after the first failure.
 *
 * A failing madvise or munmap on a range we mapped ourselves means something is badly wrong (a
 * kernel that refuses the advice, a seccomp filter, a bug). The rule is fail loud, then stay safe:
 * the failure is counted and logged once, and from then on memory is kept instead of given back.
 * Keeping memory is always safe; guessing about a half-applied decommit is not.
 *
 * PROCESS is the switch every allocator shares, so one failure disables decommit for the whole
 * process, as the seed's rule asks. Tests give their OsMemory a private switch, so that an injected
 * failure does not leak into other tests.
 */
package org.hakmem.netty.os;

public final class DecommitSwitch {
    /** Shared by every allocator of the process. */
    public static final DecommitSwitch PROCESS = new DecommitSwitch("this process");

    /** Who shares the switch, for the log line. */
    private final String scope;
    private volatile String disabledBy;

    DecommitSwitch(String scope) {
        this.scope = scope;
    }

    public boolean disabled() {
        return disabledBy != null;
    }

    /** What disabled decommit, or null while it is enabled. */
    public String disabledBy() {
        return disabledBy;
    }

    /** Turns decommit off; the first caller's reason is logged, later ones are only counted. */
    synchronized void disable(String reason) {
        if (disabledBy == null) {
            disabledBy = reason;
            System.err.println("netty-hakmem: " + reason + "; giving memory back to the kernel is now disabled"
                    + " for " + scope + " (memory stays mapped and resident; nothing is lost)");
        }
    }
}
