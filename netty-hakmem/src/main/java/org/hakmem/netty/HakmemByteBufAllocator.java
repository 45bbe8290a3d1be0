/*
 * HakmemByteBufAllocator: netty-hakmem's face to Netty.
 *
 *     newDirectBuffer(capacity)                          release() -> deallocate()
 *       |                                                  |
 *       | ThreadCache (FastThreadLocal)                    | ThreadHeap.free(slab, slot)
 *       |   ThreadHeap.spanWithFreeSlot(class).pop()       |   owner thread: plain push
 *       |   + a recycled HakmemDirectByteBuf               |   other thread: CAS push (remote)
 *       v                                                  v
 *     slot in a span of a superslab  <-- SuperslabPool <-- OsMemory (mmap, the cap, the stats)
 *
 * Virtual threads get no ThreadCache of their own: they allocate from SharedCaches' few locked lanes
 * (newSharedDirectBuffer), and release through the same remote paths as any other thread.
 *
 * Capacities up to SizeClasses.MAX_SIZE (1 MiB) come from slots; larger ones from a mapping of their
 * own. Heap buffers are Netty's own UnpooledHeapByteBuf, with recently freed arrays reused.
 *
 * The fast path of a small direct buffer, allocated and released on one thread, takes no lock, makes
 * no system call, does no atomic read-modify-write of the allocator's own state and creates no
 * garbage; releasing the buffer's last reference is no atomic operation either (RefCountedByteBuf).
 *
 * Giving memory back never runs on that path either. In the LEAN profile a background purger
 * (BackgroundPurger) does it every decay / 2, within [5 ms, 250 ms] (250 ms with the default 1 s
 * decay), and, while over the budget, asks heaps for their empty spans every 16th round; trim() does
 * it at once, in either profile:
 *
 *     trim():  this thread's heap gives back its empty spans     (the caller owns it)
 *              other heaps are asked to do the same              (served on their own threads)
 *              idle (parked) heaps' empty spans are given back   (for their owners, see ThreadHeap)
 *              dead threads' heaps are retired
 *              pool.purge(force): empty superslabs are unmapped, other free slabs decommitted
 *              watched event loops holding remote frees are      (a task on each loop, which runs
 *              asked to look                                      later: watchEventLoops)
 */
