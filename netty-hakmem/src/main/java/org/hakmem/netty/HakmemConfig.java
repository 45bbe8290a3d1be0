/*
 * HakmemConfig: an allocator's settings, resolved once when it is built.
 *
 * Each setting is taken from the first of these that has it:
 *   1. the builder method,
 *   2. the system property (-Dhakmem....),
 *   3. the environment variable (HAKMEM_...),
 *   4. the default.
 *
 *   setting         builder               system property       environment             default
 *   profile         profile(Profile)      hakmem.profile        HAKMEM_PROFILE          FAST
 *   mapping cap     maxMappedBytes(long)  hakmem.maxMappedMB    HAKMEM_MAX_MAPPED_MB    Netty's direct memory
 *                                                                                       limit (-XX:MaxDirectMemorySize,
 *                                                                                       else the max heap), at least 64 MiB
 *   prefer direct   preferDirect(boolean) hakmem.preferDirect   HAKMEM_PREFER_DIRECT    true
 *
 * A value that does not parse, or is out of range, fails build() with an IllegalArgumentException
 * that names the variable, the value, and what is allowed. Nothing is read after build().
 */
package org.hakmem.netty;

import io.netty.util.internal.PlatformDependent;

import java.util.Locale;
import java.util.function.UnaryOperator;

public final class HakmemConfig {
    static final long MIN_DEFAULT_MAPPED_BYTES = 64L << 20;

    private final Profile profile;
    private final long maxMappedBytes;
    private final boolean preferDirect;

    private HakmemConfig(Profile profile, long maxMappedBytes, boolean preferDirect) {
        this.profile = profile;
        this.maxMappedBytes = maxMappedBytes;
        this.preferDirect = preferDirect;
    }

    public Profile profile() {
        return profile;
    }

    public long maxMappedBytes() {
        return maxMappedBytes;
    }

    public boolean preferDirect() {
        return preferDirect;
    }

    @Override
    public String toString() {
        return "profile: " + profile + ", maxMappedBytes: " + maxMappedBytes + ", preferDirect: " + preferDirect;
    }

    public static final class Builder {
        private Profile profile;
        private Long maxMappedBytes;
        private Boolean preferDirect;
        private UnaryOperator<String> properties = System::getProperty;
        private UnaryOperator<String> environment = System::getenv;

        Builder() {
        }

        public Builder profile(Profile profile) {
            if (profile == null) {
                throw new IllegalArgumentException("profile: null (expected: one of FAST)");
            }
            this.profile = profile;
            return this;
        }

        /** Cap on bytes mapped from the kernel; allocation past it throws OutOfMemoryError. */
        public Builder maxMappedBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxMappedBytes: " + bytes + " (expected: > 0)");
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
                    : setting("hakmem.profile", "HAKMEM_PROFILE", Profile.FAST, Builder::parseProfile,
                    "one of FAST");
            long cap = maxMappedBytes != null ? maxMappedBytes
                    : setting("hakmem.maxMappedMB", "HAKMEM_MAX_MAPPED_MB", defaultMaxMappedBytes(),
                    v -> parsePositive(v) << 20, "a positive integer number of MiB, at most " + (Long.MAX_VALUE >> 20));
            boolean direct = preferDirect != null ? preferDirect
                    : setting("hakmem.preferDirect", "HAKMEM_PREFER_DIRECT", Boolean.TRUE, Builder::parseBoolean,
                    "true or false");
            return new HakmemConfig(p, cap, direct);
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
            return Profile.valueOf(v.toUpperCase(Locale.ROOT));
        }

        private static long parsePositive(String v) {
            long n = Long.parseLong(v);
            if (n <= 0 || n > Long.MAX_VALUE >> 20) {
                throw new IllegalArgumentException("out of range");
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
