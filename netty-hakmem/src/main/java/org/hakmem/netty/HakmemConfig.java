/*
 * HakmemConfig: an allocator's settings, resolved once when it is built. Nothing is read after
 * build(): no setting costs anything per operation.
 *
 * Each setting is taken from the first of these that has it:
 *   1. the builder method,
 *   2. the system property (-Dhakmem....),
 *   3. the environment variable (HAKMEM_...),
 *   4. the default.
 *
 *   setting            builder                    system property            environment                    default
 *   profile            profile(Profile)           hakmem.ss.memLean          HAKMEM_SS_MEM_LEAN             0 (FAST);
 *                                                 (0 = FAST, 1 = LEAN)       (0|1)                          1 = LEAN
 *   resident budget    leanTargetMB(long)         hakmem.ss.memLeanTargetMB  HAKMEM_SS_MEM_LEAN_TARGET_MB   10 (MiB; LEAN)
 *   decommit mode      leanDecommit(DecommitMode) hakmem.ss.memLeanDecommit  HAKMEM_SS_MEM_LEAN_DECOMMIT    FREE (FREE|DONTNEED|OFF)
 *   decay              leanDecayMillis(long)      hakmem.ss.memLeanDecayMs   HAKMEM_SS_MEM_LEAN_DECAY_MS    1000 (ms; LEAN)
 *   OS stats at exit   osStatsAtExit(boolean)     hakmem.ss.osStats          HAKMEM_SS_OS_STATS             0 (0|1)
 *   mapping cap        maxMappedBytes(long)       hakmem.maxMappedMB         HAKMEM_MAX_MAPPED_MB           Netty's direct memory
 *                                                                                                           limit (-XX:MaxDirectMemorySize,
 *                                                                                                           else the max heap), at least 64 MiB
 *   prefer direct      preferDirect(boolean)      hakmem.preferDirect        HAKMEM_PREFER_DIRECT           true
 *
 * The decommit mode is also the one trim() uses, in either profile.
 *
 * A value that does not parse, or is out of range, fails build() with an IllegalArgumentException
 * that names the variable, the value, and what is allowed.
 */
package org.hakmem.netty;

import io.netty.util.internal.PlatformDependent;
import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.policy.FastPolicy;
import org.hakmem.netty.policy.LeanPolicy;
import org.hakmem.netty.policy.ReleasePolicy;
import org.hakmem.netty.slab.Superslab;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

public final class HakmemConfig {
    static final long MIN_DEFAULT_MAPPED_BYTES = 64L << 20;
    /**
     * The smallest cap accepted: one superslab. Below it no buffer of up to 1 MiB could ever be
     * allocated, so such a cap is a mistake better reported at start-up than at the first buffer.
     */
    static final long MIN_MAPPED_BYTES = Superslab.SIZE;

    static final long DEFAULT_LEAN_TARGET_MB = 10;
    static final long DEFAULT_LEAN_DECAY_MS = 1000;
    static final long MAX_LEAN_DECAY_MS = TimeUnit.HOURS.toMillis(1);

    private final Profile profile;
    private final long leanTargetBytes;
    private final DecommitMode decommitMode;
    private final long leanDecayMillis;
    private final boolean osStatsAtExit;
    private final long maxMappedBytes;
    private final boolean preferDirect;

    private HakmemConfig(Profile profile, long leanTargetBytes, DecommitMode decommitMode, long leanDecayMillis,
                         boolean osStatsAtExit, long maxMappedBytes, boolean preferDirect) {
        this.profile = profile;
        this.leanTargetBytes = leanTargetBytes;
        this.decommitMode = decommitMode;
        this.leanDecayMillis = leanDecayMillis;
        this.osStatsAtExit = osStatsAtExit;
        this.maxMappedBytes = maxMappedBytes;
        this.preferDirect = preferDirect;
    }

    public Profile profile() {
        return profile;
    }

    /** LEAN's resident budget, in bytes. */
    public long leanTargetBytes() {
        return leanTargetBytes;
    }

    /** How LEAN, and trim() in either profile, give pages back. */
    public DecommitMode decommitMode() {
        return decommitMode;
    }

    /** How long LEAN leaves free memory resident before giving it back. */
    public long leanDecayMillis() {
        return leanDecayMillis;
    }

