package org.hakmem.examples;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Netty's leak detector at PARANOID for the length of a test, with every report it logs collected:
 * open it before the test's buffers exist, read {@link #afterCollection} at the end, close it.
 */
final class LeakReports extends Handler implements AutoCloseable {
    /** Strong reference: JUL only holds loggers weakly, and the handler must stay attached. */
    private final Logger logger = Logger.getLogger(ResourceLeakDetector.class.getName());
    private final ResourceLeakDetector.Level previousLevel = ResourceLeakDetector.getLevel();
    private final List<String> messages = new CopyOnWriteArrayList<>();

    LeakReports() {
        setLevel(Level.ALL);
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        logger.addHandler(this);
    }

    /** The name of the logger listened to: Netty's detector logs under its class name. */
    String loggerName() {
        return logger.getName();
    }

    /**
     * The reports, once the detector has had its chance to see every buffer that became unreachable
     * without release(): it reports collected-but-unreleased buffers when the next tracked buffer is
     * created, so this collects garbage and makes tracked buffers a few times.
     */
    List<String> afterCollection(ByteBufAllocator alloc) throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            ByteBuf probe = alloc.directBuffer(16);
            probe.writeLong(i);
            probe.release();
            alloc.heapBuffer(16).release();
        }
        return messages;
    }

    @Override
    public void publish(LogRecord record) {
        String message = record.getMessage();
        if (message != null && message.contains("LEAK")) {
            messages.add(message);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        ResourceLeakDetector.setLevel(previousLevel);
    }
}
