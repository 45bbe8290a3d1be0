package org.hakmem.netty;

import java.util.concurrent.CountDownLatch;

/**
 * A live thread that does some work, then idles (alive, running no code) until the test lets it go
 * on, does its last act and ends: what an event loop or a producer does between bursts.
 */
final class IdlingThread {
    private final CountDownLatch idle = new CountDownLatch(1);
    private final CountDownLatch goOn = new CountDownLatch(1);
    private final Thread thread;

    private IdlingThread(String name, Runnable work, Runnable last) {
        thread = new Thread(() -> {
            work.run();
            idle.countDown();
            try {
                goOn.await();
                last.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
    }

    /** Starts it and returns once its work is done and it idles. */
    static IdlingThread startAndAwaitIdle(String name, Runnable work, Runnable last) throws InterruptedException {
        IdlingThread t = new IdlingThread(name, work, last);
        t.thread.start();
        t.idle.await();
        return t;
    }

    /** Lets it do its last act, and waits until it has ended. */
    void finish() throws InterruptedException {
        goOn.countDown();
        thread.join();
    }
}
