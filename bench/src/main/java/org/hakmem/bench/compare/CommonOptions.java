/*
 * CommonOptions: the options every mode shares (picocli mixin), their validation, and what follows
 * from them: the preset, the rounds, the allocators, the child launcher and the results folder.
 */
package org.hakmem.bench.compare;

import org.hakmem.examples.bench.Allocators;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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

    @Option(names = "--allocators", split = ",", paramLabel = "NAME", description = "Comma-separated allocators, "
            + "from: hakmem, hakmem-lean-free, hakmem-lean-dontneed, hakmem-lean-off, pooled, adaptive, unpooled "
            + "(default depends on the mode).")
    List<String> allocators;

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
        int n = rounds != null ? rounds : defaultRounds;
        if (n < 1) {
            throw new ParameterException(spec.commandLine(), "--rounds must be at least 1, got " + n);
        }
        return n;
    }

    /** The --allocators given (each checked against Allocators.NAMES), else the mode's default. */
    List<String> allocators(List<String> defaults) {
        List<String> chosen = allocators != null ? allocators : defaults;
        for (String a : chosen) {
            requireKnownAllocator("allocator", a);
        }
        if (chosen.isEmpty() || chosen.stream().distinct().count() != chosen.size()) {
            throw new ParameterException(spec.commandLine(), "--allocators must name each allocator once: " + chosen);
        }
        return List.copyOf(chosen);
    }

    /** A usage error naming {@code what}, the bad name and the allowed ones, unless name is in Allocators.NAMES. */
    void requireKnownAllocator(String what, String name) {
        if (!Allocators.NAMES.contains(name)) {
            throw new ParameterException(spec.commandLine(),
                    "unknown " + what + " '" + name + "'; allowed: " + String.join(", ", Allocators.NAMES));
        }
    }

    /** Child JVMs: this JVM's java (or --java), ChildFlags.BASE + the mode's flags + --jvm-arg. */
    ChildLauncher launcher(List<String> modeFlags) {
        List<String> flags = new ArrayList<>(ChildFlags.BASE);
        flags.addAll(modeFlags);
        flags.addAll(jvmArgs);
        String bin = java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ChildLauncher(bin, flags, System.getProperty("java.class.path"));
    }

    ResultsDir resultsDir(String mode, Instant started) throws IOException {
        return ResultsDir.create(resultsRoot, out, mode, started);
    }
}
