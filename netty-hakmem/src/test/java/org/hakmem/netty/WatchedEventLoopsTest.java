package org.hakmem.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.hakmem.netty.os.DecommitMode;
import org.hakmem.netty.os.FaultySyscalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An event loop allocates a burst and hands every buffer to another thread, which releases it (a
 * business executor), then the loop idles. Its heap learns of those releases only when it looks
 * (IdleProducerTest: a plain thread keeps the burst's memory while it idles). A watched event loop
 * (watchEventLoops, HakmemBootstraps.use) is asked to look, as a task on the loop: by LEAN's purger
 * once it has idled, and by trim() in either profile. The waits below are deadlines for something
 * the purger does on its own schedule, not timings: each passes as soon as the memory is back.
 */
@ExtendWith(WithoutLeakTracking.class)
@ResourceLock(WithoutLeakTracking.LEVEL)
class WatchedEventLoopsTest {
    private static final long MIB = 1 << 20;
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);

    private final List<EventLoopGroup> groups = new ArrayList<>();

    @AfterEach
    void shutDown() {
        groups.forEach(g -> g.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly());
    }

    @Test
    void leanGivesBackTheMemoryOfAnIdleWatchedLoopWhoseBuffersAnotherThreadReleased() throws Exception {
        HakmemByteBufAllocator alloc = leanAllocator();
        EventLoopGroup loop = group();
        alloc.watchEventLoops(loop);

        burstOnTheLoopReleasedHere(alloc, loop);

        long resident = awaitZero(() -> alloc.metric().residentBytes());
        assertEquals(0, resident, () -> "the idle loop's burst is still resident; " + alloc.metric());
        assertThat(alloc.ownerLooksAsked()).as("the purger asked the loop to look").isPositive();
        assertEquals(1, alloc.metric().threadHeaps(), "the loop lives on, its heap too");
    }

    @Test
    void trimFromAnotherThreadReachesAWatchedFastLoop() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(Profile.FAST)
                .maxMappedBytes(512 * MIB).build();
        EventLoopGroup loop = group();
        alloc.watchEventLoops(loop);

        burstOnTheLoopReleasedHere(alloc, loop);
        alloc.trim(); // asks the loop; the look runs on the loop, and a later trim() unmaps what it gave back

        long mapped = awaitZero(() -> {
            alloc.trim();
            return alloc.metric().mappedBytes();
        });
        assertEquals(0, mapped, () -> "the loop's spans were not given back; " + alloc.metric());
    }

    /**
     * trim() that meets a kept huge mapping whose munmap the kernel refuses throws (the refusal is
     * reported), but still asks the watched loop to look: the loop's memory has nothing to do with it.
     */
    @Test
    void trimThatMeetsARefusedMunmapOfAKeptMappingStillAsksTheWatchedLoop() throws Exception {
        FaultySyscalls faults = new FaultySyscalls();
        HakmemByteBufAllocator alloc = new HakmemByteBufAllocator(
                HakmemByteBufAllocator.builder().profile(Profile.FAST).resolve(), faults.newOsMemory(512 * MIB));
        EventLoopGroup loop = group();
        alloc.watchEventLoops(loop);
        burstOnTheLoopReleasedHere(alloc, loop);
        ByteBuf huge = alloc.directBuffer(3 << 20);
        long refused = huge.memoryAddress();
        huge.release(); // kept
        faults.beforeMunmap = address -> faults.munmapErrno = address == refused ? 22 : 0;

        assertThatThrownBy(alloc::trim).isInstanceOf(IllegalStateException.class).hasMessageContaining("errno 22");
        faults.beforeMunmap = null;
        faults.munmapErrno = 0;
        assertThat(alloc.ownerLooksAsked()).as("trim() asked the loop all the same").isPositive();
    }

    @Test
    void anUnwatchedLoopKeepsTheMemoryUntilItLooks() throws Exception {
        HakmemByteBufAllocator alloc = leanAllocator();
        EventLoopGroup loop = group();

        burstOnTheLoopReleasedHere(alloc, loop);
        Thread.sleep(300); // a dozen purge rounds
        assertEquals(4 * MIB, alloc.metric().residentBytes(), () -> "the documented limit; " + alloc.metric());
        assertEquals(0, alloc.ownerLooksAsked());

        alloc.watchEventLoops(loop); // watched from now on
        assertEquals(0, awaitZero(() -> alloc.metric().residentBytes()), () -> alloc.metric().toString());
    }

    @Test
    void theBootstrapHelperWatchesTheGroupsAlreadySet() {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        EventLoopGroup boss = group();
        EventLoopGroup workers = group();
        HakmemBootstraps.use(new ServerBootstrap().group(boss, workers), alloc);
        assertEquals(2, alloc.watchedGroups());
        HakmemBootstraps.use(new Bootstrap().group(workers), alloc);
        assertEquals(2, alloc.watchedGroups(), "a group watched twice counts once");

        HakmemByteBufAllocator other = HakmemByteBufAllocator.builder().build();
        HakmemBootstraps.use(new ServerBootstrap(), other);
        HakmemBootstraps.use(new Bootstrap(), other);
        assertEquals(0, other.watchedGroups(), "no group set yet: nothing to watch, and no error");
        HakmemBootstraps.use(new ServerBootstrap().group(boss, workers), PooledByteBufAllocator.DEFAULT);
    }

    @Test
    void aNullGroupIsRefusedAndAShutDownGroupIsDropped() {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        assertThatThrownBy(() -> alloc.watchEventLoops(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("group: null");
        EventLoopGroup down = new DefaultEventLoopGroup(1);
        down.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        alloc.watchEventLoops(down);
        assertEquals(0, alloc.watchedGroups(), "a group already shut down is not watched");

        EventLoopGroup later = group();
        alloc.watchEventLoops(later);
        later.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        assertEquals(1, alloc.watchedGroups());
        alloc.trim(); // asks watched loops: first drops the groups that shut down
        assertEquals(0, alloc.watchedGroups(), "a group that shut down is no longer watched");
    }

    @Test
    void aGroupWhoseExecutorClaimsEveryThreadDoesNotHideTheLoopThatRunsTheHeap() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(Profile.FAST)
                .maxMappedBytes(512 * MIB).build();
        EventLoopGroup loop = group();
        alloc.watchEventLoops(ImmediateEventExecutor.INSTANCE); // inEventLoop(thread) is true for every thread
        alloc.watchEventLoops(loop);

        burstOnTheLoopReleasedHere(alloc, loop);
        long mapped = awaitZero(() -> {
            alloc.trim();
            return alloc.metric().mappedBytes();
        });
        assertEquals(0, mapped, () -> "the look went to the immediate executor, not the loop; " + alloc.metric());
    }

    @Test
    void aFastAllocatorDropsGroupsThatShutDownWhenItWatchesAnother() {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().profile(Profile.FAST).build();
        EventLoopGroup first = group();
        alloc.watchEventLoops(first);
        first.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        alloc.watchEventLoops(group()); // FAST has no purger, and nobody calls trim()
        assertEquals(1, alloc.watchedGroups(), "the group that shut down is no longer held");
    }

    @Test
    void aWatchedGroupThatThrowsNeitherStopsThePurgerNorKeepsTheLoopFromBeingAskedOnceItBehaves()
            throws Exception {
        HakmemByteBufAllocator alloc = leanAllocator();
        AtomicBoolean misbehaving = new AtomicBoolean(true);
        EventLoopGroup broken = new DefaultEventLoopGroup(1) {
            @Override
            public Iterator<EventExecutor> iterator() {
                if (misbehaving.get()) {
                    throw new UnsupportedOperationException("a group whose iterator misbehaves");
                }
                return super.iterator();
            }
        };
        groups.add(broken);
        EventLoopGroup loop = group();
        alloc.watchEventLoops(broken).watchEventLoops(loop);
        burstOnTheLoopReleasedHere(alloc, loop); // a heap with remote frees: the purger looks for its loop

        ByteBuf own = alloc.directBuffer(1 << 20, 1 << 20); // this thread's, released here: its heap parks
        own.setZero(0, own.capacity());
        own.release();
        long resident = awaitBelow(4 * MIB + 1, () -> alloc.metric().residentBytes());
        assertEquals(4 * MIB, resident, () -> "the purger's rounds stopped at the broken group; " + alloc.metric());

        misbehaving.set(false);
        resident = awaitZero(() -> alloc.metric().residentBytes());
        assertEquals(0, resident, () -> "the loop was never asked again once the group behaved; " + alloc.metric());
    }

    /** LEAN at its most eager: a 50 ms decay and a 1 MiB budget. */
    private static HakmemByteBufAllocator leanAllocator() {
        return HakmemByteBufAllocator.builder().profile(Profile.LEAN).leanDecommit(DecommitMode.DONTNEED)
                .leanDecayMillis(50).leanTargetMB(1).maxMappedBytes(512 * MIB).build();
    }

    private EventLoopGroup group() {
        EventLoopGroup g = new DefaultEventLoopGroup(1);
        groups.add(g);
        return g;
    }

    /** 4 MiB of 64 KiB buffers allocated on the loop (every page written), released on this thread. */
    private static void burstOnTheLoopReleasedHere(HakmemByteBufAllocator alloc, EventLoopGroup loop)
            throws Exception {
        List<ByteBuf> burst = loop.submit(() -> {
            List<ByteBuf> bufs = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                ByteBuf b = alloc.directBuffer(64 << 10, 64 << 10);
                b.setZero(0, b.capacity());
                bufs.add(b);
            }
            return bufs;
        }).get(10, TimeUnit.SECONDS);
        burst.forEach(ByteBuf::release);
        assertEquals(0, alloc.metric().usedDirectMemory(), "no live buffer is left");
        assertEquals(4 * MIB, alloc.metric().residentBytes(), () -> "the burst is resident; " + alloc.metric());
    }

    /** Polls figure until it reads below limit or the deadline passes; returns the last reading. */
    private static long awaitBelow(long limit, LongSupplier figure) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        long value = figure.getAsLong();
        while (value >= limit && System.nanoTime() < deadline) {
            Thread.sleep(10);
            value = figure.getAsLong();
        }
        return value;
    }

    /** Polls figure until it reads 0 or the deadline passes; returns the last reading. */
    private static long awaitZero(LongSupplier figure) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        long value = figure.getAsLong();
        while (value != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
            value = figure.getAsLong();
        }
        return value;
    }
}
