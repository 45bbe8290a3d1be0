/*
 * ChildFlags: the flags of every child JVM, identical for every allocator and workload of a session
 * (printed in each report header).
 *
 * Why each one:
 *   --enable-native-access     netty-hakmem loads JNA's native library (a restricted method on JDK 22+)
 *   leakDetection=disabled     Netty's sampled leak detector would wrap 1 in 128 buffers: off for all
 *   allocator.lowMemory=false  Adaptive would switch to its low-memory mode on a heap <= 512 MiB
 *   -Xms = -Xmx, AlwaysPreTouch  the whole heap is resident from the start, so RSS changes during a
 *                                run come from off-heap memory (the allocator), not from heap growth
 *   MaxDirectMemorySize=1g     Netty's and netty-hakmem's direct-memory caps, far above every workload
 *                              (the 125 MiB burst included), and independent of the heap size
 *   UseG1GC                    the same collector on every machine, whatever the ergonomics pick
 */
package org.hakmem.bench.compare;

import java.util.List;

final class ChildFlags {
    static final List<String> BASE = List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-Dio.netty.leakDetection.level=disabled",
            "-Dio.netty.allocator.lowMemory=false",
            "-Xms256m",
            "-Xmx256m",
            "-XX:+AlwaysPreTouch",
            "-XX:MaxDirectMemorySize=1g",
            "-XX:+UseG1GC");

    private ChildFlags() {
    }
}
