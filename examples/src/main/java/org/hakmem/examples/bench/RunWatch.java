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
 *
 * A connection that the server keeps open but stops answering ends the run too. While the main thread
 * waits it runs a tick every TICK_MS, on which the client has each connection say, on its own event
 * loop, how long its oldest outstanding message has waited (waited()); a wait past the bound ends the
 * run, and the report says how many connections have passed it, e.g.
 *   error: 1 of 64 connections stalled in the measured phase, the longest waiting 6.3 s for an echo (bound 6 s, stall_s); ...
 * Checking on the tick costs the measured load nothing per message.
 */
package org.hakmem.examples.bench;

import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
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

    /** How often the connections are asked how long they have waited: far below any stall bound (1 s or more). */
    static final long TICK_MS = 250;

    private final int connections;
    private final int stallS;
    private final long stallNs;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** Per connection: the longest wait past the bound seen at its checks, in ns (0: none). */
    private final AtomicLongArray stalledNs;
    /** The phase of the first wait past the bound, or null. */
    private final AtomicReference<Phase> stallPhase = new AtomicReference<>();
    private volatile Phase phase = Phase.CONNECTING;
    private volatile long phaseStartNs = System.nanoTime();
    // guarded by this
    private int closed;
    private int resets;
    private Phase firstPhase;
    private long firstIntoNs;

    /** {@code stallS}: how long a connection's oldest outstanding message may wait before the run fails. */
    RunWatch(int connections, int stallS) {
        this.connections = connections;
        this.stallS = stallS;
        this.stallNs = TimeUnit.SECONDS.toNanos(stallS);
        this.stalledNs = new AtomicLongArray(connections);
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

    /**
     * A connection's check, on its event loop: its oldest outstanding message has waited {@code ns} (0:
     * none outstanding). A wait past the bound ends the run; the connection counts as stalled even if it
     * answers again before the report (its figures are spoilt all the same).
     */
    void waited(int connection, long ns) {
        if (ns > stallNs) {
            stalledNs.accumulateAndGet(connection, ns, Math::max);
            stallPhase.compareAndSet(null, phase);
            ended.countDown();
        }
    }

    /** Waits {@code ms}; true if the run is still whole then, false as soon as a connection failed, closed or stalled. */
    boolean runFor(long ms) throws InterruptedException {
        return runFor(ms, () -> { });
    }

    /** As runFor(ms), running {@code tick} (which has the connections check their waits) every TICK_MS meanwhile. */
    boolean runFor(long ms, Runnable tick) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            if (ended.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(TICK_MS)), TimeUnit.NANOSECONDS)) {
                return false;
            }
            tick.run();
        }
        return ended.getCount() > 0;
    }

    /**
     * After a close, waits up to {@code ms} for the server to close the other connections too: a
     * server that drops them all drops them within a moment, and the report should count all of them,
     * not the few that were closed when the first woke the client. After a stall (and no close), ticks
     * on for {@code ms}: connections that the server stopped answering at the same moment as the first
     * pass the bound a moment after it, and should count too.
     */
    void settle(long ms, Runnable tick) throws InterruptedException {
        settleCloses(ms);
        if (closeReport() == null && stallPhase.get() != null) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                tick.run();
                TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(TICK_MS)));
            }
        }
    }

    private synchronized void settleCloses(long ms) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        for (long left; closed > 0 && closed < connections && (left = deadline - System.nanoTime()) > 0; ) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** The first failure other than a close by the server, or null. */
    Throwable failure() {
        return failure.get();
    }

    /**
     * The report of the closes by the server so far, else of the connections that stalled, else null.
     * Closes come first: a close is certain, and a server that closes may have stalled before it.
     */
    String report() {
        String closes = closeReport();
        return closes != null ? closes : stallReport();
    }

    private synchronized String closeReport() {
        return closed == 0 ? null : closeLine(closed, connections, resets, firstPhase, firstIntoNs);
    }

    /** The connections that have waited past the bound at a check, or null if none has. */
    private String stallReport() {
        Phase phase = stallPhase.get();
        if (phase == null) {
            return null;
        }
        int stalled = 0;
        long longest = 0;
        for (int i = 0; i < connections; i++) {
            long ns = stalledNs.get(i);
            if (ns > 0) {
                stalled++;
                longest = Math.max(longest, ns);
            }
        }
        return stallLine(stalled, connections, phase, longest, stallS);
    }

    /** The report, printed after "error: ": "1 of 64 connections stalled in the warmup, the longest waiting 6.3 s ...". */
    static String stallLine(int stalled, int connections, Phase phase, long longestNs, int stallS) {
        return String.format(Locale.ROOT, "%d of %d connection%s stalled %s, the longest waiting %.1f s for an echo"
                        + " (bound %d s, stall_s); no figures for this run", stalled, connections,
                connections == 1 ? "" : "s", phase.words, longestNs / 1e9, stallS);
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
