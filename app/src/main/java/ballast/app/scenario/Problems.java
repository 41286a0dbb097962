package ballast.app.scenario;

import com.typesafe.config.ConfigOrigin;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collects the problems of one load, each located by file and line from a HOCON origin.
 *
 * <p>Origins are not always a plain "file: line". A value given with {@code --set} comes from a
 * string ("--set: 1"); the seed override has no line; an object assembled from several sources
 * (a file and a {@code --set}, or a file and its include) gets a merged origin whose description is
 * {@code "merge of a.conf: 3,--set: 1"} and whose line is unknown. Such a merged origin is placed
 * at its component in the main file if there is one, else at its first component from a file.
 *
 * <p>The same problem reached twice (a template's bad value read for each guest using it) is kept once.
 */
final class Problems {
    static final String SET = "--set";
    static final String SEED = "--seed";
    private static final String MERGE_OF = "merge of ";
    /** "description: 12" or "description: 12-15" (a multi-line value). */
    private static final Pattern WITH_LINE = Pattern.compile("^(.*): (\\d+)(?:-\\d+)?$");
    private static final Comparator<Problem> ORDER = Comparator.comparing(Problem::file)
            .thenComparingInt(Problem::line)
            .thenComparing(Problem::path)
            .thenComparing(Problem::message);

    private final Set<Problem> found = new LinkedHashSet<>();
    private String mainFile = "";
    private String parsedPrefix = "";
    private int reports;

    /**
     * Names the main scenario file as the user gave it. When the parser was handed a different
     * spelling ({@code ./x.conf} so that relative includes of a bare {@code x.conf} work), file
     * names starting with {@code parsedPrefix} are shown without it.
     */
    void mainFile(String displayName, String parsedPrefix) {
        this.mainFile = displayName;
        this.parsedPrefix = parsedPrefix;
    }

    /** An empty collection that locates problems the same way (the same main file). */
    Problems sibling() {
        Problems p = new Problems();
        p.mainFile(mainFile, parsedPrefix);
        return p;
    }

    void add(String file, int line, String path, String message) {
        reports++;
        found.add(new Problem(file, Math.max(0, line), path, message));
    }

    /** Adds a problem located at {@code origin}. */
    void at(ConfigOrigin origin, String path, String message) {
        Location where = locate(origin);
        add(where.file(), where.line(), path, message);
    }

    /**
     * How many problems have been reported so far, counting repeats that were kept once: compare
     * two readings to tell whether anything went wrong in between.
     */
    int reports() {
        return reports;
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    /** Every problem, by file, line and path. */
    List<Problem> sorted() {
        List<Problem> list = new ArrayList<>(found);
        list.sort(ORDER);
        return list;
    }

    ScenarioException exception() {
        return new ScenarioException(sorted());
    }

    /** Where an origin points, as a user would name it. */
    Location locate(ConfigOrigin origin) {
        if (origin == null) {
            return new Location(mainFile, 0);
        }
        String description = origin.description();
        if (description.startsWith(MERGE_OF)) {
            return locateMerged(description.substring(MERGE_OF.length()));
        }
        if (origin.resource() != null) {
            return new Location(embedded(origin.resource()), origin.lineNumber());
        }
        if (origin.filename() != null) {
            return new Location(displayFile(origin.filename()), origin.lineNumber());
        }
        Location where = fromDescription(description);
        // Anything else ("empty config" for an empty file) stands for the scenario as a whole.
        // (a scenario read from a pipe is parsed from its text: its description is its name and line)
        return isCommandLine(where.file()) || where.file().equals(mainFile) ? where : new Location(mainFile, 0);
    }

    /** The display name of an embedded resource: {@code embedded:} and its file name. */
    static String embedded(String resourceName) {
        return "embedded:" + resourceName.substring(resourceName.lastIndexOf('/') + 1);
    }

    private Location locateMerged(String components) {
        Location first = null;
        for (String component : components.split(",")) {
            Location where = fromDescription(component.trim());
            if (where.file().equals(mainFile)) {
                return where;
            }
            if (first == null || isCommandLine(first.file()) && !isCommandLine(where.file())) {
                first = where;
            }
        }
        return first == null ? new Location(mainFile, 0) : first;
    }

    private Location fromDescription(String description) {
        Matcher m = WITH_LINE.matcher(description);
        String source = m.matches() ? m.group(1) : description;
        int line = m.matches() ? Integer.parseInt(m.group(2)) : 0;
        if (source.startsWith(SET)) {
            return new Location(SET, 0);
        }
        if (source.startsWith(SEED)) {
            return new Location(SEED, 0);
        }
        int at = source.indexOf(" @ ");
        if (at >= 0) {
            return new Location(embedded(source.substring(0, at)), line);
        }
        return new Location(displayFile(source), line);
    }

    /** A file name as the user would write it. */
    String displayFile(String filename) {
        if (!parsedPrefix.isEmpty() && filename.startsWith(parsedPrefix)) {
            return filename.substring(parsedPrefix.length());
        }
        return filename;
    }

    private static boolean isCommandLine(String file) {
        return file.equals(SET) || file.equals(SEED);
    }

    /** A file (or {@code --set}) and a line (0 when unknown). */
    record Location(String file, int line) {
        Location {
            line = Math.max(0, line);
        }
    }
}
