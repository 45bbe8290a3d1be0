/*
 * Cli: the checks of command-line arguments that every tool of examples/ and bench/ shares, so that
 * each tool refuses a bad argument the same way and before it starts any work. A problem is an
 * IllegalArgumentException whose message names the option, the bad value and what is allowed:
 *
 *   --rounds '0': expected an integer >= 1
 *   --transport 'EPOLL': expected one of epoll, nio
 *   --allocators 'hakmem,hakmem': allocator 'hakmem' named twice; allowed: each of hakmem, ... at most once
 *
 * Each tool reports it in its own way (its usage and exit 2, or picocli's ParameterException, also exit 2).
 * A valid command line that the system refuses (a port taken, no server) is exitWithError's: one line, exit 1.
 */
package org.hakmem.examples.bench;

import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

public final class Cli {
    /**
     * The longest run, in seconds, that any tool accepts for a duration or warmup: a week. Much larger
     * values would overflow the tools' arithmetic (a client's watchdog adds warmup and duration up in
     * int seconds; a soak child gets its duration in milliseconds) into a negative deadline.
     */
    public static final int MAX_RUN_SECONDS = 7 * 24 * 3600;

    /** The flags that ask a tool for its usage; every tool accepts them. */
    public static final List<String> HELP = List.of("-h", "--help");

    private Cli() {
    }

