/*
 * EchoOptions: how the echo workload runs beyond its preset: the transport, the load client's
 * allocator (by default the one under test, on both sides; fixed, the runs differ only in the server's),
 * and the CPUs of the server and the client (by default both left to the scheduler).
 */
package org.hakmem.bench.compare;

import org.hakmem.examples.bench.CpuPinning;

record EchoOptions(String transport, String clientAllocator, CpuPinning pinning) {
    /** epoll, the client on the allocator under test, no pinning (the modes without echo options). */
    static final EchoOptions DEFAULT = new EchoOptions("epoll", null, null);

    /** "the allocator under test" or the fixed client allocator's name, for report captions. */
    String clientDescription() {
        return clientAllocator == null ? "the allocator under test" : "`" + clientAllocator + "`";
    }

    /** Where the two JVMs run, for report captions. */
    String placement() {
        return pinning == null ? "both on any CPU (not pinned: where they share few CPUs, p99 follows the scheduler"
                + " more than the allocators; --echo-cpus pins them)" : pinning + " (taskset)";
    }
}
