package org.hakmem.examples.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * CpuPinning.forThisMachine in a JVM that may run on one CPU only (taskset -c N, as in a container
 * given one CPU): the CPUs that exist are the machine's, not 0..availableProcessors()-1, so pinning
 * to CPU N, where that JVM itself runs, must be accepted.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CpuPinningAffinityTest {

    @Test
    void theCpuThisJvmRunsOnCanBeNamedWhenItIsNotCpuZero() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        assumeTrue(cpus >= 2, "needs 2 CPUs");
        assumeTrue(new File("/usr/bin/taskset").canExecute() || new File("/bin/taskset").canExecute(),
                "no taskset here");
        String last = String.valueOf(cpus - 1);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (ChildJvm child = new ChildJvm("pinned probe", List.of("taskset", "-c", last, java, "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), Probe.class.getName(), last + ":" + last))) {
            String line = child.awaitLine("PINNING ", 30);
            child.awaitExit(30);
            assertThat(line).isEqualTo("PINNING server on CPUs " + last + ", client on CPUs " + last);
        }
    }

    /** Prints "PINNING <what forThisMachine made of args[0]>" or "PINNING error: <message>". */
    public static final class Probe {
        public static void main(String[] args) {
            try {
                System.out.println("PINNING " + CpuPinning.forThisMachine(args[0]));
            } catch (IllegalArgumentException e) {
                System.out.println("PINNING error: " + e.getMessage() + " (availableProcessors "
                        + Runtime.getRuntime().availableProcessors() + ")");
            }
        }
    }
}
