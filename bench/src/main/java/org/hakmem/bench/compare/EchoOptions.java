/*
 * EchoOptions: how the echo workload runs beyond its preset: the transport, and the load client's
 * allocator (by default the one under test, on both sides; fixed, the runs differ only in the server's).
 */
package org.hakmem.bench.compare;

record EchoOptions(String transport, String clientAllocator) {
    /** epoll, and the client on the allocator under test (the modes without echo options use this). */
    static final EchoOptions DEFAULT = new EchoOptions("epoll", null);

    /** "the allocator under test" or the fixed client allocator's name, for report captions. */
    String clientDescription() {
        return clientAllocator == null ? "the allocator under test" : "`" + clientAllocator + "`";
    }
}
