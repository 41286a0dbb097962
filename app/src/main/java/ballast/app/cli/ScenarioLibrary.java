package ballast.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The library of scenarios, by name: the {@code *.conf} files of {@code conf/scenarios} (under
 * {@code $BALLAST_HOME}, which the launcher sets, else under the current directory; the system
 * property {@code ballast.library} names another folder), and when there is none, the scenarios
 * embedded in the jar.
 */
final class ScenarioLibrary {
    static final List<String> EMBEDDED = List.of("quickstart", "esx-sharing");

    private ScenarioLibrary() {
    }

    /** One scenario of the library: its name, its file (null when embedded) and its one-line description. */
    record Entry(String name, Path file, String description) {
    }

    /** The library's folder, or null when there is none. */
    static Path dir() {
        String property = System.getProperty("ballast.library");
        if (property != null) {
            return Files.isDirectory(Path.of(property)) ? Path.of(property) : null;
        }
        String home = System.getenv("BALLAST_HOME");
        if (home != null && Files.isDirectory(Path.of(home, "conf", "scenarios"))) {
            return Path.of(home, "conf", "scenarios");
        }
        Path here = Path.of("conf", "scenarios");
        return Files.isDirectory(here) ? here : null;
    }

    /** Whether {@code name} can only mean a library scenario: no folder, no file of that name. */
    static boolean looksLikeName(Path file) {
        return file.getParent() == null && !Files.exists(file) && file.toString().matches("[A-Za-z0-9][A-Za-z0-9._-]*");
    }

    /** The library's file of this name ({@code quickstart} or {@code quickstart.conf}), or null. */
    static Path find(String name) {
        Path dir = dir();
        if (dir == null) {
            return null;
        }
        Path file = dir.resolve(name.endsWith(".conf") ? name : name + ".conf");
        return Files.isRegularFile(file) ? file : null;
    }

    /** The embedded resource of this name, or null. */
    static String embedded(String name) {
        String base = name.endsWith(".conf") ? name.substring(0, name.length() - 5) : name;
        return EMBEDDED.contains(base) ? "ballast/scenarios/" + base + ".conf" : null;
    }

    /** Every scenario of the library, by name. */
    static List<Entry> list() throws IOException {
        List<Entry> out = new ArrayList<>();
        Path dir = dir();
        if (dir != null) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".conf")).sorted().toList()) {
                    String name = f.getFileName().toString().replaceFirst("\\.conf$", "");
                    out.add(new Entry(name, f, describe(name, Files.readString(f, StandardCharsets.UTF_8))));
                }
            }
            return out;
        }
        for (String name : EMBEDDED) {
            try (InputStream in = ScenarioLibrary.class.getClassLoader().getResourceAsStream(embedded(name))) {
                String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                out.add(new Entry(name, null, describe(name, text)));
            }
        }
        return out;
    }

    /** The scenario's first comment line, without a leading {@code NAME:}. */
    static String describe(String name, String text) {
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.startsWith("#")) {
                String d = t.replaceFirst("^#+\\s*", "");
                if (d.toLowerCase(java.util.Locale.ROOT).startsWith(name.toLowerCase(java.util.Locale.ROOT) + ":")) {
                    d = d.substring(name.length() + 1).strip();
                    d = d.isEmpty() ? d : Character.toUpperCase(d.charAt(0)) + d.substring(1);
                }
                if (!d.isEmpty()) {
                    return d;
                }
            } else if (!t.isEmpty()) {
                break;
            }
        }
        return "";
    }
}
