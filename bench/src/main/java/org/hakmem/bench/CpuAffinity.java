/*
 * CpuAffinity: the CPUs a thread may run on, read and set through Linux's sched_getaffinity and
 * sched_setaffinity (JNA direct mapping; pid 0 is the calling thread). The cross-thread workload pins
 * its two threads with it (CrossThreadBenchmark.placement) so that where they run is chosen by the
 * run, not by the scheduler and the hypervisor: on these 2-vCPU machines the same code ran at three
 * speeds depending on that alone (docs/BENCHMARKS.md, Experiments, session 26).
 */
package org.hakmem.bench;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;

import java.util.ArrayList;
import java.util.List;

final class CpuAffinity {
    /** Bytes of the CPU masks passed to the kernel: 1024 CPUs, as glibc's cpu_set_t. */
    private static final int MASK_LONGS = 16;

    static {
        Native.register("c");
    }

    private static native int sched_getaffinity(int pid, long cpusetsize, long[] mask) throws LastErrorException;

    private static native int sched_setaffinity(int pid, long cpusetsize, long[] mask) throws LastErrorException;

    private CpuAffinity() {
    }

    /** The CPUs the calling thread may run on, in ascending order. */
    static List<Integer> allowedCpus() {
        long[] mask = new long[MASK_LONGS];
        sched_getaffinity(0, MASK_LONGS * 8L, mask);
        List<Integer> cpus = new ArrayList<>();
        for (int cpu = 0; cpu < MASK_LONGS * 64; cpu++) {
            if ((mask[cpu >>> 6] & 1L << (cpu & 63)) != 0) {
                cpus.add(cpu);
            }
        }
        return cpus;
    }

    /**
     * Lets the calling thread run on cpu alone. A CPU the process may not use (or that does not exist)
     * is refused with an IllegalArgumentException naming it and the allowed ones.
     */
    static void pinCurrentThread(int cpu) {
        List<Integer> allowed = allowedCpus();
        if (!allowed.contains(cpu)) {
            throw new IllegalArgumentException("cannot pin a thread to CPU " + cpu + ": this thread may run on " + allowed);
        }
        long[] mask = new long[MASK_LONGS];
        mask[cpu >>> 6] = 1L << (cpu & 63);
        sched_setaffinity(0, MASK_LONGS * 8L, mask);
    }
}