package org.hakmem.netty;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.CompositeByteBuf;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.logging.InternalLoggerFactory;
import org.hakmem.netty.heap.HeapRegistry;
import org.hakmem.netty.heap.ThreadHeap;
import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.OsMemory;
import org.hakmem.netty.policy.ReleasePolicy;
import org.hakmem.netty.slab.HugeBlock;
import org.hakmem.netty.slab.SizeClasses;
import org.hakmem.netty.slab.Slab;
import org.hakmem.netty.slab.SuperslabPool;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Netty {@link io.netty.buffer.ByteBufAllocator} whose direct buffers live in memory it maps itself
 * (mmap, through JNA). A capacity of up to 1 MiB gets a slot of its size class in a 2 MiB superslab,
 * handed out by the allocating thread's heap; a larger one gets a page-rounded mapping of its own,
 * unmapped when the buffer is released. Heap buffers are Netty's {@code UnpooledHeapByteBuf}, counted,
 * with recently released arrays reused.
 *
 * <p>Use {@link #DEFAULT}, or build one allocator per application with {@link #builder()} and share it.
 * Allocators are meant to be long-lived: one that becomes unreachable does not unmap its memory, so
 * call {@link #trim()} before dropping one. The {@link Profile} decides whether free memory stays
 * resident (FAST) or goes back to the kernel on its own (LEAN); {@link #metric()} shows what it holds.
 *
 * <p>Thread-safe: any thread may allocate, and any thread may release any buffer. Each platform thread
 * that allocates gets a heap of its own, with no lock on its path; virtual threads share a few heaps,
 * one per CPU, each behind a lock. Runs on 64-bit Linux only: elsewhere the first use of this class
 * fails, and {@link Hakmem#isAvailable()} tells beforehand without initialising it.
 */
public final class HakmemByteBufAllocator extends AbstractByteBufAllocator implements ByteBufAllocatorMetricProvider {

    /**
     * The shared instance, configured from system properties and the environment (see
     * {@link HakmemConfig}). Nothing is mapped until its first direct allocation.
     *
     * <p>It is built when the class is initialised, that is at the first use of the class, builder()
     * included. An invalid system property or environment variable, or one whose name looks like a
     * setting's without being it, therefore fails that first use (an ExceptionInInitializerError whose
     * cause, an IllegalArgumentException, names the variable, the value and what is allowed), even where a builder would set that setting itself: a mistyped
     * setting is reported at start-up rather than silently overridden. (Declaring DEFAULT elsewhere
     * to build it later is not possible without making HakmemByteBufAllocator.DEFAULT ambiguous with
     * the DEFAULT every ByteBufAllocator inherits.) The failure is also logged at ERROR through
     * Netty's logger: every later use of the class throws NoClassDefFoundError, which on JDK 17 does not
     * carry the cause.
     */
    public static final HakmemByteBufAllocator DEFAULT = buildDefault();

    private final HakmemConfig config;
    private final ReleasePolicy policy;
    private final OsMemory os;
    private final SuperslabPool pool;
    private final HeapRegistry registry;
    private final LongAdder heapBytes = new LongAdder();
    private final HakmemAllocatorMetric metric;
    private final FastThreadLocal<ThreadCache> caches = new FastThreadLocal<ThreadCache>() {
        @Override
        protected ThreadCache initialValue() {
            ThreadCache kept = table.getIfExists();
            if (kept != null) {
                // The thread's map was dropped without onRemoval (FastThreadLocal.destroy()) and a
                // colliding thread took its table entry: it goes on with the heap it has. A new one
                // would leave the old heap's spans, with what other threads freed into them, out of
                // everyone's reach for as long as the thread lives.
                return kept;
            }
            ThreadCache cache = new ThreadCache(registry.register());
            table.add(cache);
            return cache;
        }

        @Override
        protected void onRemoval(ThreadCache cache) {
            table.remove(cache);
            registry.retire(cache.heap);
            cache.close();
        }
    };
    private final ThreadCacheTable table = new ThreadCacheTable(caches);
    /** Where virtual threads allocate: a few locked caches instead of one per thread. */
    private final SharedCaches shared;
    /** Event loops this allocator may ask to look at their heaps (watchEventLoops). */
    private final WatchedEventLoops watchedLoops = new WatchedEventLoops();

    HakmemByteBufAllocator(HakmemConfig config) {
        this(config, new OsMemory(config.maxMappedBytes()));
    }

    /** For tests that give the allocator an OS gate with injected failures. */
    HakmemByteBufAllocator(HakmemConfig config, OsMemory os) {
        super(config.preferDirect());
        this.config = config;
        this.policy = config.policy();
        this.os = os;
        this.pool = new SuperslabPool(os, policy, config.keptHugeBytes(os.maxMappedBytes()));
        this.registry = new HeapRegistry(pool, policy, () -> table.removeDead(), this::releaseFreeLanes);
        this.shared = new SharedCaches(registry, Runtime.getRuntime().availableProcessors());
        this.metric = new HakmemAllocatorMetric(this);
        if (policy.purgeIntervalNanos() > 0) {
            BackgroundPurger.schedule(this, policy.purgeIntervalNanos());
        }
        if (config.osStatsAtExit()) {
            OsStatsAtExit.register(this);
        }
    }

    /**
     * At the mapping cap: the lanes whose lock is free give back their empty spans (ThreadHeap.makeRoom).
     * A method, not a lambda over shared: the registry is built before shared is assigned, and a
     * lambda may not read a final field that is not definitely assigned yet.
     */
    private void releaseFreeLanes() {
        shared.releaseFreeLanes();
    }

    /**
     * Builds {@link #DEFAULT}. A failure is logged as well as thrown: an application that catches the
     * first error, or logs only e.toString() of a later one, would otherwise never see which setting
     * is at fault.
     */
    private static HakmemByteBufAllocator buildDefault() {
        try {
            return builder().build();
        } catch (RuntimeException | LinkageError e) {
            InternalLoggerFactory.getInstance(HakmemByteBufAllocator.class).error(
                    "HakmemByteBufAllocator.DEFAULT could not be built, so the class cannot be used: every "
                            + "later use throws NoClassDefFoundError. The cause: {}", e.toString(), e);
            throw e;
        }
    }

    /**
     * Starts the settings of a new allocator. Options left unset fall back to system properties, then
     * environment variables, then defaults (see {@link HakmemConfig.Builder}). As the first use of this
     * class, it also builds {@link #DEFAULT}, which fails if a system property or environment variable
     * of netty-hakmem is invalid or its name is mistyped (see {@link HakmemConfig.Builder}).
     *
     * @return a new builder; each {@link HakmemConfig.Builder#build()} makes a new, independent allocator
     */
    public static HakmemConfig.Builder builder() {
        return new HakmemConfig.Builder();
    }

    /**
     * Returns the settings this allocator was built with, as resolved from the builder, system
     * properties, environment variables and defaults.
     *
     * @return the settings (immutable)
     */
    public HakmemConfig config() {
        return config;
    }

    /**
     * Creates a direct buffer, after Netty's {@code directBuffer} methods have checked the capacities.
     * A capacity of up to 1 MiB takes a slot of the smallest size class that holds it, from the calling
     * thread's heap (a virtual thread's: from a shared heap, under its lock); a larger one maps a block
     * of its own. A released buffer object is reused where there is one, and the buffer is wrapped for
     * Netty's leak detector as Netty's own allocators do.
     *
     * @param initialCapacity the capacity, in bytes
     * @param maxCapacity the most the buffer may grow to, in bytes
     * @return a new direct buffer with a reference count of 1
     * @throws OutOfMemoryError if the cap on mapped bytes ({@link HakmemConfig#maxMappedBytes()}) leaves
     *         no room even after the calling thread made room (the message names the cap and the bytes
     *         mapped now), or if the kernel refuses a mapping
     */
    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        ThreadCache cache = table.get();
        if (cache == null) {
            return newSharedDirectBuffer(initialCapacity, maxCapacity);
        }
        return newDirectBuffer(cache, initialCapacity, maxCapacity);
    }

    /** A virtual thread's newDirectBuffer: all of it under a lane's lock (the lane's cache is shared). */
    private ByteBuf newSharedDirectBuffer(int initialCapacity, int maxCapacity) {
        SharedCaches.Lane lane = shared.lock(Thread.currentThread());
        try {
            lane.countAllocation();
            return newDirectBuffer(lane.cache, initialCapacity, maxCapacity);
        } finally {
            lane.unlock();
        }
    }

    /**
     * A new buffer from cache's heap (the caller owns it, or holds its lane's lock), handed to Netty's
     * leak detector. A slot's buffer is the object bound to the slot (HakmemDirectByteBuf's banner); a
     * buffer the detector chose to watch comes back wrapped, and leaves its span's array until it is
     * released, so that one its user drops can be collected and reported.
     */
    private ByteBuf newDirectBuffer(ThreadCache cache, int initialCapacity, int maxCapacity) {
        HakmemDirectByteBuf buf;
        if (initialCapacity <= SizeClasses.MAX_SIZE) {
            Slab span = cache.heap.spanWithFreeSlot(SizeClasses.classOf(initialCapacity));
            buf = boundBuffer(span, span.pop());
        } else {
            buf = new HakmemDirectByteBuf(this);
            buf.attach(cache.heap.mapHuge(initialCapacity));
        }
        buf.reset(initialCapacity, maxCapacity);
        ByteBuf out = toLeakAwareBuffer(buf);
        if (out != buf) {
            buf.watch();
        }
        return out;
    }

    /** The object bound to slot of span (just popped): the one in the array, or a new one. */
    private HakmemDirectByteBuf boundBuffer(Slab span, int slot) {
        Object o = span.buffers[slot];
        if (o != null) {
            HakmemDirectByteBuf b = (HakmemDirectByteBuf) o;
            if (!b.boundTo(span)) {
                b.bind(span, slot); // left by a released span of the class (SuperslabPool.newDescriptor)
            }
            return b;
        }
        return bindNewBuffer(span, slot);
    }

    /** A new object for the slot's first allocation; the slot goes back if the object cannot be made. */
    private HakmemDirectByteBuf bindNewBuffer(Slab span, int slot) {
        HakmemDirectByteBuf b;
        try {
            b = new HakmemDirectByteBuf(this);
        } catch (Throwable t) { // OutOfMemoryError: the slot would be lost with the object
            ThreadHeap.free(span, slot);
            throw t;
        }
        b.bind(span, slot);
        span.buffers[slot] = b;
        return b;
    }

    /**
     * Creates a heap buffer: Netty's {@code UnpooledHeapByteBuf}, whose array is counted in
     * {@link HakmemAllocatorMetric#usedHeapMemory()}. A platform thread that has allocated from this
     * allocator and releases a heap buffer keeps up to 4 of its recent arrays (at most 4 MiB in all) for
     * its next heap buffers of the same length; a thread that only releases drops the array.
     *
     * @param initialCapacity the capacity, in bytes
     * @param maxCapacity the most the buffer may grow to, in bytes
     * @return a new heap buffer, wrapped for Netty's leak detector
     */
    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return toLeakAwareBuffer(new HakmemHeapByteBuf(this, initialCapacity, maxCapacity));
    }

    // ---- buffer() and compositeBuffer(): preferDirect as configured ----
    //
    // AbstractByteBufAllocator turns preferDirect off where Netty cannot free JDK direct buffers
    // reliably (JDK 17 with -Dio.netty.noUnsafe=true): a reason that does not hold here, since our
    // direct buffers live in memory this allocator maps and unmaps itself. So these follow
    // config().preferDirect() alone, as the README's configuration table says.

    /**
     * Returns a direct buffer if {@link HakmemConfig#preferDirect()} (the default), else a heap buffer.
     *
     * @return a new buffer with a reference count of 1
     */
    @Override
    public ByteBuf buffer() {
        return config.preferDirect() ? directBuffer() : heapBuffer();
    }

    /**
     * As {@link #buffer()}, with the given capacity.
     *
     * @param initialCapacity the capacity, in bytes
     * @return a new buffer with a reference count of 1
     */
    @Override
    public ByteBuf buffer(int initialCapacity) {
        return config.preferDirect() ? directBuffer(initialCapacity) : heapBuffer(initialCapacity);
    }

    /**
     * As {@link #buffer()}, with the given capacity and maximum capacity.
     *
     * @param initialCapacity the capacity, in bytes
     * @param maxCapacity the most the buffer may grow to, in bytes
     * @return a new buffer with a reference count of 1
     */
    @Override
    public ByteBuf buffer(int initialCapacity, int maxCapacity) {
        return config.preferDirect() ? directBuffer(initialCapacity, maxCapacity)
                : heapBuffer(initialCapacity, maxCapacity);
    }

    /**
     * Returns a composite direct buffer if {@link HakmemConfig#preferDirect()}, else a composite heap
     * buffer.
     *
     * @return a new, empty composite buffer
     */
    @Override
    public CompositeByteBuf compositeBuffer() {
        return config.preferDirect() ? compositeDirectBuffer() : compositeHeapBuffer();
    }

    /**
     * As {@link #compositeBuffer()}, holding at most {@code maxNumComponents} components.
     *
     * @param maxNumComponents the most components before they are consolidated
     * @return a new, empty composite buffer
     */
    @Override
    public CompositeByteBuf compositeBuffer(int maxNumComponents) {
        return config.preferDirect() ? compositeDirectBuffer(maxNumComponents) : compositeHeapBuffer(maxNumComponents);
    }

    /**
     * Returns true: direct buffer objects and their memory are reused after release. Netty's
     * {@code ioBuffer()} methods therefore always return direct buffers from this allocator.
     *
     * @return true
     */
    @Override
    public boolean isDirectBufferPooled() {
        return true;
    }

    /**
     * Returns what this allocator holds: Netty's metric and more (mapped, resident and committed bytes,
     * system calls). The same object on every call; each of its methods reads the current values.
     *
     * @return this allocator's metric
     */
    @Override
    public HakmemAllocatorMetric metric() {
        return metric;
    }

    /**
     * Retires the heaps of threads that have died: their empty spans go back to the allocator's pool,
     * and spans that still hold live buffers wait there for other threads to adopt them. Also releases
     * such spans that have become empty and, in LEAN with FREE or DONTNEED, the empty spans of threads
     * that have stayed idle since the allocator last looked. Makes no system call: {@link #trim()}
     * gives memory back to the kernel. The allocator also does this on its own from time to time.
     * Callable from any thread.
     */
    public void reapDeadThreads() {
        registry.reapDead();
    }

    /**
     * Gives back to the kernel everything that can be given back now, in either profile: the calling
     * thread's empty spans, dead threads' memory, every empty superslab (unmapped), the mappings of
     * released buffers over 1 MiB kept for reuse (unmapped) and every other free slab (decommitted
     * with the configured mode; with OFF, only the unmapping happens). The heaps
     * virtual threads share give theirs back now, and so, in LEAN with FREE or DONTNEED, do idle
     * threads that hold no buffer (their heaps park). Event loops this allocator watches
     * ({@link #watchEventLoops}) and that hold buffers other threads released are asked to look, as a
     * task on the loop, and give back what that frees soon after (a later trim() or, in LEAN, the
     * purger gives it to the kernel). Other live threads give back their empty spans
     * at their next refill, or within 65,536 allocations; one that idles, when it allocates again,
     * calls trim() itself or exits (a FAST thread hands its empty spans to the pool when it releases
     * its last buffer, at most once a second; LEAN with OFF keeps them). Callable from any thread, in
     * either profile; live buffers are never touched.
     *
     * @return bytes unmapped or decommitted by this call
     * @throws IllegalStateException if the kernel refuses the munmap of a kept mapping: thrown once the
     *         rest is given back and the watched loops asked; the refusal is counted
     *         ({@link HakmemAllocatorMetric#osStats()}), and the mapping stays, never handed out again
     */
    public long trim() {
        ThreadCache own = table.getIfExists();
        if (own != null) {
            own.heap.releaseEmptySpans();
            own.dropArrays();
        }
        shared.releaseEmptySpans();
        pool.requestHeapTrim();
        registry.reapDead(true);
        return purgeThenAsk(true, config.decommitMode());
    }

    /**
     * Purges, then asks watched loops to look: last, since the looks run later, and a watched group
     * that throws stops nothing. A purge that throws (a kept huge mapping's refused munmap, a JNA
     * Error) still asks them, as their memory does not depend on it; what asking throws then rides
     * along on the purge's exception.
     */
    private long purgeThenAsk(boolean force, DecommitMode mode) {
        long given;
        try {
            given = pool.purge(force, mode);
        } catch (RuntimeException | Error purgeFailed) {
            try {
                askWatchedLoopsToLook(force);
            } catch (RuntimeException | Error askFailed) {
                purgeFailed.addSuppressed(askFailed);
            }
            throw purgeFailed;
        }
        askWatchedLoopsToLook(force);
        return given;
    }

    /**
     * Lets this allocator reach the event loops of {@code group} when other threads released their
     * buffers. Only a thread itself may touch the memory its heap holds, and it learns of buffers
     * other threads released only when it allocates again: an event loop that goes idle after a burst
     * whose buffers a business thread released would keep the burst's memory (resident) for as long
     * as it idles. A watched event loop is asked to look, as a task on the loop: in LEAN by the
     * background purger, once the loop has allocated nothing over two of its rounds (the decay
     * time, at most 500 ms) and holds such buffers' memory; and by {@link #trim()}, in either profile, at once. The
     * look collects those buffers' slots and gives back the empty spans, which LEAN then gives back
     * to the kernel. {@link HakmemBootstraps#use(io.netty.bootstrap.ServerBootstrap, ByteBufAllocator)}
     * watches the bootstrap's groups that are set when it is called. Groups that shut down are
     * dropped (at the next watchEventLoops, trim() or LEAN purge round); watching a group twice has no
     * further effect. An executor that says every thread is its own ({@code ImmediateEventExecutor})
     * runs a task on the thread that submits it, so it is never asked. If a group's iterator or an
     * executor's {@code execute} throws (other than refusing while shutting down), the other loops are
     * still asked, the loop is asked again later, and the exception reaches trim()'s caller or the
     * purger's log. Callable from any thread.
     *
     * @param group the event loops (an {@code EventLoopGroup}, or any {@code EventExecutorGroup}
     *              whose executors run tasks on their own threads)
     * @return this allocator
     * @throws NullPointerException if {@code group} is null
     */
    public HakmemByteBufAllocator watchEventLoops(EventExecutorGroup group) {
        Objects.requireNonNull(group, "group: null (expected: the event loop group whose loops this allocator"
                + " may ask to look at their memory)");
        watchedLoops.add(group);
        return this;
    }

    /** The calling thread's cache, or null if it has none yet (tests). */
    ThreadCache cacheOfThisThread() {
        return table.peek();
    }

    /** Groups watched now (tests). */
    int watchedGroups() {
        return watchedLoops.size();
    }

    /** Event loops asked to look at buffers other threads released, so far (tests). */
    long ownerLooksAsked() {
        return registry.ownerLooksAsked();
    }

    /** Asks watched event loops whose heaps hold buffers other threads released to look at them. */
    private void askWatchedLoopsToLook(boolean force) {
        if (!watchedLoops.isEmptyOnceShutDownDropped()) {
            registry.askIdleOwnersToLook(watchedLoops::loopOf, force);
        }
    }

    /**
     * Purge rounds between two requests that heaps give back their empty spans, while the policy
     * allows them (LEAN: only over the budget). A request makes every busy heap drop the empty spans
     * it keeps against churn, current spans included, and cut fresh ones. Asked every round (4 times a
     * second), LEAN's mixed-ws400 reached 32-33 ops/us in JMH against 40-42 without requests; asked
     * every 16th round regardless of the budget, 60 s runs started level with FAST and settled at
     * 0.83x within 20-30 s, with or without any decommit (BENCHMARKS.md, Experiments). Heaps that go
     * idle give their spans back anyway.
     */
    static final int PURGE_ROUNDS_PER_HEAP_TRIM = 16;

    /** Purge rounds so far; only the purger thread touches it. */
    private int purgeRounds;

    /**
     * One round of the LEAN background purge (BackgroundPurger's thread). Once giving back is off (a
     * failed madvise or munmap), heaps are no longer asked for their spans: the pool would keep them
     * resident all the same, and an allocator that gives nothing back stays over its budget, so the
     * requests would cost their throughput every 16th round for good. Idle heaps' and lanes' spans
     * still go to the pool, where every thread can reuse them.
     */
    void backgroundPurge() {
        registry.reapDead();
        shared.releaseIdleLanes();
        if (++purgeRounds % PURGE_ROUNDS_PER_HEAP_TRIM == 0 && !os.givingBackDisabled()
                && policy.trimHeaps(pool.committedBytes())) {
            pool.requestHeapTrim();
        }
        purgeThenAsk(false, policy.decommitMode()); // a watched group that throws is logged by the purger
    }

    String policyName() {
        return policy.name();
    }

    // ---- called by the buffers ----

    /** True if a buffer holding this slab slot (or huge block) can take newCapacity without moving. */
    boolean fitsInPlace(int newCapacity, Slab slab, HugeBlock huge) {
        if (slab != null) {
            return newCapacity <= SizeClasses.MAX_SIZE && SizeClasses.classOf(newCapacity) == slab.sizeClass;
        }
        return newCapacity > SizeClasses.MAX_SIZE && newCapacity <= huge.size && newCapacity > huge.size / 2;
    }

    /** Points buf at fresh memory for newCapacity, from the calling thread's heap (capacity(int)). */
    void attachMemory(HakmemDirectByteBuf buf, int newCapacity) {
        ThreadCache cache = table.get();
        if (cache != null) {
            attachMemory(cache, buf, newCapacity);
        } else {
            attachShared(buf, newCapacity);
        }
    }

    /** A virtual thread's capacity(int) move: under a lane's lock, points buf at fresh memory. */
    private void attachShared(HakmemDirectByteBuf buf, int capacity) {
        SharedCaches.Lane lane = shared.lock(Thread.currentThread());
        try {
            lane.countAllocation();
            attachMemory(lane.cache, buf, capacity);
        } finally {
            lane.unlock();
        }
    }

    /** A move's new memory: a slot up to MAX_SIZE, else a mapping of its own. */
    private void attachMemory(ThreadCache cache, HakmemDirectByteBuf buf, int capacity) {
        if (capacity <= SizeClasses.MAX_SIZE) {
            Slab span = cache.heap.spanWithFreeSlot(SizeClasses.classOf(capacity));
            buf.moveToSlot(span, span.pop());
        } else {
            buf.moveToHuge(cache.heap.mapHuge(capacity));
        }
    }

    void freeSlot(Slab slab, int slot) {
        ThreadHeap.free(slab, slot);
    }

    void freeHuge(HugeBlock block) {
        pool.releaseHuge(block);
    }

    byte[] allocateHeapArray(int length) {
        ThreadCache cache = table.get();
        byte[] array = cache != null ? cache.takeArray(length) : null;
        if (array == null) {
            array = new byte[length];
        }
        // Counted once the array exists: a length the JVM refuses (OutOfMemoryError) never reaches
        // freeHeapArray, so counting it first left it in usedHeapMemory for good.
        heapBytes.add(length);
        return array;
    }

    void freeHeapArray(byte[] array) {
        heapBytes.add(-array.length);
        // peek, not get: a thread that only releases heap buffers gets no heap of its own for it.
        ThreadCache cache = table.peek();
        if (cache != null) {
            cache.offerArray(array);
        }
    }

    // ---- for the metric ----

    OsMemory os() {
        return os;
    }

    SuperslabPool pool() {
        return pool;
    }

    HeapRegistry registry() {
        return registry;
    }

    SharedCaches shared() {
        return shared;
    }

    /**
     * The live heap arrays' bytes, at least 0. LongAdder.sum() is not a snapshot: an array counted in
     * one cell and released through another, while the sum is between the two, reads as a negative
     * total; clamped as usedDirectMemory's spans are (LiveBytesTest). Exact when quiet.
     */
    long usedHeapBytes() {
        return Math.max(0, heapBytes.sum());
    }

    /**
     * Returns the allocator's settings in one line, for logs.
     *
     * @return a description of this allocator
     */
    @Override
    public String toString() {
        return "HakmemByteBufAllocator(" + config + ")";
    }
}
