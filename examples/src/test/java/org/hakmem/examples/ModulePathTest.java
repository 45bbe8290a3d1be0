package org.hakmem.examples;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import org.hakmem.examples.bench.ChildJvm;
import org.hakmem.netty.HakmemBootstraps;
import org.hakmem.netty.HakmemByteBufAllocator;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * netty-hakmem on the module path, as a modular application puts it: the jar declares a stable
 * module name (Automatic-Module-Name org.hakmem.netty), and a child JVM that loads it, Netty and JNA
 * as modules allocates, writes, reads and releases buffers (slots and a huge mapping) and sets the
 * allocator on a bootstrap. Netty's jars carry module descriptors of their own, which an automatic
 * module cannot pull in: the child adds io.netty.buffer and io.netty.transport, as an application's
 * own module-info does with its requires.
 *
 * <p>It needs the packaged jar, which the build's test command ({@code mvn verify}) has built by the
 * time this module's tests run; a build that stops at {@code test} leaves netty-hakmem's classes in a
 * directory, and the test is then skipped (reported as such).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ModulePathTest {

    static final String MODULE = "org.hakmem.netty";

    /**
     * With native access for JNA and netty-hakmem (the README's flag; on JDK 22+ buffers then reach
     * their memory through java.lang.foreign), and for JNA alone (the flag before session 25; buffers
     * then use their ByteBuffer, and the JDK has nothing to warn about either way).
     */
    @ParameterizedTest(name = "--enable-native-access={0}")
    @ValueSource(strings = {"com.sun.jna," + MODULE, "com.sun.jna"})
    void theJarDeclaresItsModuleNameAndWorksOnTheModulePath(String nativeAccess) throws Exception {
        Path jar = Path.of(HakmemByteBufAllocator.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assumeTrue(jar.toString().endsWith(".jar"), "netty-hakmem is not packaged yet (mvn verify packages it): " + jar);
        try (JarFile j = new JarFile(jar.toFile())) {
            assertThat(j.getManifest().getMainAttributes().getValue("Automatic-Module-Name")).isEqualTo(MODULE);
        }

        List<String> modulePath = new ArrayList<>();
        modulePath.add(jar.toString());
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.matches("(netty-(buffer|common|transport|resolver)|jna)-[0-9].*\\.jar")) {
                modulePath.add(entry); // what netty-hakmem needs, as automatic (Netty) or named (JNA) modules
            } else if (!entry.endsWith(".jar")) {
                classPath.add(entry); // this module's classes, for Child below (in the unnamed module)
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx64m", "--enable-native-access=" + nativeAccess,
                "--module-path", String.join(File.pathSeparator, modulePath), "--add-modules", MODULE + ",io.netty.buffer,io.netty.transport",
                "-cp", String.join(File.pathSeparator, classPath), Child.class.getName());
        try (ChildJvm child = new ChildJvm("module-path", command)) {
            child.awaitExit(90);
            assertThat(child.output()).as("the child's output").contains("MODULE " + MODULE, "USED 0", "OK");
            assertThat(child.output()).as("no warning from the JVM or JNA")
                    .noneMatch(line -> line.startsWith("WARNING"));
        }
    }

    /** Runs in the child JVM, with netty-hakmem, Netty and JNA as modules. */
    public static final class Child {
        public static void main(String[] args) {
            HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
            Module module = HakmemByteBufAllocator.class.getModule();
            System.out.println("MODULE " + (module.isNamed() ? module.getName() : "unnamed"));
            for (int size : new int[] {16, 1000, 64 << 10, 3 << 20}) { // up to a huge mapping of its own
                ByteBuf b = alloc.directBuffer(size);
                b.setByte(0, 7).setByte(size - 1, 9);
                if (!b.hasMemoryAddress() || b.getByte(0) != 7 || b.getByte(size - 1) != 9) {
                    throw new AssertionError("buffer of " + size + " bytes did not keep its bytes");
                }
                b.release();
            }
            System.out.println("USED " + alloc.metric().usedDirectMemory());
            ServerBootstrap bootstrap = HakmemBootstraps.use(new ServerBootstrap(), alloc);
            if (bootstrap.config().options().get(ChannelOption.ALLOCATOR) != alloc) {
                throw new AssertionError("the bootstrap does not use the allocator");
            }
            System.out.println("OK");
        }
    }
}
