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
 *                                                                                                           limit (-Dio.netty.maxDirectMemory
 *                                                                                                           if above 0, else
 *                                                                                                           -XX:MaxDirectMemorySize, else
 *                                                                                                           the max heap), at least 64 MiB
 *   prefer direct      preferDirect(boolean)      hakmem.preferDirect        HAKMEM_PREFER_DIRECT           true (true|false|1|0)
 *   kept huge memory   keptHugeBytes(long)        hakmem.keptHugeMB          HAKMEM_KEPT_HUGE_MB            64 MiB, at most a quarter
 *                                                                                                           of the cap, in LEAN at most
 *                                                                                                           the budget; 0 keeps none
 *
 * The decommit mode is also the one trim() uses, in either profile.
 *
 * A value that does not parse, or is out of range, fails build() with an IllegalArgumentException
 * that names the variable, the value, and what is allowed. So does a name that looks like one of these
 * without being it (another case, the other kind's name, a letter or two off, or an unknown
 * hakmem.ss.* or hakmem.<name> property: SettingNames), which would otherwise be silently ignored.
 */
package org.hakmem.netty;

import io.netty.util.internal.PlatformDependent;
import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.policy.FastPolicy;
import org.hakmem.netty.policy.LeanPolicy;
import org.hakmem.netty.policy.ReleasePolicy;
import org.hakmem.netty.slab.Superslab;
import org.hakmem.netty.slab.SuperslabPool;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The settings of a {@link HakmemByteBufAllocator}, resolved once when it was built. Immutable, so safe
 * to share between threads. Read them with {@link HakmemByteBufAllocator#config()}; choose them with
 * {@link HakmemByteBufAllocator#builder()}.
 */
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
    /** The keptHugeMB setting in bytes, or null where it was not set (the default then follows the cap). */
    private final Long keptHugeBytesSet;

    private HakmemConfig(Profile profile, long leanTargetBytes, DecommitMode decommitMode, long leanDecayMillis,
                         boolean osStatsAtExit, long maxMappedBytes, boolean preferDirect, Long keptHugeBytesSet) {
        this.profile = profile;
        this.leanTargetBytes = leanTargetBytes;
        this.decommitMode = decommitMode;
        this.leanDecayMillis = leanDecayMillis;
        this.osStatsAtExit = osStatsAtExit;
        this.maxMappedBytes = maxMappedBytes;
        this.preferDirect = preferDirect;
        this.keptHugeBytesSet = keptHugeBytesSet;
    }

    /**
     * Returns the profile: FAST (speed first) or LEAN (memory follows the live data).
     *
     * @return the profile; FAST by default
     */
    public Profile profile() {
        return profile;
    }

    /**
     * Returns LEAN's resident budget, in bytes (it is set in MiB: {@link Builder#leanTargetMB(long)}).
     * FAST ignores it.
     *
     * @return the budget in bytes; 10 MiB by default
     */
    public long leanTargetBytes() {
        return leanTargetBytes;
    }

    /**
     * Returns how free memory goes back to the kernel: the mode of LEAN's background purge and of
     * {@link HakmemByteBufAllocator#trim()} in either profile.
     *
     * @return the decommit mode; {@link DecommitMode#FREE} by default
     */
    public DecommitMode decommitMode() {
        return decommitMode;
    }

    /**
     * Returns how long LEAN leaves free memory resident before giving it back, in milliseconds. FAST
     * ignores it.
     *
     * @return the decay in ms, from 0 to 3,600,000; 1000 by default
     */
    public long leanDecayMillis() {
        return leanDecayMillis;
    }

    /**
     * Returns whether the allocator's OS stats are printed to standard error once, when the JVM exits.
     *
     * @return true to print them; false by default
     */
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

    /**
     * Returns the cap on the bytes the allocator maps from the kernel, superslabs and huge buffers'
     * mappings together, in bytes (also when it was set in MiB through a system property or the
     * environment). An allocation that would pass it throws an {@link OutOfMemoryError}.
     *
     * @return the cap in bytes, at least 2 MiB; by default Netty's direct-memory limit, at least 64 MiB
     */
    public long maxMappedBytes() {
        return maxMappedBytes;
    }

    /**
     * Returns Netty's preferDirect switch: whether {@code buffer()} and {@code compositeBuffer()}
     * return direct buffers rather than heap buffers. The allocator follows it also where Netty's
     * {@code AbstractByteBufAllocator} would not (JDK 17 with {@code -Dio.netty.noUnsafe=true}, where
     * Netty cannot free JDK direct buffers reliably): netty-hakmem unmaps its direct memory itself.
     *
     * @return true to prefer direct buffers; true by default
     */
    public boolean preferDirect() {
        return preferDirect;
    }

    /**
     * Returns the most bytes of released buffers over 1 MiB whose mappings are kept for the next such
     * buffers, up to 8 mappings ({@link HakmemAllocatorMetric#keptHugeBytes()} shows those kept now).
     * They count against the cap, which unmaps them when it needs room; FAST keeps them until
     * {@link HakmemByteBufAllocator#trim()}, LEAN for its decay.
     *
     * @return the bytes; 0 keeps none. By default 64 MiB, at most a quarter of
     *         {@link #maxMappedBytes()}, and in LEAN at most {@link #leanTargetBytes()}
     */
    public long keptHugeBytes() {
        return keptHugeBytes(maxMappedBytes);
    }

    /** keptHugeBytes() with the default taken from this cap: the OS gate's, which tests may set apart. */
    long keptHugeBytes(long cap) {
        if (keptHugeBytesSet != null) {
            return keptHugeBytesSet;
        }
        long kept = SuperslabPool.defaultKeptHugeBytes(cap);
        return profile == Profile.LEAN ? Math.min(kept, leanTargetBytes) : kept;
    }

    /**
     * Returns the settings in one line, for logs.
     *
     * @return a description of the settings
     */
    @Override
    public String toString() {
        return "profile: " + profile + (profile == Profile.LEAN ? " (target " + (leanTargetBytes >> 20) + " MiB, decay "
                + leanDecayMillis + " ms)" : "") + ", decommit: " + decommitMode + ", maxMappedBytes: " + maxMappedBytes
                + ", keptHugeBytes: " + keptHugeBytes() + ", preferDirect: " + preferDirect
                + (osStatsAtExit ? ", osStatsAtExit" : "");
    }

    /**
     * Chooses the settings of a new allocator; {@link HakmemByteBufAllocator#builder()} makes one. Each
     * setting comes from the first of these that has it: the builder method, the system property, the
     * environment variable, the default (each method names its property and variable). An invalid
     * value throws an {@link IllegalArgumentException} that names the setting, the value and what is
     * allowed: at the method for a value given there, at {@link #build()} for one from a property or
     * variable. {@link #build()} also refuses, naming it, a system property or environment variable
     * whose name looks like one of these without being it (such as {@code -Dhakmem.ss.memlean},
     * {@code -DHAKMEM_SS_MEM_LEAN} or {@code HAKMEM_SS_MEM_LEAN_DECOMIT}), and any other system property
     * named {@code hakmem.ss.*} or {@code hakmem.<name>}, rather than ignore a mistyped setting. Every
     * setting method returns this builder. A builder is not thread-safe.
     */
    public static final class Builder {
        private Profile profile;
        private Long leanTargetMB;
        private DecommitMode leanDecommit;
        private Long leanDecayMillis;
        private Boolean osStatsAtExit;
        private Long maxMappedBytes;
        private Boolean preferDirect;
        private Long keptHugeBytes;
        /** Null: the JVM's system properties and the process's environment, read at build(). */
        private Map<String, String> properties;
        private Map<String, String> environment;

        Builder() {
        }

        /**
         * Sets the profile: {@link Profile#FAST} (speed first) or {@link Profile#LEAN} (memory follows
         * the live data). Unset, it comes from {@code -Dhakmem.ss.memLean} or {@code HAKMEM_SS_MEM_LEAN}
         * ({@code 0} = FAST, {@code 1} = LEAN), else it is FAST.
         *
         * @param profile the profile
         * @return this builder
         * @throws IllegalArgumentException if {@code profile} is null
         */
        public Builder profile(Profile profile) {
            if (profile == null) {
                throw new IllegalArgumentException("profile: null (expected: FAST or LEAN)");
            }
            this.profile = profile;
            return this;
        }

        /**
         * Sets LEAN's resident budget, in MiB. While the allocator's committed bytes
         * ({@link HakmemAllocatorMetric#committedBytes()}) exceed it, free memory goes back once it has
         * been free for 100 ms (or the decay, if shorter) rather than for the whole decay; and while its
         * mapped bytes exceed it, a wholly free superslab that is due is unmapped rather than
         * decommitted. FAST ignores it. Unset, it comes from {@code -Dhakmem.ss.memLeanTargetMB} or
         * {@code HAKMEM_SS_MEM_LEAN_TARGET_MB}, else it is 10.
         *
         * @param mebibytes the budget in MiB, from 1 to {@code Long.MAX_VALUE >> 20}
         * @return this builder
         * @throws IllegalArgumentException if {@code mebibytes} is below 1 or above
         *         {@code Long.MAX_VALUE >> 20}
         */
        public Builder leanTargetMB(long mebibytes) {
            if (mebibytes <= 0 || mebibytes > Long.MAX_VALUE >> 20) {
                throw new IllegalArgumentException("leanTargetMB: " + mebibytes + " (expected: a positive integer"
                        + " number of MiB, at most " + (Long.MAX_VALUE >> 20) + ")");
            }
            this.leanTargetMB = mebibytes;
            return this;
        }

        /**
         * Sets how free memory goes back to the kernel: the mode of LEAN's background purge and of
         * {@link HakmemByteBufAllocator#trim()} in either profile. With {@link DecommitMode#OFF} nothing
         * is decommitted: LEAN then gives nothing back (see {@link DecommitMode#OFF}), and trim() only
         * unmaps wholly free superslabs. Unset, it comes from {@code -Dhakmem.ss.memLeanDecommit} or
         * {@code HAKMEM_SS_MEM_LEAN_DECOMMIT} ({@code FREE}, {@code DONTNEED} or {@code OFF}, in any
         * case), else it is FREE.
         *
         * @param mode the decommit mode
         * @return this builder
         * @throws IllegalArgumentException if {@code mode} is null
         */
        public Builder leanDecommit(DecommitMode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("leanDecommit: null (expected: FREE, DONTNEED or OFF)");
            }
            this.leanDecommit = mode;
            return this;
        }

        /**
         * Sets how long LEAN leaves free memory resident before giving it back, in milliseconds. Its
         * background purge runs every half decay, but no more often than every 5 ms and no less often
         * than every 250 ms. FAST ignores it. Unset, it comes from {@code -Dhakmem.ss.memLeanDecayMs} or
         * {@code HAKMEM_SS_MEM_LEAN_DECAY_MS}, else it is 1000.
         *
         * @param millis the decay in ms, from 0 to 3,600,000 (one hour)
         * @return this builder
         * @throws IllegalArgumentException if {@code millis} is negative or above 3,600,000
         */
        public Builder leanDecayMillis(long millis) {
            if (millis < 0 || millis > MAX_LEAN_DECAY_MS) {
                throw new IllegalArgumentException("leanDecayMillis: " + millis + " (expected: 0 to "
                        + MAX_LEAN_DECAY_MS + ")");
            }
            this.leanDecayMillis = millis;
            return this;
        }

        /**
         * Sets whether the allocator prints its OS stats ({@link HakmemAllocatorMetric#osStats()}: mmap,
         * munmap and madvise calls, lean decommits and retires) with its resident and committed bytes to
         * standard error once, when the JVM exits, if it has mapped memory; also if the application
         * dropped it before (its line then says so, without the committed bytes). If no such allocator
         * has mapped memory, one line says so. Unset, it comes from
         * {@code -Dhakmem.ss.osStats} or {@code HAKMEM_SS_OS_STATS} ({@code 0} or {@code 1}), else it is
         * false.
         *
         * @param print true to print the stats at exit
         * @return this builder
         */
        public Builder osStatsAtExit(boolean print) {
            this.osStatsAtExit = print;
            return this;
        }

        /**
         * Sets the cap on the bytes the allocator maps from the kernel, superslabs and huge buffers'
         * mappings together. An allocation that would pass it, even after the allocating thread made
         * room, throws an {@link OutOfMemoryError} that names the cap. Unset, it comes from
         * {@code -Dhakmem.maxMappedMB} or {@code HAKMEM_MAX_MAPPED_MB} (in MiB, at least 2), else it is
         * Netty's direct-memory limit ({@code -Dio.netty.maxDirectMemory} in bytes if above 0, else
         * {@code -XX:MaxDirectMemorySize}, else the maximum heap size), at least 64 MiB.
         *
         * @param bytes the cap in bytes, at least 2 MiB (2,097,152 bytes: one superslab)
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 2 MiB
         */
        public Builder maxMappedBytes(long bytes) {
            if (bytes < MIN_MAPPED_BYTES) {
                throw new IllegalArgumentException("maxMappedBytes: " + bytes + " (expected: at least "
                        + MIN_MAPPED_BYTES + ", one superslab)");
            }
            this.maxMappedBytes = bytes;
            return this;
        }

        /**
         * Sets Netty's preferDirect switch: whether {@code buffer()} and {@code compositeBuffer()} return
         * direct buffers rather than heap buffers, also where Netty cannot free JDK direct buffers
         * reliably (see {@link HakmemConfig#preferDirect()}). {@code ioBuffer()} returns direct buffers
         * either way. Unset, it comes from
         * {@code -Dhakmem.preferDirect} or {@code HAKMEM_PREFER_DIRECT} ({@code true}, {@code false},
         * {@code 1} or {@code 0}), else it is true.
         *
         * @param preferDirect true to prefer direct buffers
         * @return this builder
         */
        public Builder preferDirect(boolean preferDirect) {
            this.preferDirect = preferDirect;
            return this;
        }

        /**
         * Sets the most bytes of released buffers over 1 MiB whose mappings are kept (up to 8 of them)
         * for the next buffers of about their size, which then cost no {@code mmap}, no page faults and
         * no {@code munmap}. Kept mappings count against the cap (which unmaps them when it needs room)
         * and in {@link HakmemAllocatorMetric#committedBytes()}; FAST keeps them until
         * {@link HakmemByteBufAllocator#trim()}, LEAN for its decay. 0 keeps none: each such buffer is
         * unmapped at its release. Unset, it comes from {@code -Dhakmem.keptHugeMB} or
         * {@code HAKMEM_KEPT_HUGE_MB} (in MiB, 0 or more), else it is 64 MiB, at most a quarter of the
         * cap and, in LEAN, at most the resident budget.
         *
         * @param bytes the bytes, from 0 to the cap ({@link #maxMappedBytes(long)})
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is negative; {@link #build()} throws it if
         *         {@code bytes} is above the cap
         */
        public Builder keptHugeBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("keptHugeBytes: " + bytes + " (expected: 0 to the cap on"
                        + " mapped bytes)");
            }
            this.keptHugeBytes = bytes;
            return this;
        }

        /** Replaces where system properties and environment variables are read (for tests). */
        Builder sources(Map<String, String> properties, Map<String, String> environment) {
            this.properties = properties;
            this.environment = environment;
            return this;
        }

        /**
         * Builds a new allocator with these settings. Nothing is mapped until its first direct
         * allocation; a LEAN allocator that gives memory back schedules its purge on the one daemon
         * thread {@code netty-hakmem-purger}, shared by every allocator of the process.
         *
         * @return a new allocator, independent of every other one (its own memory and cap)
         * @throws IllegalArgumentException if a setting left unset here has an invalid system property or
         *         environment variable, or a property or variable looks like a setting's without being
         *         it; the message names the variable, the value and what is allowed
         */
        public HakmemByteBufAllocator build() {
            return new HakmemByteBufAllocator(resolve());
        }

        HakmemConfig resolve() {
            Map<String, String> props = properties != null ? properties : systemProperties();
            Map<String, String> env = environment != null ? environment : System.getenv();
            SettingNames.rejectLookalikes(props, env);
            Profile p = profile != null ? profile
                    : setting(props, env, SettingNames.PROFILE, Profile.FAST, Builder::parseProfile,
                    "0 (FAST) or 1 (LEAN)");
            long targetMB = leanTargetMB != null ? leanTargetMB
                    : setting(props, env, SettingNames.LEAN_TARGET, DEFAULT_LEAN_TARGET_MB,
                    Builder::parsePositive, "a positive integer number of MiB, at most " + (Long.MAX_VALUE >> 20));
            DecommitMode mode = leanDecommit != null ? leanDecommit
                    : setting(props, env, SettingNames.DECOMMIT, DecommitMode.FREE,
                    Builder::parseDecommitMode, "FREE, DONTNEED or OFF");
            long decay = leanDecayMillis != null ? leanDecayMillis
                    : setting(props, env, SettingNames.DECAY, DEFAULT_LEAN_DECAY_MS,
                    Builder::parseDecay, "an integer number of milliseconds from 0 to " + MAX_LEAN_DECAY_MS);
            boolean stats = osStatsAtExit != null ? osStatsAtExit
                    : setting(props, env, SettingNames.OS_STATS, Boolean.FALSE, Builder::parseSwitch, "0 or 1");
            long cap = maxMappedBytes != null ? maxMappedBytes
                    : setting(props, env, SettingNames.MAX_MAPPED, defaultMaxMappedBytes(),
                    v -> parseMappedMB(v) << 20, "an integer number of MiB from " + (MIN_MAPPED_BYTES >> 20)
                    + " (one superslab) to " + (Long.MAX_VALUE >> 20));
            boolean direct = preferDirect != null ? preferDirect
                    : setting(props, env, SettingNames.PREFER_DIRECT, Boolean.TRUE, Builder::parseBoolean,
                    "true, false, 1 or 0");
            Long kept = keptHugeBytes != null ? keptHugeBytes
                    : setting(props, env, SettingNames.KEPT_HUGE, null, v -> parseKeptHugeMB(v) << 20,
                    "an integer number of MiB from 0 to " + (Long.MAX_VALUE >> 20));
            if (kept != null && kept > cap) {
                throw new IllegalArgumentException("netty-hakmem: " + keptHugeSource(props, env)
                        + " asks to keep " + kept + " bytes of mappings, more than the cap on mapped bytes, "
                        + cap + " (expected: 0 to the cap)");
            }
            return new HakmemConfig(p, targetMB << 20, mode, decay, stats, cap, direct, kept);
        }

        /** Where the keptHuge setting came from, for the message that refuses it. */
        private String keptHugeSource(Map<String, String> props, Map<String, String> env) {
            if (keptHugeBytes != null) {
                return "keptHugeBytes(" + keptHugeBytes + ")";
            }
            String name = props.containsKey(SettingNames.KEPT_HUGE.property()) ? SettingNames.KEPT_HUGE.property()
                    : SettingNames.KEPT_HUGE.variable();
            String value = props.containsKey(name) ? props.get(name) : env.get(name);
            return name + "='" + value + "'";
        }

        /** A copy of the system properties that are strings, read once so that every check sees the same. */
        private static Map<String, String> systemProperties() {
            Properties all = System.getProperties();
            Map<String, String> copy = new HashMap<>();
            for (String key : all.stringPropertyNames()) {
                String value = all.getProperty(key);
                if (value != null) {
                    copy.put(key, value);
                }
            }
            return copy;
        }

        private static <T> T setting(Map<String, String> properties, Map<String, String> environment,
                                     SettingNames.Names names, T defaultValue, Parser<T> parser, String allowed) {
            String name = names.property();
            String value = properties.get(name);
            if (value == null) {
                name = names.variable();
                value = environment.get(name);
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
            return parseInRange(v, 0, MAX_LEAN_DECAY_MS);
        }

        private static long parsePositive(String v) {
            return parseInRange(v, 1, Long.MAX_VALUE >> 20);
        }

        private static long parseKeptHugeMB(String v) {
            return parseInRange(v, 0, Long.MAX_VALUE >> 20);
        }

        private static long parseInRange(String v, long min, long max) {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
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
