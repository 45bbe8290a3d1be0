/*
 * DecommitSwitch: the one-way switch that turns giving memory back off after the first failure.
 *
 * A failing madvise or munmap on a range we mapped ourselves means something is badly wrong (a
 * kernel that refuses the advice, a seccomp filter, a bug). The rule is fail loud, then stay safe:
 * the failure is counted and logged once, and from then on memory is kept instead of given back.
 * Keeping memory is always safe; guessing about a half-applied decommit is not.
 *
 * One refusal is not a failure: a kernel older than 4.5 does not know MADV_FREE and answers EINVAL.
 * MADV_DONTNEED gives the memory back there too, so OsMemory then falls back to it (refuseFree),
 * logged once, and uses DONTNEED from then on; only a failure of that is a reason to switch off.
 *
 * Both lines go to Netty's logger (InternalLoggerFactory: SLF4J, Log4j 2 or java.util.logging, as the
 * application has set it up), at WARN, so that they land in the server's own log.
 *
 * PROCESS is the switch every allocator shares, so one failure disables decommit for the whole
 * process, as the seed's rule asks. Tests give their OsMemory a private switch, so that an injected
 * failure does not leak into other tests.
 */
package org.hakmem.netty.os;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

public final class DecommitSwitch {
    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(DecommitSwitch.class);

    /** Shared by every allocator of the process. */
    public static final DecommitSwitch PROCESS = new DecommitSwitch("this process");

    /** Who shares the switch, for the log line. */
    private final String scope;
    private volatile String disabledBy;
    private volatile String freeRefusedBy;

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

    /** Whether the kernel refused MADV_FREE as unknown, so that DONTNEED is used instead. */
    public boolean freeRefused() {
        return freeRefusedBy != null;
    }

    /** What showed that the kernel does not know MADV_FREE, or null. */
    public String freeRefusedBy() {
        return freeRefusedBy;
    }

    /** Makes FREE fall back to DONTNEED; the first caller's reason is logged. */
    synchronized void refuseFree(String reason) {
        if (freeRefusedBy == null) {
            freeRefusedBy = reason;
            LOG.warn("netty-hakmem: {}; the kernel refused MADV_FREE as invalid (one older than 4.5 does not know"
                    + " MADV_FREE; locked memory refuses it too), so memory goes back with MADV_DONTNEED instead for {}",
                    reason, scope);
        }
    }

    /** Turns decommit off; the first caller's reason is logged, later ones are only counted. */
    synchronized void disable(String reason) {
        if (disabledBy == null) {
            disabledBy = reason;
            LOG.warn("netty-hakmem: {}; giving memory back to the kernel is now disabled for {} (memory stays"
                    + " mapped and resident; nothing is lost)", reason, scope);
        }
    }
}
