package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference count of RefCountedByteBuf: Netty's contract (counts, exceptions, the count left
 * untouched by a bad call), and the claim of its banner that shared references released on many
 * threads at once deallocate exactly once.
 */
class RefCountTest {

    private final HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();

    @Test
    void countsFollowRetainAndRelease() {
        ByteBuf b = alloc.directBuffer(64);
        assertEquals(1, b.refCnt());
        b.retain();
        b.retain(3);
        assertEquals(5, b.refCnt());
        assertFalse(b.release());
        assertFalse(b.release(2));
        assertEquals(2, b.refCnt());
        assertTrue(b.release(2));
        assertEquals(0, b.refCnt());
        assertEquals(0, alloc.metric().usedDirectMemory());
    }

    @Test
    void badCallsThrowNamingTheCountAndLeaveItAlone() {
        ByteBuf b = alloc.directBuffer(64);
        b.retain();
        IllegalReferenceCountException tooMany = assertThrows(IllegalReferenceCountException.class, () -> b.release(3));
        assertThat(tooMany.getMessage()).contains("refCnt: 2").contains("decrement: 3");
        assertEquals(2, b.refCnt(), "a failed release changes nothing");
        IllegalReferenceCountException overflow =
                assertThrows(IllegalReferenceCountException.class, () -> b.retain(Integer.MAX_VALUE));
        assertThat(overflow.getMessage()).contains("refCnt: 2").contains("increment: " + Integer.MAX_VALUE);
        assertEquals(2, b.refCnt(), "a failed retain changes nothing");
        assertThrows(IllegalArgumentException.class, () -> b.retain(0));
        assertThrows(IllegalArgumentException.class, () -> b.release(-1));
        assertTrue(b.release(2));
        assertThrows(IllegalReferenceCountException.class, b::retain);
        assertThrows(IllegalReferenceCountException.class, b::release);
        assertThrows(IllegalReferenceCountException.class, () -> b.release(1));
        assertEquals(0, alloc.metric().usedDirectMemory());
    }

    @Test
    void aRecycledObjectStartsWithOneReference() {
        ByteBuf first = alloc.directBuffer(64);
        HakmemDirectByteBuf raw = AllocatorBehaviourTest.unwrap(first);
        first.retain();
        first.release(2);
        ByteBuf second = alloc.directBuffer(60); // the same class: the slot just freed, with its object
        assertTrue(AllocatorBehaviourTest.unwrap(second) == raw, "the object comes back with its slot");
        assertEquals(1, second.refCnt());
        assertTrue(second.release());
    }

    /**
     * Many threads hold one reference each and drop them at the same moment: every decrement but one
     * is a CAS that may lose and retry, exactly one thread sees the count at 1 and deallocates. A lost
     * decrement leaves the buffer alive (used memory stays up); a double deallocation frees the slot
     * twice, which the allocator shows as two later buffers at one address.
     */
    @Test
    void sharedReferencesReleasedAtOnceDeallocateExactlyOnce() throws Exception {
        int threads = 4;
        int rounds = 10_000;
        List<Thread> workers = new ArrayList<>();
        AtomicReference<ByteBuf> current = new AtomicReference<>();
        AtomicInteger lastReleases = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CyclicBarrier start = new CyclicBarrier(threads, () -> {
            ByteBuf b = current.get();
            if (b != null && b.refCnt() != 0) {
                failure.compareAndSet(null, new AssertionError("refCnt " + b.refCnt() + " after every release"));
            }
            ByteBuf next = alloc.directBuffer(128);
            next.retain(threads - 1); // one reference per worker
            current.set(next);
        });
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    for (int r = 0; r < rounds; r++) {
                        start.await();
                        if (current.get().release()) {
                            lastReleases.incrementAndGet();
                        }
                    }
                    start.await();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        assertNull(failure.get());
        assertEquals(rounds, lastReleases.get(), "exactly one last release per buffer");
        current.get().release(threads);
        assertEquals(0, alloc.metric().usedDirectMemory());
        ByteBuf x = alloc.directBuffer(128);
        ByteBuf y = alloc.directBuffer(128);
        assertTrue(x.memoryAddress() != y.memoryAddress(), "no slot was freed twice");
        x.release();
        y.release();
    }
}
