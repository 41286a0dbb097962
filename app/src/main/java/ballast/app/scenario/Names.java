package ballast.app.scenario;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Name helpers of the scenario reader: the canonical (natural) order of host and guest names,
 * "did you mean ...?" suggestions for misspelt keys and names, and the rule a host, guest or
 * OS profile name follows.
 */
final class Names {
    /** Natural order: runs of digits compare as numbers, so web-2 comes before web-10. */
    static final Comparator<String> NATURAL = Names::compareNatural;

    /** The farthest a known name may be from a misspelling and still be suggested. */
    private static final int MAX_SUGGESTION_DISTANCE = 2;

    /** Host and guest names end up in actor names and file names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private Names() {
    }

    /** Reports at {@code name} of {@code parent} a name (of a {@code what}) that is not usable. */
    static void checkName(Entry parent, String name, String what) {
        if (!NAME.matcher(name).matches()) {
            String article = "AEIOUaeiou".indexOf(what.charAt(0)) >= 0 ? "an " : "a ";
            parent.problemAtValue(name, article + what + " name may hold only letters, digits, '-', '_' and '.',"
                    + " and starts with a letter or a digit");
        }
    }

    /** Whether {@code name} is a plain name: letters, digits, '-', '_' and '.', starting with a letter or a digit. */
    static boolean isPlain(String name) {
        return NAME.matcher(name).matches();
    }

    /** {@code names} in natural order. */
    static List<String> sorted(Set<String> names) {
        List<String> list = new ArrayList<>(names);
        list.sort(NATURAL);
        return list;
    }

    /** "; WHAT: a, b, c" (the names a user may choose from), or "; there are no WHAT". */
    static String known(String what, Set<String> names) {
        return names.isEmpty() ? "; there are no " + what : "; " + what + ": " + String.join(", ", sorted(names));
    }

    static int compareNatural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (isDigit(ca) && isDigit(cb)) {
                int endA = digitRunEnd(a, i);
                int endB = digitRunEnd(b, j);
                int byNumber = compareDigitRuns(a.substring(i, endA), b.substring(j, endB));
                if (byNumber != 0) {
                    return byNumber;
                }
                i = endA;
                j = endB;
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int byLength = Integer.compare(a.length() - i, b.length() - j);
        // Equal up to leading zeros ("web-01" and "web-1"): fall back to plain order, so the order is total.
        return byLength != 0 ? byLength : a.compareTo(b);
    }

    /**
     * The candidate closest to {@code name} (optimal string alignment distance, at most 2 and
     * less than the name's length), or null. Ties go to the candidate first in natural order.
     */
    static String closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(name, candidate);
            if (d <= MAX_SUGGESTION_DISTANCE && d < name.length()
                    && (d < bestDistance || d == bestDistance && compareNatural(candidate, best) < 0)) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /** {@code " (did you mean X?)"} when a candidate is close to {@code name}, else empty. */
    static String didYouMean(String name, Collection<String> candidates) {
        String suggestion = closest(name, candidates);
        return suggestion == null ? "" : " (did you mean " + suggestion + "?)";
    }

    /** Edit distance counting an insertion, a deletion, a substitution or a swap of neighbours as 1. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    best = Math.min(best, d[i - 2][j - 2] + 1);
                }
                d[i][j] = best;
            }
        }
        return d[a.length()][b.length()];
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int digitRunEnd(String s, int start) {
        int end = start;
        while (end < s.length() && isDigit(s.charAt(end))) {
            end++;
        }
        return end;
    }

    private static int compareDigitRuns(String x, String y) {
        String a = stripLeadingZeros(x);
        String b = stripLeadingZeros(y);
        return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }

    private static String stripLeadingZeros(String digits) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            i++;
        }
        return digits.substring(i);
    }
}
