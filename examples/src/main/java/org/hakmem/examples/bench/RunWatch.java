/*
 * RunWatch: what ends an EchoLoadClient run before its time. A run's figures are valid only if every
 * connection carried its load to the end, so the first connection that fails or that the server
 * closes wakes the client's main thread at once, instead of after the whole warmup and duration (a
 * server that dropped every connection in its first second made a 60 s run wait the minute out).
 * The connections' event loops report here; the main thread waits here between its phases.
 *
 * A close by the server (a clean end of stream, or a reset) is reported as one line that says how
 * many of how many connections the server closed, and in which phase, e.g.
 *   error: the server closed 64 of 64 connections in the warmup, the first 0.4 s into it
 * Closes that the client makes itself (at the end, or of a connection that failed) are not reported
 * to it: the caller stops reporting before it closes.
 */
package org.hakmem.examples.bench;

import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

final class RunWatch {

    /** The client's phases, in the words of the report line. */
    enum Phase {
        CONNECTING("before the load started"),
        WARMUP("in the warmup"),
        MEASURED("in the measured phase");

        final String words;

        Phase(String words) {
            this.words = words;
        }
    }

    private final int connections;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Phase phase = Phase.CONNECTING;
    private volatile long phaseStartNs = System.nanoTime();
    // guarded by this
    private int closed;
    private int resets;
    private Phase firstPhase;
    private long firstIntoNs;

    RunWatch(int connections) {
        this.connections = connections;
    }

    /** The main thread starts {@code next}; closes from now on are placed in it. */
    void enter(Phase next) {
        phaseStartNs = System.nanoTime();
        phase = next;
    }

    /** A connection the server closed (reset: with a reset rather than an end of stream). Ends the run. */
    synchronized void serverClosed(boolean reset) {
        if (closed++ == 0) {
            firstPhase = phase;
            firstIntoNs = System.nanoTime() - phaseStartNs;
        }
        if (reset) {
            resets++;
        }
        notifyAll(); // settle() waits for the rest
        ended.countDown();
    }

    /** A connection failed for another reason than the server's close; the first failure is kept. Ends the run. */
    void failed(Throwable cause) {
        failure.compareAndSet(null, cause);
        ended.countDown();
    }

    /** Waits {@code ms}; true if the run is still whole then, false as soon as a connection failed or closed. */
    boolean runFor(long ms) throws InterruptedException {
        return !ended.await(ms, TimeUnit.MILLISECONDS);
    }

    /**
     * After a close, waits up to {@code ms} for the server to close the other connections too: a
     * server that drops them all drops them within a moment, and the report should count all of them,
     * not the few that were closed when the first woke the client.
     */
    synchronized void settle(long ms) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        for (long left; closed > 0 && closed < connections && (left = deadline - System.nanoTime()) > 0; ) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** The first failure other than a close by the server, or null. */
    Throwable failure() {
        return failure.get();
    }

    /** The report of the closes by the server so far, or null if the server closed none. */
    synchronized String closeReport() {
        return closed == 0 ? null : closeLine(closed, connections, resets, firstPhase, firstIntoNs);
    }

    /** The report, printed after "error: ": "the server closed 3 of 64 connections in the warmup, the first 0.4 s into it; ...". */
    static String closeLine(int closed, int connections, int resets, Phase phase, long firstIntoNs) {
        String line = String.format(Locale.ROOT, "the server closed %d of %d connection%s %s", closed, connections,
                connections == 1 ? "" : "s", phase.words);
        if (phase != Phase.CONNECTING) { // the time into a phase of the load; connecting takes a moment
            line += String.format(Locale.ROOT, ", the first %.1f s into it", firstIntoNs / 1e9);
        }
        if (resets > 0) {
            line += " (" + resets + " with a reset)";
        }
        return line + "; no figures for this run";
    }
}
