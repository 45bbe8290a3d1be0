/*
 * SettingNames: the system property and the environment variable of each setting, and the check that
 * no name set in the JVM or the process looks like one of them without being it.
 *
 * A mistyped name used to be ignored: -Dhakmem.ss.memlean=1, -DHAKMEM_SS_MEM_LEAN=1 (the variable's
 * name given as a property) or HAKMEM_SS_MEM_LEAN_DECOMIT=DONTNEED left the default in force, and
 * nothing said so. A name that is not one of ours is refused, at start-up as an invalid value is,
 * when
 *
 *   - it is a system property in our namespace: hakmem.ss.<anything>, or hakmem.<name> with no
 *     further dot (hakmem.<tool>.<name> is left to tools and tests, such as hakmem.stress.seconds);
 *   - or, property or variable, it is within two edits of one of ours once case, dots, dashes and
 *     underscores are ignored.
 *
 * Other HAKMEM_ variables are left alone: the C allocator this library is named after reads its own,
 * and a process may carry them.
 */
package org.hakmem.netty;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

final class SettingNames {
    /** One setting's system property and environment variable. */
    record Names(String property, String variable) {
    }

    static final Names PROFILE = new Names("hakmem.ss.memLean", "HAKMEM_SS_MEM_LEAN");
    static final Names LEAN_TARGET = new Names("hakmem.ss.memLeanTargetMB", "HAKMEM_SS_MEM_LEAN_TARGET_MB");
    static final Names DECOMMIT = new Names("hakmem.ss.memLeanDecommit", "HAKMEM_SS_MEM_LEAN_DECOMMIT");
    static final Names DECAY = new Names("hakmem.ss.memLeanDecayMs", "HAKMEM_SS_MEM_LEAN_DECAY_MS");
    static final Names OS_STATS = new Names("hakmem.ss.osStats", "HAKMEM_SS_OS_STATS");
    static final Names MAX_MAPPED = new Names("hakmem.maxMappedMB", "HAKMEM_MAX_MAPPED_MB");
    static final Names PREFER_DIRECT = new Names("hakmem.preferDirect", "HAKMEM_PREFER_DIRECT");
    static final Names KEPT_HUGE = new Names("hakmem.keptHugeMB", "HAKMEM_KEPT_HUGE_MB");

    static final List<Names> ALL = List.of(PROFILE, LEAN_TARGET, DECOMMIT, DECAY, OS_STATS, MAX_MAPPED,
            PREFER_DIRECT, KEPT_HUGE);

    /** Edits (insertions, deletions, substitutions) within which a name counts as a typo of ours. */
    private static final int MAX_EDITS = 2;

    private SettingNames() {
    }

    /**
     * Throws an IllegalArgumentException naming the first name (in sorted order) that looks like one
     * of ours without being it, its value, the name it probably meant (if one is within MAX_EDITS), and
     * the names we read.
     */
    static void rejectLookalikes(Map<String, String> properties, Map<String, String> environment) {
        rejectLookalikes("system property", properties, Names::property, SettingNames::inOurNamespace);
        rejectLookalikes("environment variable", environment, Names::variable, name -> false);
    }

    /**
     * The check for one kind of name: of a setting, nameOf gives the name of this kind; a name that is
     * none of them is refused if it is a typo of one, or if alwaysOurs says so.
     */
    private static void rejectLookalikes(String kind, Map<String, String> names, Function<Names, String> nameOf,
                                         Predicate<String> alwaysOurs) {
        for (Map.Entry<String, String> e : new TreeMap<>(names).entrySet()) {
            String key = e.getKey();
            if (ALL.stream().noneMatch(n -> nameOf.apply(n).equals(key))) {
                Names meant = closest(key);
                if (meant != null || alwaysOurs.test(key)) {
                    throw unknown(kind, key, e.getValue(), meant == null ? null : nameOf.apply(meant),
                            ALL.stream().map(nameOf));
                }
            }
        }
    }

    private static boolean inOurNamespace(String property) {
        return property.startsWith("hakmem.ss.")
                || property.startsWith("hakmem.") && property.indexOf('.', "hakmem.".length()) < 0;
    }

    private static IllegalArgumentException unknown(String kind, String key, String value, String meant,
                                                    Stream<String> ours) {
        return new IllegalArgumentException("netty-hakmem: unknown " + kind + " " + key + "='" + value + "' ("
                + (meant != null ? "did you mean " + meant + "? " : "") + "expected one of: "
                + ours.collect(Collectors.joining(", ")) + "; rename or remove it)");
    }

    /** The setting whose name is within MAX_EDITS of this one, ignoring case and separators; or null. */
    private static Names closest(String name) {
        String n = normalized(name);
        Names best = null;
        int bestEdits = MAX_EDITS + 1;
        for (Names s : ALL) {
            int edits = edits(n, normalized(s.property()));
            if (edits < bestEdits) {
                best = s;
                bestEdits = edits;
            }
        }
        return best;
    }

    private static String normalized(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /** Levenshtein distance: the insertions, deletions and substitutions that turn a into b. */
    static int edits(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
