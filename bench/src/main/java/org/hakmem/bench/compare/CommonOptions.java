/*
 * CommonOptions: the options every mode shares (picocli mixin), their validation, and what follows
 * from them: the preset, the rounds, the allocators, the child launcher and the results folder.
 */
package org.hakmem.bench.compare;

import org.hakmem.examples.bench.Allocators;
import org.hakmem.examples.bench.Cli;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

final class CommonOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--quick", description = "Seconds-long preset (1 round, short runs): proves the mode runs; "
            + "its figures mean nothing.")
    boolean quick;

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds; each runs every allocator once per "
            + "workload, in alternation (default: 3, with --quick 1; soak: 1, each round a --duration run per "
            + "allocator).")
    Integer rounds;

    @Option(names = "--allocators", paramLabel = "NAME,...", description = "Comma-separated allocators, each at "
            + "most once, from: hakmem, hakmem-lean-free, hakmem-lean-dontneed, hakmem-lean-off, pooled, adaptive, "
            + "unpooled (default depends on the mode).")
    String allocators;

    @Option(names = "--results", paramLabel = "DIR", defaultValue = "results", description = "Folder under which "
            + "<UTC timestamp>-<mode>/ is created (default: ${DEFAULT-VALUE}).")
    Path resultsRoot;

    @Option(names = "--out", paramLabel = "DIR", description = "Write into exactly this folder instead.")
    Path out;

    @Option(names = "--java", paramLabel = "PATH", description = "java binary of the child JVMs (default: the "
            + "one running this tool).")
    String java;

    @Option(names = "--jvm-arg", paramLabel = "FLAG", description = "An extra flag for every child JVM "
            + "(repeatable), e.g. --jvm-arg=-Dhakmem.ss.memLeanDecayMs=500.")
    List<String> jvmArgs = new ArrayList<>();

    Preset preset() {
        return quick ? Preset.QUICK : Preset.FULL;
    }

    int rounds() {
        return rounds(preset().rounds());
    }

    /** --rounds if given, else the mode's own default; at least 1 either way. */
    int rounds(int defaultRounds) {
        if (rounds == null) {
            return defaultRounds;
        }
        check(() -> Cli.requireIn("--rounds", rounds, 1, Integer.MAX_VALUE));
        return rounds;
    }

    /** The --allocators given (Allocators.parseList), else the mode's default. */
    List<String> allocators(List<String> defaults) {
        return allocators != null ? check(() -> Cli.forOption("--allocators", allocators, Allocators::parseList)) : defaults;
    }

    /**
     * check.get(), its IllegalArgumentException (a bad value, named with what is allowed) turned into
     * picocli's usage error: the message, the usage and exit 2.
     */
    <T> T check(Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw usageError(e);
        }
    }

    /** A bad value (named, with what is allowed) as picocli's usage error. */
    ParameterException usageError(IllegalArgumentException badValue) {
        return new ParameterException(spec.commandLine(), badValue.getMessage(), badValue);
    }

    /**
     * Child JVMs: this JVM's java (or --java), ChildFlags.BASE + the mode's flags + --jvm-arg. A --java
     * that cannot run, or a --jvm-arg that is no flag, is a usage error here, before any child starts:
     * either would fail every run.
     */
    ChildLauncher launcher(List<String> modeFlags) {
        for (String flag : jvmArgs) {
            if (!flag.startsWith("-")) {
                throw usageError(Cli.invalid("--jvm-arg", flag, "a JVM flag, starting with '-' (e.g. -Dname=value)"));
            }
        }
        List<String> flags = new ArrayList<>(ChildFlags.BASE);
        flags.addAll(modeFlags);
        flags.addAll(jvmArgs);
        String bin = java != null ? check(() -> runnable("--java", java))
                : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ChildLauncher(bin, flags, System.getProperty("java.class.path"));
    }

    /** {@code command} if it names an executable file: a path, or a name found on PATH. */
    private static String runnable(String option, String command) {
        List<Path> candidates = new ArrayList<>();
        if (command.contains("/")) {
            candidates.add(Path.of(command));
        } else if (!command.isEmpty()) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                candidates.add(Path.of(dir.isEmpty() ? "." : dir, command));
            }
        }
        if (candidates.stream().noneMatch(p -> Files.isRegularFile(p) && Files.isExecutable(p))) {
            throw Cli.invalid(option, command, "an executable java binary (a path, or a name on PATH)");
        }
        return command;
    }

    /** The session's folder; one that cannot be created is a usage error naming --out or --results. */
    ResultsDir resultsDir(String mode, Instant started) {
        String option = out != null ? "--out" : "--results";
        Path given = out != null ? out : resultsRoot;
        if (given.toString().isEmpty()) {
            throw usageError(Cli.invalid(option, "", "a folder"));
        }
        try {
            return ResultsDir.create(resultsRoot, out, mode, started);
        } catch (IOException e) {
            throw usageError(Cli.invalid(option, given.toString(), "a folder that can be created (" + e + ")"));
        }
    }
}
