package org.hakmem.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's Java snippets (Quick start, Configuration, What you can observe) compile as written and run: each block
 * becomes the body of a method, with the imports it shows; the names it uses without showing them
 * (Netty's types, Profile, DecommitMode, and the quick start's bossGroup, workerGroup and initializer)
 * are given by the harness.
 */
class ReadmeSnippetsTest {
    private static final String HARNESS_IMPORTS = String.join("\n",
            "import io.netty.bootstrap.*;",
            "import io.netty.buffer.*;",
            "import io.netty.channel.*;",
            "import io.netty.channel.socket.nio.NioServerSocketChannel;",
            "import org.hakmem.netty.Profile;",
            "import org.hakmem.netty.os.DecommitMode;");

    /** The ```java blocks of the README, in order. */
    static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : markdown.split("\n", -1)) {
            if (block == null && line.trim().equals("```java")) {
                block = new StringBuilder();
            } else if (block != null && line.trim().equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }

    /** A class with one static method per block, taking the quick start's free variables. */
    static String source(List<String> blocks) {
        StringBuilder imports = new StringBuilder(HARNESS_IMPORTS).append('\n');
        StringBuilder methods = new StringBuilder();
        for (int i = 0; i < blocks.size(); i++) {
            methods.append("    public static void block").append(i).append("(EventLoopGroup bossGroup,"
                    + " EventLoopGroup workerGroup, ChannelHandler initializer) {\n");
            for (String line : blocks.get(i).split("\n")) {
                (line.startsWith("import ") ? imports : methods).append(line).append('\n');
            }
            methods.append("    }\n");
        }
        return imports + "public class ReadmeSnippets {\n" + methods + "}\n";
    }

    @Test
    void theReadmesJavaSnippetsCompileAsWrittenAndRun(@TempDir Path dir) throws Exception {
        // Maven runs the tests with the module (netty-hakmem) as the working directory.
        Path readme = Path.of("..", "README.md");
        assertThat(readme).as("the README, from " + Path.of("").toAbsolutePath()).isRegularFile();
        List<String> blocks = javaBlocks(Files.readString(readme, StandardCharsets.UTF_8));
        assertThat(blocks).as("the quick start's two blocks, the LEAN one and the metric one").hasSizeGreaterThanOrEqualTo(4);
        assertThat(blocks.get(0)).contains("HakmemBootstraps.use(b)");

        Path src = dir.resolve("ReadmeSnippets.java");
        Files.writeString(src, source(blocks), StandardCharsets.UTF_8);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean ok;
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            ok = javac.getTask(null, files, diagnostics, List.of("-d", dir.toString(), "-cp",
                    System.getProperty("java.class.path")), null, files.getJavaFileObjects(src.toFile())).call();
        }
        String report = diagnostics.getDiagnostics().stream().map(d -> d.getLineNumber() + ": "
                + d.getMessage(Locale.ROOT)).collect(Collectors.joining("\n")) + "\n--- source ---\n"
                + source(blocks);
        assertThat(ok).as(report).isTrue();

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ChannelHandler initializer = new ChannelInboundHandlerAdapter();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> snippets = loader.loadClass("ReadmeSnippets");
            for (int i = 0; i < blocks.size(); i++) {
                snippets.getMethod("block" + i, EventLoopGroup.class, EventLoopGroup.class, ChannelHandler.class)
                        .invoke(null, group, group, initializer);
            }
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
