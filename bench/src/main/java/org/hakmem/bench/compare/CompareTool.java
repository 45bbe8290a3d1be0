/*
 * CompareTool: the bench module's main program, run by bench/compare.sh (docs/COMPARE.md).
 *
 *   compare.sh [compare] [options]   every workload x every allocator (the default mode)
 *   compare.sh ab [options]          FAST against LEAN: the seed's GO / NO-GO / NEUTRAL verdict
 *   compare.sh soak [options]        one long process per allocator (and round): drift, CV, ratios
 *
 * An unknown mode, allocator, workload or option prints the usage and exits 2; a session in which
 * any child run failed exits 1 after writing its report (the failures with their output in it).
 */
package org.hakmem.bench.compare;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

@Command(name = "compare.sh",
        subcommands = {CompareCommand.class, AbCommand.class, SoakCommand.class, HelpCommand.class},
        description = "Compares netty-hakmem with Netty's allocators: throughput, RSS, the FAST/LEAN A/B verdict, "
                + "soaks. Without a mode it runs `compare`. Results go to results/<UTC timestamp>-<mode>/.",
        footer = "See docs/COMPARE.md.")
public final class CompareTool implements Runnable {
    private static final Set<String> TOP_LEVEL = Set.of("-h", "--help", "help");

    @Spec
    CommandSpec spec;

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "no mode given"); // main() always adds one
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
    }

    /** Runs the tool; returns its exit code (0 ok, 1 a child run failed, 2 bad usage). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        System.setProperty("java.awt.headless", "true"); // charts are drawn off-screen, also without a display
        CommandLine cl = new CommandLine(new CompareTool());
        cl.setOut(out);
        cl.setErr(err);
        String[] a = withDefaultMode(args);
        if (!a[0].startsWith("-") && !cl.getSubcommands().containsKey(a[0])) {
            err.println("unknown mode '" + a[0] + "'; allowed: " + String.join(", ", cl.getSubcommands().keySet()));
            cl.usage(err);
            err.flush();
            return cl.getCommandSpec().exitCodeOnInvalidInput();
        }
        return cl.execute(a);
    }

    /** "compare" is the default: prepended unless the first argument is a mode or a top-level help flag. */
    static String[] withDefaultMode(String[] args) {
        if (args.length > 0 && (!args[0].startsWith("-") || TOP_LEVEL.contains(args[0]))) {
            return args;
        }
        List<String> a = new ArrayList<>(List.of("compare"));
        a.addAll(Arrays.asList(args));
        return a.toArray(new String[0]);
    }
}