    /** Whether the OS stats are printed to stderr once, at JVM exit. */
    public boolean osStatsAtExit() {
        return osStatsAtExit;
    }

    /** The release policy the profile and its settings make. */
    ReleasePolicy policy() {
        if (profile == Profile.FAST) {
            return FastPolicy.INSTANCE;
        }
        return new LeanPolicy(decommitMode, leanTargetBytes, TimeUnit.MILLISECONDS.toNanos(leanDecayMillis));
    }

    public long maxMappedBytes() {
        return maxMappedBytes;
    }

    public boolean preferDirect() {
        return preferDirect;
    }

    @Override
    public String toString() {
        return "profile: " + profile + (profile == Profile.LEAN ? " (target " + (leanTargetBytes >> 20) + " MiB, decay "
                + leanDecayMillis + " ms)" : "") + ", decommit: " + decommitMode + ", maxMappedBytes: " + maxMappedBytes
                + ", preferDirect: " + preferDirect + (osStatsAtExit ? ", osStatsAtExit" : "");
    }

    public static final class Builder {
        private Profile profile;
        private Long leanTargetMB;
        private DecommitMode leanDecommit;
        private Long leanDecayMillis;
        private Boolean osStatsAtExit;
        private Long maxMappedBytes;
        private Boolean preferDirect;
        private UnaryOperator<String> properties = System::getProperty;
        private UnaryOperator<String> environment = System::getenv;

        Builder() {
        }

        /** FAST (speed first, the default) or LEAN (memory follows the live data). */
        public Builder profile(Profile profile) {
            if (profile == null) {
                throw new IllegalArgumentException("profile: null (expected: FAST or LEAN)");
            }
            this.profile = profile;
            return this;
        }

        /** LEAN's resident budget in MiB (default 10): past it, free memory goes back at once. */
        public Builder leanTargetMB(long mebibytes) {
            if (mebibytes <= 0 || mebibytes > Long.MAX_VALUE >> 20) {
                throw new IllegalArgumentException("leanTargetMB: " + mebibytes + " (expected: a positive integer"
                        + " number of MiB, at most " + (Long.MAX_VALUE >> 20) + ")");
            }
            this.leanTargetMB = mebibytes;
            return this;
        }

        /** How memory goes back: FREE (default), DONTNEED, or OFF (LEAN then only skips prewarm). */
        public Builder leanDecommit(DecommitMode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("leanDecommit: null (expected: FREE, DONTNEED or OFF)");
            }
            this.leanDecommit = mode;
            return this;
        }

        /** How long LEAN leaves free memory resident before giving it back (default 1000 ms). */
        public Builder leanDecayMillis(long millis) {
            if (millis < 0 || millis > MAX_LEAN_DECAY_MS) {
                throw new IllegalArgumentException("leanDecayMillis: " + millis + " (expected: 0 to "
                        + MAX_LEAN_DECAY_MS + ")");
            }
            this.leanDecayMillis = millis;
            return this;
        }

        /** Print the OS stats (mmap, munmap, madvise, lean decommits and retires) once at JVM exit. */
        public Builder osStatsAtExit(boolean print) {
            this.osStatsAtExit = print;
            return this;
        }

        /** Cap on bytes mapped from the kernel; allocation past it throws OutOfMemoryError. */
        public Builder maxMappedBytes(long bytes) {
            if (bytes < MIN_MAPPED_BYTES) {
                throw new IllegalArgumentException("maxMappedBytes: " + bytes + " (expected: at least "
                        + MIN_MAPPED_BYTES + ", one superslab)");
            }
            this.maxMappedBytes = bytes;
            return this;
        }

        /** Whether buffer() and ioBuffer() prefer direct buffers (Netty's usual switch). */
        public Builder preferDirect(boolean preferDirect) {
            this.preferDirect = preferDirect;
            return this;
        }

        /** Replaces where system properties and environment variables are read (for tests). */
        Builder sources(UnaryOperator<String> properties, UnaryOperator<String> environment) {
            this.properties = properties;
            this.environment = environment;
            return this;
        }

        public HakmemByteBufAllocator build() {
            return new HakmemByteBufAllocator(resolve());
        }