    /**
     * Reads "--option value" pairs and value-less {@code flags}, in any order, into option -> value
     * ("" for a flag; a help flag maps to ""). Refuses an option that is neither a flag nor one of
     * {@code valued} (wherever it stands), a valued option without its value, and an option given twice.
     */
    public static Map<String, String> options(String[] args, List<String> flags, List<String> valued) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            boolean flag = flags.contains(option) || HELP.contains(option);
            if (!flag && !valued.contains(option)) {
                List<String> allowed = new ArrayList<>(valued);
                allowed.addAll(flags);
                allowed.addAll(HELP);
                throw new IllegalArgumentException("unknown option '" + option + "'; allowed: " + String.join(", ", allowed));
            }
            if (!flag && i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + option);
            }
            String value = flag ? "" : args[++i];
            String before = seen.put(option, value);
            if (before != null && !HELP.contains(option)) {
                throw new IllegalArgumentException(option + " given twice" + (flag ? "" : " ('" + before + "' and '"
                        + value + "')") + "; allowed: once");
            }
        }
        return seen;
    }

    /**
     * What a main does with its command line: parse(args), unless that throws IllegalArgumentException
     * (then "error: " and the message, then the usage, on stderr, and exit 2) or returns null, which asks
     * for the usage (then the usage on stdout, and exit 0).
     */
    public static <T> T parseOrExit(String[] args, Function<String[], T> parse, String usage) {
        T parsed = null;
        try {
            parsed = parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(usage);
            System.exit(2);
        }
        if (parsed == null) {
            System.out.println(usage);
            System.exit(0);
        }
        return parsed;
    }

    /**
     * What a main does when a valid command line meets a refusal from outside (a port another process
     * holds, no server at the address): "error: " and the message, which names the address and the
     * reason, on stderr, and exit 1. A stack trace would bury the one line that matters.
     */
    public static void exitWithError(String message) {
        System.err.println("error: " + message);
        System.exit(1);
    }

    /**
     * Why a network operation failed, as the exception says it ("Address already in use"). A host that
     * does not resolve is "unknown host": NIO's bind says it with an UnresolvedAddressException that
     * has no message.
     */
    public static String reason(Throwable cause) {
        if (cause instanceof UnresolvedAddressException) {
            return "unknown host";
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    /** True if {@code args} is just -h or --help, for a main whose arguments are positional. */
    public static boolean isHelp(String[] args) {
        return args.length == 1 && HELP.contains(args[0]);
    }

    /** Refuses a command line of more than {@code max} positional arguments. */
    public static void requireAtMost(String[] args, int max) {
        if (args.length > max) {
            throw new IllegalArgumentException("expected at most " + max + " arguments, got " + args.length + ": "
                    + String.join(" ", args));
        }
    }

    /** True if the arguments ask for the usage (as read by {@link #options}). */
    public static boolean wantsHelp(Map<String, String> options) {
        return HELP.stream().anyMatch(options::containsKey);
    }

    /** {@code value} as an integer from {@code min} to {@code max}, else a message naming {@code option}. */
    public static int intIn(String option, String value, int min, int max) {
        return (int) longIn(option, value, min, max);
    }

    /** {@code value} as a long integer from {@code min} to {@code max}. */
    public static long longIn(String option, String value, long min, long max) {
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException notAnInteger) {
            // reported below, as an out-of-range one is
        }
        throw invalid(option, value, integerRange(min, max));
    }

    /** {@code value} as an integer >= {@code min}. */
    public static int intAtLeast(String option, String value, int min) {
        return intIn(option, value, min, Integer.MAX_VALUE);
    }

    /** A number another parser (picocli) has read already: must lie in [min, max]. */
    public static long requireIn(String option, long n, long min, long max) {
        if (n < min || n > max) {
            throw invalid(option, String.valueOf(n), integerRange(min, max));
        }
        return n;
    }

    /** A finite number >= {@code min} (NaN and infinities are refused: no threshold compares with them). */
    public static double requireAtLeast(String option, double x, double min) {
        if (!Double.isFinite(x) || x < min) {
            throw invalid(option, String.valueOf(x), "a finite number >= " + plain(min));
        }
        return x;
    }

    /** A finite number > {@code min}. */
    public static double requireAbove(String option, double x, double min) {
        if (!Double.isFinite(x) || x <= min) {
            throw invalid(option, String.valueOf(x), "a finite number > " + plain(min));
        }
        return x;
    }

    /** {@code value} if it is one of {@code allowed} (exactly, case included). */
    public static String oneOf(String option, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw invalid(option, value, "one of " + String.join(", ", allowed));
        }
        return value;
    }

    /**
     * A comma-separated list of names, each one of {@code allowed} and each at most once, in the order
     * given; {@code what} names one element in messages ("allocator"). The message does not name the
     * option: callers add it with {@link #forOption}.
     */
    public static List<String> names(String what, String value, List<String> allowed) {
        List<String> names = list(what, value, "a comma-separated list of " + String.join(", ", allowed));
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!allowed.contains(name)) {
                throw unknown(what, name, allowed);
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException(what + " '" + name + "' named twice; allowed: each of "
                        + String.join(", ", allowed) + " at most once");
            }
        }
        return List.copyOf(names);
    }

    /**
     * The elements of a comma-separated list: none of them empty, at least one. {@code allowed} says
     * what the list may hold, for the message.
     */
    public static List<String> list(String what, String value, String allowed) {
        String[] parts = value.split(",", -1);
        if (value.replace(",", "").isBlank()) {
            throw new IllegalArgumentException("no " + what + " named; allowed: " + allowed);
        }
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("an empty " + what + " name (a comma too many); allowed: " + allowed);
            }
        }
        return List.of(parts);
    }

    /** The message for a name that is not one of {@code allowed}. */
    public static IllegalArgumentException unknown(String what, String name, List<String> allowed) {
        return new IllegalArgumentException("unknown " + what + " '" + name + "'; allowed: " + String.join(", ", allowed));
    }

    /** parser(value), its IllegalArgumentException prefixed with the option and the whole value. */
    public static <T> T forOption(String option, String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " '" + value + "': " + e.getMessage(), e);
        }
    }

    /** "OPTION 'VALUE': expected EXPECTED", the form of every value problem. */
    public static IllegalArgumentException invalid(String option, String value, String expected) {
        return new IllegalArgumentException(option + " '" + value + "': expected " + expected);
    }

    private static String integerRange(long min, long max) {
        boolean unbounded = max == Integer.MAX_VALUE || max == Long.MAX_VALUE;
        return unbounded ? "an integer >= " + min : "an integer from " + min + " to " + max;
    }

    /** 0.5 as "0.5", 1.0 as "1". */
    private static String plain(double x) {
        return x == Math.rint(x) ? String.valueOf((long) x) : String.valueOf(x);
    }
}
