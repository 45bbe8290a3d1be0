package org.hakmem.netty;

import io.netty.buffer.ByteBuf;
import org.hakmem.netty.os.DecommitMode;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The purger thread's own life, in a fresh JVM (in the test JVM other classes' LEAN allocators come
 * and go): it takes nothing from the thread that started it, ends once the last LEAN allocator is
 * gone, and starts again with the next one. Before, it ran for good with the context class loader of
 * the thread that built the first LEAN allocator: in an application server, a web application's
 * loader, kept after the application was undeployed.
 */
class PurgerThreadTest {
    private static final String PURGER = "netty-hakmem-purger";
    private static final long WAIT_MILLIS = 15_000;

    /** The child: prints one line per finding. */
    public static void main(String[] args) throws Exception {
        // JNA and Netty initialise here, on the main thread, so that nothing but the purger can take
        // the loader below.
        HakmemByteBufAllocator.builder().build().directBuffer(1).release();
        ClassLoader appLoader = new URLClassLoader(new URL[0], PurgerThreadTest.class.getClassLoader());
        WeakReference<ClassLoader> loader = new WeakReference<>(appLoader);
        AtomicReference<WeakReference<HakmemByteBufAllocator>> lean = new AtomicReference<>();
        Thread app = new Thread(() -> {
            HakmemByteBufAllocator alloc = leanAllocator();
            alloc.directBuffer(100).release();
            alloc.trim();
            lean.set(new WeakReference<>(alloc));
        }, "application");
        app.setContextClassLoader(appLoader);
        app.start();
        app.join();
        app = null;
        appLoader = null;
        System.out.println("PURGER STARTED " + purgerAlive());
        boolean gone = await(() -> {
            System.gc();
            return lean.get().get() == null && loader.get() == null && !purgerAlive();
        });
        System.out.println("GONE allocator=" + (lean.get().get() == null) + " loader=" + (loader.get() == null)
                + " purger=" + !purgerAlive() + " all=" + gone);

        HakmemByteBufAllocator next = leanAllocator();
        List<ByteBuf> burst = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            ByteBuf b = next.directBuffer(64 << 10);
            b.setZero(0, b.capacity());
            burst.add(b);
        }
        burst.forEach(ByteBuf::release);
        boolean purged = await(() -> next.metric().committedBytes() == 0);
        System.out.println("RESTARTED purger=" + purgerAlive() + " purged=" + purged);
    }

    private static HakmemByteBufAllocator leanAllocator() {
        return HakmemByteBufAllocator.builder().profile(Profile.LEAN).leanDecommit(DecommitMode.DONTNEED)
                .leanDecayMillis(20).leanTargetMB(1024).build();
    }

    private static boolean purgerAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(PURGER) && t.isAlive());
    }

    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    @Test
    void thePurgerKeepsNoLoaderEndsWithTheLastLeanAllocatorAndStartsAgainWithTheNext() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), PurgerThreadTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child exits");
        assertEquals(0, p.exitValue(), out);
        assertThat(out).contains("PURGER STARTED true")
                .as("the loader of the thread that built the first LEAN allocator is not kept, and the purger"
                        + " ends with the last LEAN allocator")
                .contains("GONE allocator=true loader=true purger=true all=true")
                .contains("RESTARTED purger=true purged=true");
    }
}