        HakmemConfig resolve() {
            Profile p = profile != null ? profile
                    : setting("hakmem.ss.memLean", "HAKMEM_SS_MEM_LEAN", Profile.FAST, Builder::parseProfile,
                    "0 (FAST) or 1 (LEAN)");
            long targetMB = leanTargetMB != null ? leanTargetMB
                    : setting("hakmem.ss.memLeanTargetMB", "HAKMEM_SS_MEM_LEAN_TARGET_MB", DEFAULT_LEAN_TARGET_MB,
                    Builder::parsePositive, "a positive integer number of MiB, at most " + (Long.MAX_VALUE >> 20));
            DecommitMode mode = leanDecommit != null ? leanDecommit
                    : setting("hakmem.ss.memLeanDecommit", "HAKMEM_SS_MEM_LEAN_DECOMMIT", DecommitMode.FREE,
                    Builder::parseDecommitMode, "FREE, DONTNEED or OFF");
            long decay = leanDecayMillis != null ? leanDecayMillis
                    : setting("hakmem.ss.memLeanDecayMs", "HAKMEM_SS_MEM_LEAN_DECAY_MS", DEFAULT_LEAN_DECAY_MS,
                    Builder::parseDecay, "an integer number of milliseconds from 0 to " + MAX_LEAN_DECAY_MS);
            boolean stats = osStatsAtExit != null ? osStatsAtExit
                    : setting("hakmem.ss.osStats", "HAKMEM_SS_OS_STATS", Boolean.FALSE, Builder::parseSwitch,
                    "0 or 1");
            long cap = maxMappedBytes != null ? maxMappedBytes
                    : setting("hakmem.maxMappedMB", "HAKMEM_MAX_MAPPED_MB", defaultMaxMappedBytes(),
                    v -> parseMappedMB(v) << 20, "an integer number of MiB from " + (MIN_MAPPED_BYTES >> 20)
                    + " (one superslab) to " + (Long.MAX_VALUE >> 20));
            boolean direct = preferDirect != null ? preferDirect
                    : setting("hakmem.preferDirect", "HAKMEM_PREFER_DIRECT", Boolean.TRUE, Builder::parseBoolean,
                    "true or false");
            return new HakmemConfig(p, targetMB << 20, mode, decay, stats, cap, direct);
        }

        private <T> T setting(String property, String env, T defaultValue, Parser<T> parser, String allowed) {
            String name = property;
            String value = properties.apply(property);
            if (value == null) {
                name = env;
                value = environment.apply(env);
            }
            if (value == null) {
                return defaultValue;
            }
            try {
                return parser.parse(value.trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("netty-hakmem: invalid " + name + "='" + value + "' (expected: "
                        + allowed + ")", e);
            }
        }

        private static long defaultMaxMappedBytes() {
            return Math.max(MIN_DEFAULT_MAPPED_BYTES, PlatformDependent.maxDirectMemory());
        }

        private static Profile parseProfile(String v) {
            return parseSwitch(v) ? Profile.LEAN : Profile.FAST;
        }

        private static Boolean parseSwitch(String v) {
            switch (v) {
                case "0":
                    return Boolean.FALSE;
                case "1":
                    return Boolean.TRUE;
                default:
                    throw new IllegalArgumentException("not 0 or 1");
            }
        }

        private static DecommitMode parseDecommitMode(String v) {
            return DecommitMode.valueOf(v.toUpperCase(Locale.ROOT));
        }

        private static long parseDecay(String v) {
            long n = Long.parseLong(v);
            if (n < 0 || n > MAX_LEAN_DECAY_MS) {
                throw new IllegalArgumentException("out of range");
            }
            return n;
        }

        private static long parsePositive(String v) {
            long n = Long.parseLong(v);
            if (n <= 0 || n > Long.MAX_VALUE >> 20) {
                throw new IllegalArgumentException("out of range");
            }
            return n;
        }

        private static long parseMappedMB(String v) {
            long n = parsePositive(v);
            if (n < MIN_MAPPED_BYTES >> 20) {
                throw new IllegalArgumentException("below one superslab");
            }
            return n;
        }

        private static Boolean parseBoolean(String v) {
            switch (v.toLowerCase(Locale.ROOT)) {
                case "true":
                case "1":
                    return Boolean.TRUE;
                case "false":
                case "0":
                    return Boolean.FALSE;
                default:
                    throw new IllegalArgumentException("not a boolean");
            }
        }
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(String value);
    }
}
