package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import org.hakmem.netty.DiffOps.Call;
import org.hakmem.netty.DiffOps.Flag;
import org.hakmem.netty.DiffOps.Spec;
import org.hakmem.netty.DiffPeers.Thrown;

import java.io.IOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A model-based differential test of netty-hakmem's direct buffers against Netty's
 * PooledByteBufAllocator (the oracle): random sequences of calls - every primitive width and order,
 * bulk transfers with arrays, NIO buffers, other ByteBufs, streams and channels, capacity changes
 * across size classes and the 1 MiB edge, index and marker calls, searches, char sequences, NIO views,
 * derived buffers and their views, reference counts and calls after release - made on a buffer of each
 * allocator alike. After every call the two must agree: what it returned or the class of what it
 * threw, what it left in its peer, and then every buffer of the model (indexes, capacities, reference
 * counts and every byte).
 *
 * <p>Where Netty leaves the answer open, the model does not ask, and where netty-hakmem differs on
 * purpose it expects the difference (see the comments at each place):
 * <ul>
 * <li>Memory a buffer grows into holds anything, on both sides: the model fills it alike.</li>
 * <li>Growth through ensureWritable picks the new capacity from maxFastWritableBytes(), which both
 *     answer up to the end of their memory (our slot, Pooled's run), of different sizes: after such
 *     growth the oracle's capacity is set to ours.</li>
 * <li>A view reaching past its root's end (the root shrank) reads and writes whatever lies there in
 *     Netty and in Pooled: the model does not use it, except that ours, through a HakmemDerivedByteBuf,
 *     must throw IndexOutOfBoundsException there (its banner and docs/DESIGN.md).</li>
 * <li>The last release() of a retained view answers true with Pooled, with ours only if the parent's
 *     memory went with it (HakmemDerivedByteBuf's banner).</li>
 * <li>A released buffer's object goes back to its allocator's recycler: the model uses a released
 *     buffer (every call must throw IllegalReferenceCountException, as with Pooled) only until the next
 *     call that could take an object from an allocator.</li>
 * </ul>
 *
 * <p>-Dhakmem.difftest.tries=N runs N sequences; -Dhakmem.difftest.seed=random draws a new seed (jqwik
 * prints it), -Dhakmem.difftest.seed=S replays seed S (the build uses a fixed one);
 * -Dhakmem.difftest.stats=true prints how often each call answered and threw what, and what the model
 * expected to differ. Hunting: mvn -o test -pl netty-hakmem -Dtest=DifferentialBufferPropertyTest
 * -Dhakmem.difftest.tries=20000 -Dhakmem.difftest.seed=random
 */
@AddLifecycleHook(DifferentialBufferPropertyTest.TriesAndSeed.class)
class DifferentialBufferPropertyTest {
    private static final WithoutLeakTracking LEAK_TRACKING = new WithoutLeakTracking();
    /**
     * Keeps no released huge mapping: the memory a huge buffer moves from is unmapped at once, so a read
     * of it (a source over the buffer's own old memory, BufKind.SELF_VIEW) crashes instead of passing
     * on the stale bytes a kept mapping still holds.
     */
    private static final HakmemByteBufAllocator HAKMEM = HakmemByteBufAllocator.builder().keptHugeBytes(0).build();
    private static final PooledByteBufAllocator POOLED = new PooledByteBufAllocator(true);
    /** Outcomes per call name, for -Dhakmem.difftest.stats=true. */
    private static final Map<String, AtomicLong> STATS = new TreeMap<>();

    private static Path dir;
    private static DiffSide ours;
    private static DiffSide theirs;

    /** The seed of the build's runs, so that its verdict does not change from run to run. */
    static final String DEFAULT_SEED = "20261202";

    /**
     * Reads the tries and the seed from system properties (jqwik's annotation takes constants only):
     * the seed is DEFAULT_SEED unless hakmem.difftest.seed names another, or "random" (jqwik then draws
     * one and prints it with its report).
     */
    static final class TriesAndSeed implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            String tries = System.getProperty("hakmem.difftest.tries");
            if (tries != null) {
                context.attributes().setTries(Integer.parseInt(tries));
            }
            String seed = System.getProperty("hakmem.difftest.seed", DEFAULT_SEED);
            if (!seed.equals("random")) {
                context.attributes().setSeed(seed);
            }
            return property.execute();
        }

        // Registered on the class, it must reach the property method (as jqwik's own PropertyDefaults hook does).
        @Override
        public PropagationMode propagateTo() {
            return PropagationMode.ALL_DESCENDANTS;
        }

        @Override
        public boolean appliesTo(Optional<AnnotatedElement> element) {
            return element.map(e -> e instanceof Method).orElse(false);
        }
    }

    // jqwik does not run Jupiter extensions; its container hooks apply the same one (see its docs).
    @BeforeContainer
    static void setUp() throws IOException {
        LEAK_TRACKING.beforeAll(null);
        dir = Files.createTempDirectory("difftest");
        ours = new DiffSide(true, HAKMEM, dir);
        theirs = new DiffSide(false, POOLED, dir);
    }

    @AfterContainer
    static void tearDown() throws IOException {
        LEAK_TRACKING.afterAll(null);
        ours.close();
        theirs.close();
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
        if (Boolean.getBoolean("hakmem.difftest.stats")) {
            STATS.forEach((k, v) -> System.out.println(v + "\t" + k));
        }
    }

    /** One call: which (DiffOps.select), on which buffer (modulo their number), with arguments drawn from seed. */
    record Step(int op, int target, long seed) {
        @Override
        public String toString() {
            return DiffOps.select(op).name() + " on [" + target + "], seed " + seed;
        }
    }

    @Provide
    Arbitrary<Integer> capacities() {
        return Arbitraries.frequencyOf(
                Tuple.of(40, Arbitraries.integers().between(0, 128)),
                Tuple.of(25, Arbitraries.integers().between(0, 4096)),
                Tuple.of(20, Arbitraries.integers().between(4097, 70_000)),
                Tuple.of(9, Arbitraries.integers().between(70_001, 1 << 20)),
                Tuple.of(6, Arbitraries.integers().between((1 << 20) + 1, (2 << 20) + 4097)));
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, DiffOps.TOTAL_WEIGHT - 1),
                Arbitraries.integers().between(0, 63), Arbitraries.longs()).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 1500, edgeCases = EdgeCasesMode.NONE)
    void directBuffersAnswerAsPooledOnesDo(@ForAll("capacities") int capacity, @ForAll long startSeed,
                                          @ForAll("steps") List<Step> steps) throws Exception {
        long usedBefore = HAKMEM.metric().usedDirectMemory();
        ours.resetFile();
        theirs.resetFile();
        Run run = new Run();
        try {
            run.start(capacity, new DiffArgs(startSeed));
            for (Step s : steps) {
                run.step(s);
            }
            run.releaseAll();
        } catch (Throwable e) {
            run.releaseQuietly();
            throw e;
        }
        assertEquals(usedBefore, HAKMEM.metric().usedDirectMemory(), "direct memory held after every buffer was released");
    }

    /** The spec releaseAll() reports its calls under. */
    private static final Spec RELEASE_ALL = new Spec("release() at the end", 0, java.util.EnumSet.of(Flag.COUNT), null);

    private static void count(String what) {
        if (Boolean.getBoolean("hakmem.difftest.stats")) {
            STATS.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
        }
    }

    /** One sequence: the model's buffers and what has happened to them. */
    private static final class Run implements DiffOps.Model {
        private final List<DiffTwin> twins = new ArrayList<>();
        private final Deque<String> trace = new ArrayDeque<>();
        private int nextId;
        private int stepNumber;

        void start(int capacity, DiffArgs a) {
            int maxCapacity = a.percent(50) ? Integer.MAX_VALUE : capacity + (a.percent(20) ? 0 : a.below(3 << 20));
            int writer = a.below(capacity + 1);
            int reader = a.below(writer + 1);
            long seed = a.nextLong();
            twins.add(DiffTwin.root(nextId++, fresh(HAKMEM, capacity, maxCapacity, seed).setIndex(reader, writer),
                    fresh(POOLED, capacity, maxCapacity, seed).setIndex(reader, writer),
                    "directBuffer(" + capacity + ", " + maxCapacity + ")"));
            note("start: #" + (nextId - 1) + " directBuffer(" + capacity + ", " + maxCapacity + ") at " + reader + ", "
                    + writer);
        }

        private static ByteBuf fresh(io.netty.buffer.ByteBufAllocator alloc, int capacity, int maxCapacity, long seed) {
            ByteBuf b = alloc.directBuffer(capacity, maxCapacity);
            return b.setBytes(0, DiffPeers.bytes(seed, capacity)); // fresh memory holds anything: the same on both sides
        }

        @Override
        public List<DiffTwin> usable(DiffTwin except) {
            List<DiffTwin> usable = new ArrayList<>();
            for (DiffTwin t : twins) {
                if (t != except && !t.dead() && t.inBounds()) {
                    usable.add(t);
                }
            }
            return usable;
        }

        @Override
        public long fileSize() {
            try {
                return theirs.file.size();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        void step(Step step) throws Exception {
            try {
                step0(step);
            } catch (OutOfMemoryError e) {
                fail(e + ": the test asked for that much (see the last step)");
            }
        }

        private void step0(Step step) throws Exception {
            stepNumber++;
            Spec spec = DiffOps.select(step.op());
            if (twins.isEmpty()) {
                DiffArgs a = new DiffArgs(step.seed());
                start(a.size(), a);
            }
            DiffTwin t = twins.get(step.target() % twins.size());
            if (skipped(t, spec)) {
                return;
            }
            Call call = spec.maker().make(new DiffArgs(step.seed()), t, this);
            if (call.allocates) {
                // A released buffer's object may come back from the allocator: stop using released buffers.
                twins.removeIf(DiffTwin::stale);
                if (twins.isEmpty()) {
                    return; // the next step starts a new buffer
                }
                if (!twins.contains(t)) {
                    t = twins.get(step.target() % twins.size());
                    call = spec.maker().make(new DiffArgs(step.seed()), t, this);
                }
            }
            note("step " + stepNumber + ": " + t + "." + call);
            Map<DiffTwin, Integer> capacitiesBefore = rootCapacities();
            int writerBefore = t.theirs.writerIndex();
            callBoth(spec, call, t);
            afterGrowth(spec, t, capacitiesBefore, writerBefore, step.seed());
            for (DiffTwin x : twins) {
                checkState(x);
            }
            ours.trimFile();
            theirs.trimFile();
        }

        /** True (after a probe or a count) for a view the model does not call: see DiffTwin.inBounds, orphaned. */
        private boolean skipped(DiffTwin t, Spec spec) {
            if (spec.flags().contains(Flag.COUNT)) {
                return false;
            }
            if (!t.inBounds()) {
                probeOutside(t);
                return true;
            }
            if (t.orphaned()) {
                count("(skipped) a call on a view whose root was released too often");
                return true;
            }
            return false;
        }

        /** Makes the call on both sides and compares the answers; keeps what it created and the references. */
        private void callBoth(Spec spec, Call call, DiffTwin t) throws IOException {
            // A released view of a live root: Pooled's derived buffers check only the range on many paths
            // and then reach the root, so the oracle may answer (and write) where ours must refuse.
            State releasedView = t.dead() && !t.root.dead() ? new State() : null;
            boolean orphanedBefore = t.orphaned();
            Result o = run(call, t.ours, ours);
            Result th = run(call, t.theirs, theirs);
            if (t.dead() && acceptedOnAReleasedBuffer(spec, t, o, th, releasedView)) {
                return;
            }
            compare(spec, call, t, o, th, orphanedBefore);
            if (!(th.compared instanceof Thrown)) {
                t.held += call.heldChange;
            }
            // (Both the same object: Netty's shared empty buffer, from readBytes(0) say; nothing of ours.)
            if (call.creates != null && o.raw instanceof ByteBuf ob && th.raw instanceof ByteBuf tb && ob != tb) {
                register(call, t, ob, tb);
            }
        }

        /**
         * The differences a released buffer allows: ours refuses where Pooled's released derived buffer
         * reaches its live parent (the oracle is then set back to ours, which must be unchanged), or both
         * refuse with different exceptions (Pooled's check the range first), or Pooled's refuses a call
         * that touches no byte, which Netty's buffers answer after release (Flag.NO_BYTES). After such an
         * answer ours' indexes may differ from Pooled's, so that an index check of ours throws first where
         * Pooled's refuses: both throw.
         */
        private boolean acceptedOnAReleasedBuffer(Spec spec, DiffTwin t, Result o, Result th, State releasedView)
                throws IOException {
            if (Objects.equals(o.compared, th.compared)) {
                return false;
            }
            if (releasedView != null && refused(o.compared)) {
                releasedView.unchangedAndCopiedToTheOracle();
                count("(expected) a released view: ours refuses, Pooled's reaches its live parent");
                return true;
            }
            if (refused(o.compared) && threw(th.compared) && !refused(th.compared)) {
                count("(expected) " + spec.name() + " on a released buffer: ours IllegalReferenceCountException, "
                        + "Pooled " + describe(th.compared));
                return true;
            }
            if (threw(o.compared) && refused(th.compared) && (t.ours.readerIndex() != t.theirs.readerIndex()
                    || t.ours.writerIndex() != t.theirs.writerIndex())) {
                count("(expected) " + spec.name() + " on a released derived buffer whose indexes ours moved since: ours "
                        + describe(o.compared) + ", Pooled IllegalReferenceCountException");
                return true;
            }
            if (spec.flags().contains(Flag.NO_BYTES) && refused(o.compared) != refused(th.compared)) {
                count("(expected) " + spec.name() + " on a released derived buffer: "
                        + (refused(o.compared) ? "ours" : "Pooled") + " throws, the other answers");
                return true;
            }
            return false;
        }

        /** What a call did on one side: the raw result (a ByteBuf it made) and the comparable one. */
        private record Result(Object raw, Object compared) {
        }

        private static Result run(Call call, ByteBuf b, DiffSide side) {
            try {
                Object raw = call.action.run(b, side);
                return new Result(raw, normalize(raw, b));
            } catch (VirtualMachineError e) {
                throw e; // the test's own doing: no buffer call may ask for that much
            } catch (Exception | Error e) {
                return new Result(null, Thrown.of(e));
            }
        }

        /** A result in a form whose equals() compares what the caller can observe. */
        private static Object normalize(Object r, ByteBuf self) {
            if (r == null) {
                return "null";
            }
            if (r == self) {
                return "this";
            }
            if (r instanceof ByteBuf) {
                return "another ByteBuf";
            }
            if (r instanceof Float f) {
                return "float 0x" + Integer.toHexString(Float.floatToRawIntBits(f));
            }
            if (r instanceof Double d) {
                return "double 0x" + Long.toHexString(Double.doubleToRawLongBits(d));
            }
            if (r instanceof List<?> list) {
                List<Object> n = new ArrayList<>();
                for (Object x : list) {
                    n.add(normalize(x, self));
                }
                return n;
            }
            return r;
        }

        private void compare(Spec spec, Call call, DiffTwin t, Result o, Result th, boolean orphanedBefore) {
            count(spec.name() + " -> " + describe(th.compared));
            if (call.releases && t.guarded && o.compared instanceof Boolean && th.compared instanceof Boolean) {
                // Documented: ours answers true only when the parent's memory went too (HakmemDerivedByteBuf).
                // Whether it went in this call is unknown once the root was released too often before.
                boolean expected = (Boolean) th.compared && t.root.dead() && !orphanedBefore;
                if ((Boolean) o.compared != expected && !orphanedBefore) {
                    fail("release() answered " + o.compared + ", expected " + expected + " (Pooled: " + th.compared
                            + ", parent released: " + t.root.dead() + ")");
                }
                if ((Boolean) o.compared != (Boolean) th.compared) {
                    count("(expected) a retained view's last release answers false while its parent lives");
                }
                return;
            }
            if (call.readOnlyDestination && !Objects.equals(o.compared, th.compared)
                    && (refusedReadOnly(o.compared)
                        || refusedReadOnly(th.compared) && sameEffects(o.compared, th.compared))) {
                // Ours refuses to write into a read-only destination; Pooled with Unsafe (JDK 17) writes
                // through the read-only wrapper's memoryAddress(). Either may refuse a copy of zero bytes
                // or skip it unchecked (ours leaves the peer as it was, as the effects show).
                count("(expected) ours refuses a read-only destination that Pooled writes to");
                t.theirs.setIndex(t.ours.readerIndex(), t.ours.writerIndex()); // Pooled's readBytes moved on
                return;
            }
            if (call.empty && !Objects.equals(o.compared, th.compared) && sameEffects(o.compared, th.compared)
                    && (checked(o.compared) && !threw(th.compared) || threw(th.compared) && !threw(o.compared))) {
                // A call that moves no bytes, at an index out of range or on a released buffer: whether it
                // is checked differs within Netty itself (Pooled's Unsafe overrides on JDK 17 check some that
                // AbstractByteBuf and Pooled on JDK 25 return early from, and the other way round); nothing
                // moves either way. (Pooled on JDK 25 even throws UnsupportedOperationException for an
                // empty copy into some composites, asking them for NIO buffers.)
                String thrower = threw(o.compared) ? "ours" : "Pooled";
                count("(expected) " + spec.name() + ": an empty call, "
                        + describe(threw(o.compared) ? o.compared : th.compared) + " from " + thrower + " only");
                return;
            }
            if (call.emptyChannelWrite && !Objects.equals(o.compared, th.compared)
                    && Integer.valueOf(0).equals(first(o.compared)) && threw(th.compared)
                    && sameEffects(o.compared, th.compared)) {
                count("(expected) ours writes no empty buffer to a channel, Pooled does");
                return;
            }
            if (!Objects.equals(o.compared, th.compared)) {
                fail("the call answered differently:\n  ours:   " + show(o.compared) + "\n  theirs: " + show(th.compared));
            }
            if (th.compared instanceof Thrown x
                    && (x.type() == NullPointerException.class || x.type() == ClassCastException.class)) {
                fail("both threw " + x + ": a mistake of the test?");
            }
        }

        /** True if the call threw IllegalReferenceCountException (before or without touching its peer). */
        private static boolean refused(Object compared) {
            Object first = compared instanceof List<?> list ? list.get(0) : compared;
            return first instanceof Thrown x && x.type() == io.netty.util.IllegalReferenceCountException.class;
        }

        /**
         * Ours' side of the model before a call on a released view: after it, ours must be unchanged, and
         * the oracle, which may have written through its released view, is set back to it.
         */
        private final class State {
            private final Map<DiffTwin, Object> contents = new HashMap<>();
            private final List<Object> indexes = new ArrayList<>();
            private final Object file;

            State() throws IOException {
                for (DiffTwin x : twins) {
                    indexes.add(List.of(x.ours.readerIndex(), x.ours.writerIndex(), x.ours.capacity()));
                    if (x.isRoot() && !x.dead()) {
                        contents.put(x, content(x.ours));
                    }
                }
                List<Object> state = ours.fileState();
                file = List.of(state.get(0), state.get(2)); // size and bytes: opening a channel peer sets the position
            }

            void unchangedAndCopiedToTheOracle() throws IOException {
                State after = new State();
                if (!indexes.equals(after.indexes) || !contents.equals(after.contents) || !file.equals(after.file)) {
                    fail("a call on a released view threw IllegalReferenceCountException but changed something");
                }
                for (DiffTwin x : twins) {
                    if (x.isRoot() && !x.dead()) {
                        x.theirs.capacity(x.ours.capacity());
                        x.theirs.setBytes(0, ((ByteBuffer) contents.get(x)).duplicate());
                    }
                }
                for (DiffTwin x : twins) {
                    if (!x.dead() && x.inBounds()) { // (a released one's indexes are not compared)
                        x.theirs.setIndex(0, 0).setIndex(x.ours.readerIndex(), x.ours.writerIndex());
                    }
                }
                theirs.copyFileFrom(ours);
            }
        }

        private static Object first(Object compared) {
            return compared instanceof List<?> list && !list.isEmpty() ? list.get(0) : compared;
        }

        private static boolean threw(Object compared) {
            return first(compared) instanceof Thrown;
        }

        /** Threw for a bad index or a released buffer. */
        private static boolean checked(Object compared) {
            return first(compared) instanceof Thrown x && (x.type() == IndexOutOfBoundsException.class
                    || x.type() == io.netty.util.IllegalReferenceCountException.class);
        }

        private static boolean refusedReadOnly(Object compared) {
            return compared instanceof List<?> list && list.get(0) instanceof Thrown x
                    && x.type() == java.nio.ReadOnlyBufferException.class;
        }

        /** The same effects on the peer, or no peer at all. */
        private static boolean sameEffects(Object a, Object b) {
            if (a instanceof List<?> x && b instanceof List<?> y) {
                return x.size() == 2 && y.size() == 2 && Objects.equals(x.get(1), y.get(1));
            }
            return !(a instanceof List) && !(b instanceof List);
        }

        private static String describe(Object compared) {
            if (compared instanceof Thrown x) {
                return x.type().getSimpleName();
            }
            if (compared instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Thrown x) {
                return x.type().getSimpleName() + " (with effects)";
            }
            return "ok";
        }

        private static String show(Object o) {
            String s = String.valueOf(o);
            return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
        }

        private void register(Call call, DiffTwin t, ByteBuf o, ByteBuf th) {
            int id = nextId++;
            String origin = call.text + " of #" + t.id;
            DiffTwin created = call.creates == DiffTwin.Kind.ROOT ? DiffTwin.root(id, o, th, origin)
                    : DiffTwin.view(id, call.creates, o, th, t, call.createdAt, call.createdLength, origin);
            twins.add(created);
            note("  -> #" + id);
        }

        private Map<DiffTwin, Integer> rootCapacities() {
            Map<DiffTwin, Integer> capacities = new HashMap<>();
            for (DiffTwin x : twins) {
                if (x.isRoot()) {
                    capacities.put(x, x.theirs.capacity());
                }
            }
            return capacities;
        }

        /**
         * After a call that grew a root: through ensureWritable the two may have chosen different capacities
         * (each grows to the end of its memory, maxFastWritableBytes: our slot, Pooled's run), so the
         * oracle's is set to ours; and memory grown into holds anything, so what the call did not write
         * there is filled alike.
         */
        private void afterGrowth(Spec spec, DiffTwin t, Map<DiffTwin, Integer> before, int writerBefore, long seed) {
            for (Map.Entry<DiffTwin, Integer> e : before.entrySet()) {
                DiffTwin r = e.getKey();
                int was = e.getValue();
                int now = r.ours.capacity();
                if (now != was) {
                    count("(coverage) capacity " + zone(was) + " -> " + zone(now));
                }
                if (now != r.theirs.capacity()) {
                    boolean bothGrew = now > was && r.theirs.capacity() > was;
                    if (!spec.flags().contains(Flag.GROWS) || !bothGrew || now > r.ours.maxCapacity()) {
                        fail("capacity of " + r + ": ours " + now + ", theirs " + r.theirs.capacity()
                                + " (was " + was + ")");
                    }
                    r.theirs.capacity(now);
                    count("(expected) growth to another capacity than Pooled's");
                }
                if (now > was && !r.dead()) {
                    boolean wroteHere = t.root == r && t.adjust == 0;
                    int writtenFrom = wroteHere ? Math.max(was, writerBefore) : now;
                    int writtenTo = wroteHere ? Math.max(writtenFrom, Math.min(now, t.theirs.writerIndex())) : now;
                    fillAlike(r, was, writtenFrom, seed);
                    fillAlike(r, writtenTo, now, seed + 1);
                }
            }
        }

        private static String zone(int capacity) {
            return capacity > DiffArgs.MIB ? "huge mapping" : "slot";
        }

        private static void fillAlike(DiffTwin r, int from, int to, long seed) {
            if (to > from) {
                byte[] bytes = DiffPeers.bytes(seed, to - from);
                r.ours.setBytes(from, bytes);
                r.theirs.setBytes(from, bytes);
            }
        }

        /** Every observable part of a buffer of the model, compared. */
        private void checkState(DiffTwin x) {
            ByteBuf o = x.ours;
            ByteBuf th = x.theirs;
            same(x, "refCnt", o.refCnt(), th.refCnt());
            if (x.dead()) {
                // Released: every access to the bytes throws. (Pooled's released derived buffers throw even
                // for capacity() and refuse index changes that ours makes: see Flag.NO_BYTES.)
                if (!refused(content(o))) {
                    fail("the bytes of released " + x + " could be read: " + show(content(o)));
                }
                return;
            }
            same(x, "readerIndex", o.readerIndex(), th.readerIndex());
            same(x, "writerIndex", o.writerIndex(), th.writerIndex());
            same(x, "maxCapacity", o.maxCapacity(), th.maxCapacity());
            if (!x.inBounds() || x.orphaned()) {
                return; // Netty leaves such a view's capacity and bytes open (see the class comment)
            }
            same(x, "capacity", o.capacity(), th.capacity());
            same(x, "isReadable", o.isReadable(), th.isReadable());
            same(x, "isWritable", o.isWritable(), th.isWritable());
            Object ob = content(o);
            Object tb = content(th);
            if (!Objects.equals(ob, tb)) {
                fail("bytes of " + x + " differ" + firstDifference(ob, tb));
            }
        }

        private static Object content(ByteBuf b) {
            try {
                byte[] bytes = new byte[b.capacity()];
                b.getBytes(0, bytes);
                return ByteBuffer.wrap(bytes);
            } catch (Exception e) {
                return Thrown.of(e);
            }
        }

        private static String firstDifference(Object a, Object b) {
            if (a instanceof ByteBuffer x && b instanceof ByteBuffer y) {
                int i = x.mismatch(y);
                return " from index " + i + ": ours " + (i < x.limit() ? x.get(i) : "end")
                        + ", theirs " + (i < y.limit() ? y.get(i) : "end");
            }
            return ": ours " + a + ", theirs " + b;
        }

        private void same(DiffTwin x, String what, Object o, Object th) {
            if (!Objects.equals(o, th)) {
                fail(what + " of " + x + ": ours " + o + ", theirs " + th);
            }
        }

        /**
         * A view that reaches past its root's end. Ours through a HakmemDerivedByteBuf must throw there
         * rather than reach the memory of whichever buffer follows its root's; Netty's own views and
         * Pooled's do not check, so the oracle is not asked.
         */
        private void probeOutside(DiffTwin t) {
            if (!t.guarded || t.stale()) {
                count("(skipped) a call on a view past its root's end");
                return;
            }
            note("step " + stepNumber + ": " + t + " reaches past its root's end: ours must throw there");
            ByteBuf b = t.ours;
            int past = t.firstIndexPastRoot();
            if (past < b.capacity()) {
                expectOutOfBounds(t, "getByte(" + past + ")", () -> b.getByte(past));
                expectOutOfBounds(t, "getBytes(0, byte[" + b.capacity() + "])", () -> b.getBytes(0, new byte[b.capacity()]));
                if (!t.readOnly) {
                    expectOutOfBounds(t, "setByte(" + past + ", 1)", () -> b.setByte(past, 1));
                }
            }
            if (b.readerIndex() <= past && past < b.writerIndex()) {
                // skipBytes, not readerIndex(int): the indexes may lie past the capacity, which that checks
                int skip = past - b.readerIndex();
                b.skipBytes(skip);
                t.theirs.skipBytes(skip);
                expectOutOfBounds(t, "readByte() at " + past, b::readByte);
            }
            if (!t.readOnly && t.fixedLength >= 0) {
                expectOutOfBounds(t, "memoryAddress()", b::memoryAddress);
            }
            count("(expected) a guarded view past its root's end throws");
        }

        private void expectOutOfBounds(DiffTwin t, String call, Runnable r) {
            try {
                r.run();
            } catch (IndexOutOfBoundsException expected) {
                return;
            } catch (RuntimeException e) {
                fail(t + "." + call + " past its root's end threw " + e + ", not IndexOutOfBoundsException");
            }
            fail(t + "." + call + " past its root's end did not throw");
        }

        /** Releases what the model still holds, the views first, comparing each answer. */
        void releaseAll() {
            note("release everything");
            Call release = new Call("release()", (b, s) -> b.release());
            release.releases = true;
            for (int i = twins.size() - 1; i >= 0; i--) {
                DiffTwin x = twins.get(i);
                for (; x.held > 0 && x.theirs.refCnt() > 0; x.held--) {
                    boolean orphanedBefore = x.orphaned();
                    Result th = run(release, x.theirs, theirs);
                    Result o = run(release, x.ours, ours);
                    compare(RELEASE_ALL, release, x, o, th, orphanedBefore);
                    same(x, "refCnt after release()", x.ours.refCnt(), x.theirs.refCnt());
                }
            }
        }

        /** After a failure: gives everything back without checking, so that the next run starts clean. */
        void releaseQuietly() {
            for (DiffTwin x : twins) {
                for (ByteBuf b : new ByteBuf[] {x.ours, x.theirs}) {
                    for (int n = 0; n < 1000 && b.refCnt() > 0; n++) {
                        try {
                            b.release();
                        } catch (RuntimeException ignored) {
                            break;
                        }
                    }
                }
            }
        }

        private void note(String line) {
            trace.addLast(line);
            if (trace.size() > 60) {
                trace.removeFirst();
            }
        }

        private void fail(String what) {
            StringBuilder sb = new StringBuilder(what).append("\n\nlast steps:\n");
            trace.forEach(line -> sb.append("  ").append(line).append('\n'));
            sb.append("buffers:\n");
            for (DiffTwin x : twins) {
                sb.append("  ").append(x).append(": ours ").append(x.ours).append(", theirs ").append(x.theirs)
                        .append(x.inBounds() ? "" : " [past its root's end]").append('\n');
            }
            throw new AssertionError(sb.toString());
        }
    }
}
