package org.hakmem.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A workload child's key=value arguments: defaults, and the values that make no sense refused with
 * the key, the value and what is allowed. They used to take any non-negative integer, so sample_ms=0
 * made the RSS sampler spin on a CPU the workload needed, ops=0 reported 0 ops/s, samples=2 printed
 * no samples, and a key given twice kept its last value.
 */
class ChildArgsTest {

    @Test
    void defaultsAndGivenValues() {
        ChildArgs a = args("ops=5", "samples=1", "warmup_ops=0");
        assertEquals(5, a.get("ops"));
        assertEquals(1, a.get("samples"));
        assertEquals(0, a.get("warmup_ops"));
        assertEquals(100, a.get("sample_ms"));
    }

    @Test
    void valuesThatMakeNoSenseAreRefused() {
        assertMessage("sample_ms '0': expected an integer >= 1", "sample_ms=0");
        assertMessage("epoch_ms '0': expected an integer >= 1", "epoch_ms=0");
        assertMessage("ops '0': expected an integer >= 1", "ops=0");
        assertMessage("samples '2': expected an integer from 0 to 1", "samples=2");
        assertMessage("idle_ms '-1': expected an integer >= 0", "idle_ms=-1");
        assertMessage("ops 'many': expected an integer >= 1", "ops=many");
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        assertMessage("ops given twice; allowed: once", "ops=5", "ops=6");
    }

    @Test
    void anUnknownKeyListsTheKeysInTheirOrder() {
        assertMessage("unknown argument 'opps=5'; expected key=value with key one of [warmup_ops, ops, duration_ms,",
                "opps=5");
    }

    private static ChildArgs args(String... keyValues) {
        String[] all = new String[keyValues.length + 2];
        all[0] = "mixed-ws400";
        all[1] = "hakmem";
        System.arraycopy(keyValues, 0, all, 2, keyValues.length);
        return new ChildArgs(all, 2);
    }

    private static void assertMessage(String expectedStart, String... keyValues) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> args(keyValues));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }
}
