package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import org.hakmem.netty.os.DecommitMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The stress tests' trading floor: workers allocate bursts of patterned buffers (Item), hand about
 * half of them to random workers' inboxes, check and release what others handed them, and keep a
 * bounded number of their own, released at random. Every release checks the buffer's pattern first,
 * so two live buffers that ever overlapped fail the test. Runs until the deadline or the first
 * failure; -Dhakmem.stress.seconds sets the duration (default 8).
 */
final class BufferTrade {
    static final long STRESS_NANOS = Long.getLong("hakmem.stress.seconds", 8) * 1_000_000_000L;

    /**
     * How a worker allocates: bursts of {@code burst} buffers; {@code smallPercent}% of sizes in
     * [1, 4096], the rest in [4097, maxSize); at most {@code keep} of its own kept between bursts; and
     * one buffer in {@code resizeOneIn} moved by capacity(int) to a size in [1, 9000) (0: none).
     */
    record Shape(int burst, int keep, int smallPercent, int maxSize, int resizeOneIn) {
    }

    /**
     * Allocations and capacity moves refused with OutOfMemoryError (the mapping cap) that reached a
     * worker; only when the trade tolerates them (atTheCap), else a refusal fails the test.
     */
    final AtomicLong refusedToWorkers = new AtomicLong();
    /** Allocations served. */
    final AtomicLong served = new AtomicLong();
    /** Allocations Netty's leak detector chose to watch (handed out wrapped); 0 with leak detection off. */
    final AtomicLong watched = new AtomicLong();
    /** Capacity moves done. */
    final AtomicLong moves = new AtomicLong();
    private boolean atTheCap;

    private final HakmemByteBufAllocator alloc;
    private final List<Queue<Item>> inboxes = new ArrayList<>();
    private long deadline;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    BufferTrade(HakmemByteBufAllocator alloc, int workers) {
        this.alloc = alloc;
        for (int w = 0; w < workers; w++) {
            inboxes.add(new ConcurrentLinkedQueue<>());
        }
        this.deadline = System.nanoTime() + STRESS_NANOS;
    }

    /**
     * Tolerates refusals at the mapping cap: a refused worker counts it, releases all but one of its
     * own buffers and goes on; a refused capacity move leaves the buffer as it was.
     */
    BufferTrade atTheCap(long durationNanos) {
        this.atTheCap = true;
        this.deadline = System.nanoTime() + durationNanos;
        return this;
    }

    /** True until the deadline or the first failure. */
    boolean running() {
        return System.nanoTime() < deadline && failure.get() == null;
    }

    /**
     * FAST with the defaults, or LEAN at its most aggressive: DONTNEED, no decay and a 1 MiB budget,
     * so that the purger decommits and retires all the time.
     */
    static HakmemByteBufAllocator fastOrEagerLean(boolean lean) {
        return lean
                ? HakmemByteBufAllocator.builder().profile(Profile.LEAN).leanDecommit(DecommitMode.DONTNEED)
                        .leanDecayMillis(0).leanTargetMB(1).build()
                : HakmemByteBufAllocator.builder().build();
    }

    /**
     * Runs one thread per worker (named {@code name-N}) until the deadline, with one more calling
     * trim() in a loop if {@code trimming}; then finish().
     */
    void run(Shape shape, boolean trimming, String name) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < inboxes.size(); w++) {
            int me = w;
            threads.add(new Thread(() -> work(me, shape), name + "-" + w));
        }
        if (trimming) {
            threads.add(new Thread(() -> {
                while (running()) {
                    alloc.trim();
                    Thread.onSpinWait();
                }
            }, name + "-trim"));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        finish();
    }

    /** Worker {@code me}'s loop; a failure is recorded for finish(), not thrown. */
    void work(int me, Shape shape) {
        try {
            SplittableRandom rnd = new SplittableRandom(me);
            List<Item> mine = new ArrayList<>();
            long seed = (long) me << 40;
            while (running()) {
                for (int i = 0; i < shape.burst(); i++) {
                    int size = rnd.nextInt(100) < shape.smallPercent() ? rnd.nextInt(1, 4097)
                            : rnd.nextInt(4097, shape.maxSize());
                    ByteBuf b;
                    try {
                        b = alloc.directBuffer(size);
                    } catch (OutOfMemoryError refused) {
                        onRefused(refused);
                        while (mine.size() > 1) {
                            mine.remove(rnd.nextInt(mine.size())).checkAndRelease();
                        }
                        continue;
                    }
                    served.incrementAndGet();
                    if (b.unwrap() != null) {
                        watched.incrementAndGet(); // our buffers unwrap to null; the detector's wrappers do not
                    }
                    Patterns.fill(b, ++seed);
                    if (shape.resizeOneIn() > 0 && rnd.nextInt(shape.resizeOneIn()) == 0) {
                        // A capacity move: the bytes go to a slot of another class.
                        try {
                            b.capacity(rnd.nextInt(1, 9000));
                            moves.incrementAndGet();
                        } catch (OutOfMemoryError refused) {
                            onRefused(refused); // the buffer is as it was
                        }
                        Patterns.check(b, seed, Math.min(size, b.capacity()));
                        Patterns.fill(b, seed);
                    }
                    Item item = new Item(b, seed);
                    if (rnd.nextBoolean()) {
                        inboxes.get(rnd.nextInt(inboxes.size())).add(item);
                    } else {
                        mine.add(item);
                    }
                }
                for (Item item; (item = inboxes.get(me).poll()) != null; ) {
                    item.checkAndRelease();
                }
                while (mine.size() > shape.keep()) {
                    mine.remove(rnd.nextInt(mine.size())).checkAndRelease();
                }
            }
            mine.forEach(Item::checkAndRelease);
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    private void onRefused(OutOfMemoryError refused) {
        if (!atTheCap || !refused.getMessage().contains("the cap is")) {
            throw refused;
        }
        refusedToWorkers.incrementAndGet();
    }

    /** Once every worker has returned: fails with the first failure, else releases what is left in the inboxes. */
    void finish() {
        Item.rethrow(failure, "a worker");
        Item.drainAll(inboxes);
    }
}
