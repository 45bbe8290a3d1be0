package org.hakmem.examples.bench;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** CpuPinning: the SERVER:CLIENT spec, its errors, and the taskset commands it builds. */
class CpuPinningTest {

    @Test
    void parsesOneCpuPerSide() {
        CpuPinning p = CpuPinning.parse("0:1", 2);
        assertThat(p.server(List.of("java", "-version"))).containsExactly("taskset", "-c", "0", "java", "-version");
        assertThat(p.client(List.of("java"))).containsExactly("taskset", "-c", "1", "java");
        assertThat(p).hasToString("server on CPUs 0, client on CPUs 1");
    }

    @Test
    void parsesListsAndRanges() {
        CpuPinning p = CpuPinning.parse("0,2:1-3", 4);
        assertThat(p.serverCpus()).isEqualTo("0,2");
        assertThat(p.clientCpus()).isEqualTo("1-3");
    }

    @Test
    void rejectsASpecWithoutTwoSides() {
        for (String bad : List.of("0", "0:1:2", "")) {
            assertThatThrownBy(() -> CpuPinning.parse(bad, 2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'").hasMessageContaining("expected SERVER:CLIENT");
        }
    }

    @Test
    void rejectsWhatIsNotACpuList() {
        for (String bad : List.of("a:1", "0:", "0:1,", "-1:0", "0: 1")) {
            assertThatThrownBy(() -> CpuPinning.parse(bad, 2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'").hasMessageContaining("is not a CPU list");
        }
    }

    @Test
    void tasksetAcceptsTheFirstCpuAndRefusesAReversedRange() {
        assumeTrue(new File("/usr/bin/taskset").canExecute() || new File("/bin/taskset").canExecute(),
                "no taskset here");
        CpuPinning.parse("0:0", 1).requireTaskset(); // CPU 0 exists wherever this runs
        assertThatThrownBy(() -> new CpuPinning("0", "1-0").requireTaskset())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot pin to CPUs 1-0");
    }

    @Test
    void rejectsACpuTheMachineDoesNotHave() {
        assertThatThrownBy(() -> CpuPinning.parse("0:2", 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CPU 2 does not exist").hasMessageContaining("CPUs 0-1");
        assertThatThrownBy(() -> CpuPinning.parse("0-7:0", 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CPU 7 does not exist");
        assertThatThrownBy(() -> CpuPinning.parse("0:99999999999", 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CPU 99999999999 does not exist");
    }
}
