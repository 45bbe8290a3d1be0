/*
 * Header: the head of every report: when, on what (JDK, CPU model, cores, kernel, commit) and how
 * (the exact child JVM command, the preset, the allocators as Java expressions), so that any
 * figure below it can be reproduced or doubted.
 */
package org.hakmem.bench.compare;

import org.hakmem.examples.bench.Allocators;
import org.hakmem.examples.bench.ChildJvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

final class Header {
    private static final long VERSION_TIMEOUT_S = 30;
    /**
     * Environment variables that change a child JVM while its command line stays the same: flags the
     * JVM or its launcher add (JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS, _JAVA_OPTIONS), netty-hakmem's own
     * settings (HAKMEM_*, read where no -D property is given), glibc malloc's (MALLOC_*,
     * GLIBC_TUNABLES: the JVM's native memory, in RSS) and preloaded libraries.
     */
    private static final Pattern CHANGES_CHILDREN = Pattern.compile(
            "JAVA_TOOL_OPTIONS|JDK_JAVA_OPTIONS|_JAVA_OPTIONS|HAKMEM_.*|MALLOC_.*|GLIBC_TUNABLES|LD_PRELOAD");
    /**
     * A system property in those JVM options whose name says it holds a secret (a key store's password,
     * a token): the report is meant to be committed, so its value is printed as "***".
     */
    private static final Pattern SECRET_PROPERTY = Pattern.compile(
            "(-D[^=\\s]*(?i:pass|secret|token|credential|auth|key)[^=\\s]*=)\\S*");

    private Header() {
    }

    static String markdown(String title, Instant started, List<String> args, Preset preset, ChildLauncher launcher,
                           List<String> allocators) {
        String example = String.join(" ", launcher.command("mixed-ws400", allocators.get(0),
                preset.childArgs("mixed-ws400")));
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(title).append("\n\n");
        sb.append("- date (UTC): ").append(started.truncatedTo(ChronoUnit.SECONDS)).append('\n');
        sb.append("- command: `bench/compare.sh ").append(String.join(" ", args)).append("`\n");
        // the children make every figure, and --java may name another JDK than this one
        sb.append("- JDK of the child JVMs: `").append(launcher.java()).append("`, `java -version`: ")
                .append(javaVersion(launcher.java())).append('\n');
        sb.append("- JDK of this tool: ").append(System.getProperty("java.vm.vendor")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        sb.append("- CPU: ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores available; kernel ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append(' ').append(System.getProperty("os.arch")).append('\n');
        sb.append("- commit: ").append(gitCommit()).append('\n');
        sb.append("- preset: ").append(preset.name()).append(" (").append(preset).append(")\n");
        sb.append("- child JVM flags (identical for every run): `").append(String.join(" ", launcher.flags()))
                .append("`\n");
        sb.append("- environment the children inherit that changes them (JVM options, netty-hakmem's settings, ")
                .append("glibc malloc, preloads): ").append(inheritedEnvironment(System.getenv())).append('\n');
        sb.append("- example child command: `").append(example).append("`\n");
        sb.append("- allocators:\n");
        for (String a : allocators) {
            sb.append("  - `").append(a).append("`: `").append(Allocators.describe(a)).append("`\n");
        }
        return sb.append('\n').toString();
    }

    /**
     * The variables of env that change a child JVM without showing in its flags, as "`NAME=value`, ...",
     * sorted; "none" if none is set. The children inherit this tool's environment. Values of -D
     * properties named like secrets are replaced by "***".
     */
    static String inheritedEnvironment(Map<String, String> env) {
        List<String> set = new TreeMap<>(env).entrySet().stream()
                .filter(e -> CHANGES_CHILDREN.matcher(e.getKey()).matches())
                .map(e -> "`" + e.getKey() + "=" + SECRET_PROPERTY.matcher(e.getValue()).replaceAll("$1***") + "`")
                .toList();
        return set.isEmpty() ? "none" : String.join(", ", set);
    }

    /** What `java -version` prints, its lines joined by "; ", or "unknown (why)". */
    static String javaVersion(String java) {
        try (ChildJvm child = new ChildJvm("java -version", List.of(java, "-version"))) {
            child.awaitExit(VERSION_TIMEOUT_S);
            return String.join("; ", child.output());
        } catch (IOException | ChildJvm.ChildFailure e) {
            return "unknown (" + e.getMessage().lines().findFirst().orElse("") + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }

    /** "model name" of /proc/cpuinfo, or "unknown". */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }

    /** The checked-out commit, with "+changes" if the tree is dirty; "unknown" outside a git checkout. */
    static String gitCommit() {
        String head = git("rev-parse", "--short", "HEAD");
        if (head == null) {
            return "unknown (not a git checkout)";
        }
        String status = git("status", "--porcelain", "--untracked-files=no");
        return status == null || status.isEmpty() ? head : head + " +uncommitted changes";
    }

    private static String git(String... args) {
        try {
            List<String> cmd = new java.util.ArrayList<>(List.of("git"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
