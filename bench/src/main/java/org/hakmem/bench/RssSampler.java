/*
 * RssSampler: samples process RSS (VmRSS) and the allocator's resident bytes on a daemon thread
 * every few milliseconds, labelled with the workload's current phase. It keeps the peaks and,
 * when asked, prints one SAMPLE line per sample for the parent's RSS-over-time chart.
 */
package org.hakmem.bench;

import org.hakmem.examples.bench.AllocatorProbe;
import org.hakmem.examples.bench.ProcStatus;

import java.util.concurrent.TimeUnit;

final class RssSampler implements AutoCloseable {
    private final AllocatorProbe probe;
    private final boolean print;
    private final long t0 = System.nanoTime();
    private final Thread thread;
    private volatile String phase = "start";
    private volatile boolean stop;
    private long peakRssKib = -1;
    private long peakResident = -1;

    RssSampler(AllocatorProbe probe, long periodMs, boolean print) {
        this.probe = probe;
        this.print = print;
        this.thread = new Thread(() -> {
            while (!stop) {
                sample();
                try {
                    Thread.sleep(periodMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** Enters a new phase and samples at once, so every phase starts with a point of its own. */
    void phase(String name) {
        phase = name;
        sample();
    }

    /** One sample now; synchronized so that explicit and periodic samples print whole lines in order. */
    synchronized void sample() {
        long rss = ProcStatus.statusKib("VmRSS");
        long resident = probe.resident();
        peakRssKib = Math.max(peakRssKib, rss);
        peakResident = Math.max(peakResident, resident);
        if (print) {
            System.out.println("SAMPLE t_ms=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
                    + " phase=" + phase + " rss_kib=" + rss + " resident=" + resident);
        }
    }

    synchronized long peakRssKib() {
        return peakRssKib;
    }

    /** The highest allocator resident bytes sampled; -1 for allocators that cannot tell. */
    synchronized long peakResident() {
        return peakResident;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }
}
