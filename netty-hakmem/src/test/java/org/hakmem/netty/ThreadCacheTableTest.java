package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ThreadCacheTable: threads whose ids collide on an entry, and the caches of threads that died. */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(WithoutLeakTracking.LEVEL)
class ThreadCacheTableTest {
    private final HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();

    /**
     * A dead thread's cache holds up to 4 MiB of heap arrays, and its heap the spans of the buffers
     * still out. A reap must close it (and retire the heap) even when a later thread whose id collides
     * on the same entry has taken the entry over.
     */
    @Test
    void aDeadThreadsCacheIsClosedAtTheReapAlsoWhenAnotherThreadTookItsEntry() throws Exception {
        AtomicReference<ByteBuf> kept = new AtomicReference<>();
        AtomicReference<ThreadCache> cache = new AtomicReference<>();
        Thread dying = new Thread(() -> {
            kept.set(alloc.directBuffer(64));
            alloc.heapBuffer(1 << 20).release(); // its array stays in the dying thread's cache
            cache.set(alloc.cacheOfThisThread());
        });
        dying.start();
        dying.join();
        ThreadCache home = cache.get();
        assertSame(dying, home.thread);
        // Thread ids are handed out at construction: make threads until one lands on the same entry.
        Thread collider;
        do {
            collider = new Thread(() -> alloc.directBuffer(64).release());
        } while ((collider.getId() & 255) != (dying.getId() & 255));
        collider.start();
        collider.join();
        alloc.reapDeadThreads();
        assertNull(home.takeArray(1 << 20), "the dead thread's cache is closed: its cached array is dropped");
        kept.get().release();
        assertEquals(0, alloc.metric().usedDirectMemory());
    }

    /** Threads whose ids collide each find their own cache, every time. */
    @Test
    void collidingThreadsEachFindTheirOwnCache() throws Exception {
        Thread first = new Thread(() -> check(Thread.currentThread()));
        Thread second;
        do {
            second = new Thread(() -> check(Thread.currentThread()));
        } while ((second.getId() & 255) != (first.getId() & 255));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        first.setUncaughtExceptionHandler((t, e) -> failure.set(e));
        second.setUncaughtExceptionHandler((t, e) -> failure.set(e));
        first.start();
        second.start();
        first.join();
        second.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(0, alloc.metric().usedDirectMemory());
    }

    private void check(Thread me) {
        for (int i = 0; i < 10_000; i++) {
            ByteBuf b = alloc.directBuffer(32);
            ThreadCache home = alloc.cacheOfThisThread();
            if (home.thread != me || AllocatorBehaviourTest.unwrap(b).span().owner() != home.heap) {
                throw new AssertionError("thread " + me + " got the cache of " + home.thread);
            }
            b.release();
        }
    }
}
