package ballast.app.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/scenarios.md documents every key of every module's reference.conf, with the default the
 * library really has. The reference files are found at test time, so a key added by any module
 * fails this test until it is documented.
 *
 * <p>The doc's tables are read under their {@code Defaults: `PREFIX`} line: a row {@code | `KEY` |
 * type | unit | `DEFAULT` | meaning |} documents {@code PREFIX.KEY}. A default written as {@code —}
 * marks a scenario-only key (no library default); a default without backticks is a description.
 */
class ScenarioDocsTest {
    private static final Path ROOT = Path.of("..");
    private static final Path DOC = ROOT.resolve("docs").resolve("scenarios.md");
    /** Objects whose children are data, not keys: documented as one key. */
    private static final Set<String> MAPS = Set.of("ballast.wire.registrations");
    private static final Pattern DEFAULTS = Pattern.compile("^Defaults: `(ballast(?:\\.[A-Za-z0-9-]+)*)`");
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\|([^|]*)\\|([^|]*)\\|([^|]*)\\|(.*)\\|\\s*$");

    /** A documented key: its default cell and where. */
    record Documented(String defaultCell, int line) {
    }

    static List<Path> referenceFiles() throws Exception {
        try (Stream<Path> files = Files.find(ROOT, 5, (p, a) -> p.endsWith(Path.of("src", "main", "resources", "reference.conf"))
                && !p.toString().contains("target"))) {
            return files.sorted().toList();
        }
    }

    /** Every key under {@code ballast} of {@code file}, with its default value. */
    static Map<String, ConfigValue> keys(Path file) {
        Config config = ConfigFactory.parseFile(file.toFile());
        Map<String, ConfigValue> out = new TreeMap<>();
        if (config.hasPath("ballast")) {
            collect("ballast", config.getObject("ballast"), out);
        }
        return out;
    }

    private static void collect(String path, ConfigObject object, Map<String, ConfigValue> out) {
        if (object.isEmpty() || MAPS.contains(path)) {
            out.put(path, object);
            return;
        }
        for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
            String child = path + "." + e.getKey();
            if (e.getValue() instanceof ConfigObject o) {
                collect(child, o, out);
            } else {
                out.put(child, e.getValue());
            }
        }
    }

    static Map<String, Documented> documented() throws Exception {
        Map<String, Documented> out = new LinkedHashMap<>();
        String prefix = null;
        List<String> lines = Files.readAllLines(DOC);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher d = DEFAULTS.matcher(line);
            if (d.find()) {
                prefix = d.group(1);
                continue;
            }
            if (line.startsWith("## ") || line.startsWith("### ")) {
                prefix = null;
                continue;
            }
            Matcher row = ROW.matcher(line);
            if (prefix != null && row.matches()) {
                out.put(prefix + "." + row.group(1), new Documented(row.group(4).trim(), i + 1));
            }
        }
        return out;
    }

    @Test
    void everyReferenceKeyIsDocumentedWithItsDefault() throws Exception {
        List<Path> files = referenceFiles();
        assertThat(files).extracting(p -> ROOT.relativize(p).getName(0).toString())
                .contains("host-node", "guest-actor", "scheduler");
        Map<String, Documented> docs = documented();
        List<String> missing = new ArrayList<>();
        List<String> wrongDefault = new ArrayList<>();
        for (Path file : files) {
            for (Map.Entry<String, ConfigValue> key : keys(file).entrySet()) {
                Documented doc = docs.get(key.getKey());
                if (doc == null) {
                    missing.add(key.getKey() + " (" + ROOT.relativize(file) + ")");
                } else if (!sameDefault(doc.defaultCell(), key.getValue())) {
                    wrongDefault.add("docs/scenarios.md:" + doc.line() + ": " + key.getKey() + " is documented with default "
                            + doc.defaultCell() + " but " + ROOT.relativize(file) + " says " + render(key.getValue()));
                }
            }
        }
        assertThat(missing).as("keys of reference.conf files missing from docs/scenarios.md").isEmpty();
        assertThat(wrongDefault).as("documented defaults that differ from reference.conf").isEmpty();
    }

    @Test
    void everyDocumentedDefaultIsALibraryKey() throws Exception {
        Map<String, ConfigValue> all = new TreeMap<>();
        for (Path file : referenceFiles()) {
            all.putAll(keys(file));
        }
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, Documented> d : documented().entrySet()) {
            if (!d.getValue().defaultCell().equals("—") && !all.containsKey(d.getKey())) {
                stale.add("docs/scenarios.md:" + d.getValue().line() + ": " + d.getKey());
            }
        }
        assertThat(stale).as("documented with a default, but no reference.conf has them").isEmpty();
    }

    @Test
    void theTestReadsTheTablesItClaimsTo() throws Exception {
        Map<String, Documented> docs = documented();
        assertThat(docs).containsKeys("ballast.host.memory", "ballast.costs.vm-exit", "ballast.guest.content.image",
                "ballast.workload-defaults.trace.path", "ballast.workload-defaults.idle", "ballast.scenario.sample-every");
        assertThat(docs.get("ballast.host.memory").defaultCell()).isEqualTo("`1GiB`");
    }

    private static boolean sameDefault(String cell, ConfigValue value) {
        if (!cell.startsWith("`") || !cell.endsWith("`")) {
            return !cell.equals("—") && !cell.isEmpty(); // a described default, e.g. for a map
        }
        String written = cell.substring(1, cell.length() - 1);
        String actual = render(value);
        if (written.equals(actual)) {
            return true;
        }
        if (value.valueType() == ConfigValueType.NUMBER) {
            try {
                return Double.parseDouble(written) == ((Number) value.unwrapped()).doubleValue();
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }

    private static String render(ConfigValue value) {
        if (value.valueType() == ConfigValueType.STRING) {
            String s = (String) value.unwrapped();
            return s.isEmpty() ? "\"\"" : s;
        }
        return value.render(ConfigRenderOptions.concise());
    }
}
