/*
 * ThreadCacheTable: finds the calling thread's ThreadCache in a few instructions on any thread.
 *
 * Netty's FastThreadLocal is an array index on a FastThreadLocalThread but a java.lang.ThreadLocal
 * probe on any other thread, which profiling showed as a fifth of the allocation cost there. This
 * table sits in front of it: a direct-mapped array indexed by the thread id,
 *
 *     entries[threadId & (SIZE - 1)] --> ThreadCache (whose final `thread` field says whose it is)
 *
 * A hit costs a load and a compare. A miss (first use, or two threads that collide on an entry)
 * falls back to the FastThreadLocal and overwrites the entry. Entries are plain writes: a racing
 * reader sees either entry, and checks its final `thread` field (safely published by final-field
 * semantics) before using it, so a stale or foreign entry is only ever a miss.
 *
 * Virtual threads get no cache (null): they share SharedCaches' locked lanes. Their lookups always
 * miss the table, and the miss asks Thread.isVirtual() before any thread-local is touched.
 */
package org.hakmem.netty;

import io.netty.util.concurrent.FastThreadLocal;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

final class ThreadCacheTable {
    private static final int SIZE = 256;

    private final ThreadCache[] entries = new ThreadCache[SIZE];
    private final FastThreadLocal<ThreadCache> fallback;
    /**
     * Every cache made for a thread and not closed yet, by thread, whether the table holds it or not:
     * a thread whose entry a colliding thread took over may die without taking it back, and removeDead
     * must still find its cache. It is also where a thread finds its own cache once its thread-local
     * map is gone without the removal hook (FastThreadLocal.destroy(), for a container unloading an
     * application): the thread lives on with its heap, and neither its trim() nor its next cache may
     * lose it. Touched once per thread (add), per reap, and by getIfExists; never on the fast path.
     */
    private final ConcurrentHashMap<Thread, ThreadCache> open = new ConcurrentHashMap<>();

    ThreadCacheTable(FastThreadLocal<ThreadCache> fallback) {
        this.fallback = fallback;
    }

    /** The calling thread's cache, made on first use; null on a virtual thread (see SharedCaches). */
    ThreadCache get() {
        Thread t = Thread.currentThread();
        ThreadCache c = entries[index(t)];
        if (c != null && c.thread == t) {
            return c;
        }
        return miss(t);
    }

    /**
     * The calling thread's cache if it has one; never creates one. Asked of the open caches, not of
     * the FastThreadLocal: after FastThreadLocal.destroy() the thread-local says none, while the
     * thread still allocates from its cache (through the table) and its heap still holds its spans.
     */
    ThreadCache getIfExists() {
        return open.get(Thread.currentThread());
    }

    /** getIfExists with the table's hit first: for a path that may run often but must not create one. */
    ThreadCache peek() {
        Thread t = Thread.currentThread();
        ThreadCache c = entries[index(t)];
        return c != null && c.thread == t ? c : getIfExists();
    }

    private ThreadCache miss(Thread t) {
        if (VirtualThreads.isVirtual(t)) {
            return null; // virtual threads allocate from SharedCaches, never from a cache of their own
        }
        ThreadCache c = fallback.get();
        entries[index(t)] = c;
        return c;
    }

    /** Registers a cache just made for its thread (the fallback's initial value). */
    void add(ThreadCache c) {
        open.put(c.thread, c);
    }

    /** Forgets a cache whose heap was retired (its thread may live on and get a new one). */
    void remove(ThreadCache c) {
        open.remove(c.thread, c);
        int i = index(c.thread);
        if (entries[i] == c) {
            entries[i] = null;
        }
    }

    /**
     * Drops and closes the caches of threads that have died (called after each heap reap), so that
     * their cached arrays and buffer objects are not kept, and objects released later are not
     * returned to them.
     */
    void removeDead() {
        // Not only the entries: a cache that lost its entry to a colliding thread was kept, with its
        // arrays and objects, by every live buffer of the dead thread (their home), and took back
        // the objects released later.
        for (Iterator<ThreadCache> it = open.values().iterator(); it.hasNext();) {
            ThreadCache c = it.next();
            if (!c.thread.isAlive()) {
                it.remove();
                int i = index(c.thread);
                if (entries[i] == c) {
                    entries[i] = null;
                }
                c.close();
            }
        }
    }

    @SuppressWarnings("deprecation") // Thread.getId(): threadId() needs JDK 19
    private static int index(Thread t) {
        return (int) t.getId() & (SIZE - 1);
    }
}
