package org.hakmem.netty;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public API (README, "On the module path": the package org.hakmem.netty plus DecommitMode and
 * OsStats of org.hakmem.netty.os) is documented: the JDK's javadoc with -Xdoclint:all reports no
 * warning and no error on its source files (no comment, no @param, no @return, broken references).
 */
class ApiDocsTest {
    /** The API's source files, relative to the source directory. */
    private static final List<String> API_FILES = List.of(
            "org/hakmem/netty/HakmemByteBufAllocator.java",
            "org/hakmem/netty/HakmemConfig.java",
            "org/hakmem/netty/HakmemAllocatorMetric.java",
            "org/hakmem/netty/HakmemSizeClassMetric.java",
            "org/hakmem/netty/HakmemBootstraps.java",
            "org/hakmem/netty/Hakmem.java",
            "org/hakmem/netty/Profile.java",
            "org/hakmem/netty/os/DecommitMode.java",
            "org/hakmem/netty/os/OsStats.java");

    @Test
    void javadocWithAllDoclintChecksReportsNothingOnTheApi(@TempDir Path out) throws Exception {
        DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
        assertThat(javadoc).as("the JDK's documentation tool (ToolProvider.getSystemDocumentationTool());"
                + " this test needs a full JDK, java.home=" + System.getProperty("java.home")).isNotNull();

        // Maven runs the tests with the module (netty-hakmem) as the working directory.
        Path sources = Path.of("src", "main", "java");
        assertThat(sources.resolve(API_FILES.get(0))).as("the API sources, relative to the working directory "
                + Path.of("").toAbsolutePath()).isRegularFile();

        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter toolOutput = new StringWriter();
        boolean ok;
        try (StandardJavaFileManager files = javadoc.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(
                    API_FILES.stream().map(sources::resolve).collect(Collectors.toList()));
            List<String> options = List.of("-Xdoclint:all", "-quiet", "-encoding", "UTF-8",
                    "-d", out.toString(),
                    "-sourcepath", sources.toString(),
                    "-cp", System.getProperty("java.class.path"));
            ok = javadoc.getTask(toolOutput, files, diagnostics, null, options, units).call();
        }

        List<String> problems = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() != Diagnostic.Kind.NOTE && d.getKind() != Diagnostic.Kind.OTHER)
                .map(ApiDocsTest::describe)
                .sorted()
                .collect(Collectors.toList());
        String report = problems.size() + " warnings and errors:\n" + String.join("\n", problems)
                + "\n--- javadoc's own output ---\n" + toolOutput;
        assertThat(problems).as(report).isEmpty();
        assertThat(toolOutput.toString()).as(report).doesNotContainIgnoringCase("warning")
                .doesNotContainIgnoringCase("error");
        assertThat(ok).as(report).isTrue();
        assertThat(Files.exists(out.resolve("index.html"))).as("javadoc wrote its pages").isTrue();
    }

    private static String describe(Diagnostic<? extends JavaFileObject> d) {
        String where = d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber() + ": ";
        return where + d.getKind().toString().toLowerCase(Locale.ROOT) + ": " + d.getMessage(Locale.ROOT);
    }
}
