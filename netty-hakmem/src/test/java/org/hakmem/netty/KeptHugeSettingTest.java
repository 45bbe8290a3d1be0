package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The keptHugeMB setting: how many bytes of released buffers over 1 MiB keep their mappings for the
 * next ones (HugeCacheTest covers the cache itself under the default). Its default follows the cap and,
 * in LEAN, the resident budget; a value set is taken as it is, from 0 (keep none) to the cap.
 */
class KeptHugeSettingTest {
    private static final long MIB = 1 << 20;

    /** Allocates count live buffers of size bytes, then releases them all; returns the bytes kept after. */
    private static long keptAfterReleasing(HakmemByteBufAllocator alloc, int count, long size) {
        List<ByteBuf> live = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            live.add(alloc.directBuffer((int) size));
        }
        live.forEach(ByteBuf::release);
        return alloc.metric().keptHugeBytes();
    }

    @Test
    void zeroKeepsNoMappingEachIsUnmappedAtItsRelease() {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().maxMappedBytes(256 * MIB)
                .keptHugeBytes(0).build();
        long munmaps = alloc.metric().osStats().munmapCalls();
        assertEquals(0, keptAfterReleasing(alloc, 3, 3 * MIB));
        assertEquals(munmaps + 3, alloc.metric().osStats().munmapCalls(), "each unmapped at its release");
        assertEquals(0, alloc.metric().mappedBytes());
        assertEquals(0, alloc.config().keptHugeBytes());
    }

    @Test
    void aValueSetBoundsTheKeptBytesAboveTheCapsQuarterToo() {
        HakmemByteBufAllocator five = HakmemByteBufAllocator.builder().maxMappedBytes(256 * MIB)
                .keptHugeBytes(5 * MIB).build();
        assertEquals(3 * MIB, keptAfterReleasing(five, 3, 3 * MIB), "one of 3 MiB fits 5 MiB, two do not");
        five.trim();

        HakmemByteBufAllocator most = HakmemByteBufAllocator.builder().maxMappedBytes(16 * MIB)
                .keptHugeBytes(12 * MIB).build();
        assertEquals(9 * MIB, keptAfterReleasing(most, 3, 3 * MIB),
                "the default would keep a quarter of the 16 MiB cap (one of 3 MiB); the setting keeps three");
        ByteBuf next = most.directBuffer(3 * (int) MIB);
        assertEquals(6 * MIB, most.metric().keptHugeBytes(), "the next buffer takes one back");
        next.release();
        most.trim();
        assertEquals(0, most.metric().mappedBytes());
    }

    @Test
    void theDefaultIs64MiBAtMostAQuarterOfTheCapAndInLeanAtMostTheBudget() {
        assertEquals(64 * MIB, HakmemByteBufAllocator.builder().maxMappedBytes(1L << 30).build()
                .config().keptHugeBytes());
        assertEquals(10 * MIB, HakmemByteBufAllocator.builder().maxMappedBytes(40 * MIB).build()
                .config().keptHugeBytes());
        HakmemByteBufAllocator lean = HakmemByteBufAllocator.builder().profile(Profile.LEAN).leanTargetMB(4)
                .leanDecayMillis(3_600_000).maxMappedBytes(1L << 30).build();
        assertEquals(4 * MIB, lean.config().keptHugeBytes());
        assertEquals(3 * MIB, keptAfterReleasing(lean, 2, 3 * MIB), "a second 3 MiB would pass the 4 MiB budget");
        lean.trim();
        assertEquals(10 * MIB, HakmemByteBufAllocator.builder().profile(Profile.LEAN).maxMappedBytes(1L << 30)
                .build().config().keptHugeBytes(), "LEAN's default budget");
        assertEquals(32 * MIB, HakmemByteBufAllocator.builder().profile(Profile.LEAN).leanTargetMB(4)
                .keptHugeBytes(32 * MIB).build().config().keptHugeBytes(), "a value set is taken as it is");
    }

    @Test
    void thePropertyAndTheVariableAreInMiBAndFollowTheUsualPrecedence() {
        Map<String, String> props = Map.of("hakmem.keptHugeMB", "8");
        Map<String, String> env = Map.of("HAKMEM_KEPT_HUGE_MB", "0");
        assertEquals(8 * MIB, resolve(props, env).keptHugeBytes());
        assertEquals(0, resolve(Map.of(), env).keptHugeBytes());
        assertEquals(2 * MIB, HakmemByteBufAllocator.builder().sources(props, env).keptHugeBytes(2 * MIB)
                .resolve().keptHugeBytes());
        assertThat(resolve(props, env).toString()).contains("keptHugeBytes: " + 8 * MIB);
    }

    private static HakmemConfig resolve(Map<String, String> props, Map<String, String> env) {
        return HakmemByteBufAllocator.builder().sources(props, env).resolve();
    }

    @Test
    void anInvalidValueFailsNamingTheSettingAndWhatIsAllowed() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> HakmemByteBufAllocator.builder().keptHugeBytes(-1));
        assertThat(negative.getMessage()).contains("keptHugeBytes: -1").contains("0 to the cap");

        for (String bad : new String[] {"-1", "lots", "", "1.5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> resolve(Map.of(), Map.of("HAKMEM_KEPT_HUGE_MB", bad)), bad);
            assertThat(e.getMessage()).contains("HAKMEM_KEPT_HUGE_MB='" + bad + "'")
                    .contains("an integer number of MiB from 0");
        }
    }

    @Test
    void aValueAboveTheCapFailsAtBuildNamingBoth() {
        IllegalArgumentException fromBuilder = assertThrows(IllegalArgumentException.class,
                () -> HakmemByteBufAllocator.builder().maxMappedBytes(64 * MIB).keptHugeBytes(65 * MIB).build());
        assertThat(fromBuilder.getMessage()).contains("keptHugeBytes(" + 65 * MIB + ")")
                .contains("cap on mapped bytes, " + 64 * MIB).contains("expected: 0 to the cap");

        IllegalArgumentException fromProperty = assertThrows(IllegalArgumentException.class,
                () -> resolve(Map.of("hakmem.keptHugeMB", "128", "hakmem.maxMappedMB", "64"), Map.of()));
        assertThat(fromProperty.getMessage()).contains("hakmem.keptHugeMB='128'").contains(String.valueOf(64 * MIB));

        IllegalArgumentException fromVariable = assertThrows(IllegalArgumentException.class,
                () -> resolve(Map.of(), Map.of("HAKMEM_KEPT_HUGE_MB", "128", "HAKMEM_MAX_MAPPED_MB", "64")));
        assertThat(fromVariable.getMessage()).contains("HAKMEM_KEPT_HUGE_MB='128'");

        assertEquals(64 * MIB, resolve(Map.of("hakmem.keptHugeMB", "64", "hakmem.maxMappedMB", "64"), Map.of())
                .keptHugeBytes(), "the cap itself is allowed");
    }

    @Test
    void aMistypedNameIsRefusedNamingTheSettingItMeant() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolve(Map.of("hakmem.keptHugeMiB", "8"), Map.of()));
        assertThat(e.getMessage()).contains("did you mean hakmem.keptHugeMB?");
        IllegalArgumentException v = assertThrows(IllegalArgumentException.class,
                () -> resolve(Map.of(), Map.of("HAKMEM_KEPT_HUGE", "8")));
        assertThat(v.getMessage()).contains("did you mean HAKMEM_KEPT_HUGE_MB?");
    }
}
