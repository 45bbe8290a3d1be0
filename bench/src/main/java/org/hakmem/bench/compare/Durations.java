/*
 * Durations: picocli converter for --duration and --epoch: "300" (seconds), "300s", "500ms", "5m", "1h";
 * at most a week (Cli.MAX_RUN_SECONDS).
 */
package org.hakmem.bench.compare;

import org.hakmem.examples.bench.Cli;
import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class Durations implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern FORM = Pattern.compile("(\\d+)(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        Matcher m = FORM.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + value
                    + "' is not a duration; expected a whole number with an optional unit: 300, 300s, 500ms, 5m, 1h");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        try {
            Duration d = of(Long.parseLong(m.group(1)), unit);
            if (d.toSeconds() <= Cli.MAX_RUN_SECONDS) {
                return d;
            }
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            // reported below, as any duration over the limit is
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is too long; expected at most "
                + Cli.MAX_RUN_SECONDS + "s (a week)");
    }

    private static Duration of(long n, String unit) {
        switch (unit) {
            case "ms":
                return Duration.ofMillis(n);
            case "m":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            default:
                return Duration.ofSeconds(n);
        }
    }
}
