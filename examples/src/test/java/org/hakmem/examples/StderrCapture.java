package org.hakmem.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * System.err replaced for the length of a test, to read what a server printed there (a stack trace, or
 * the one line a peer reset should give): open it before the server starts, read {@link #lines} once
 * the server has closed, close it.
 */
public final class StderrCapture implements AutoCloseable {
    private final PrintStream previous = System.err;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    public StderrCapture() {
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    /** Everything printed so far. */
    public synchronized String text() {
        System.err.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The non-blank lines printed so far. */
    public List<String> lines() {
        return text().lines().filter(l -> !l.isBlank()).toList();
    }

    @Override
    public void close() {
        System.setErr(previous);
    }
}
