package ballast.app.scenario;

import static ballast.app.scenario.Entry.show;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.util.List;

/**
 * Reads {@code sweep { path, values }}: its shape only (a HOCON path outside {@code sweep}, and
 * between 1 and {@value #MAX_SWEEP_VALUES} values); the loader plays each value as its own
 * scenario. Keeps what it read for the loader.
 */
final class SweepReader {
    static final int MAX_SWEEP_VALUES = 1000;

    private final Problems problems;
    /** The scenario's sweep, once read: its path and its values (as written, with their origins); null if none. */
    private String sweepPath;
    private List<ConfigValue> sweepValues;

    SweepReader(Problems problems) {
        this.problems = problems;
    }

    /** Reads {@code sweep { path, values }}: its shape only; each value is tried by the loader. */
    void readSweep(Entry top) {
        if (!top.has("sweep")) {
            return;
        }
        Entry sweep = top.child("sweep");
        if (sweep.own() == null) {
            return;
        }
        int before = problems.reports();
        sweep.checkKeys(List.of("path", "values"));
        String path = sweep.string("path");
        if (!sweep.has("path")) {
            sweep.problem("path", "missing: the value to sweep, e.g. path = \"guests.linux.count\"");
        } else if (path != null) {
            try {
                List<String> parts = ConfigUtil.splitPath(path);
                if (parts.isEmpty() || parts.get(0).equals("sweep")) {
                    sweep.problemAtValue("path", "cannot sweep " + path);
                }
            } catch (ConfigException e) {
                sweep.problemAtValue("path", "not a HOCON path: " + path);
            }
        }
        Entry.Found values = sweep.find("values");
        if (values == null) {
            sweep.problem("values", "missing: the values to play, e.g. values = [1, 2, 4]");
        } else if (!(values.value() instanceof ConfigList list)) {
            sweep.problemAtValue("values", "expected a list of values such as [1, 2, 4], got " + show(values.value()));
        } else if (list.isEmpty() || list.size() > MAX_SWEEP_VALUES) {
            sweep.problemAtValue("values", "a sweep needs between 1 and " + MAX_SWEEP_VALUES + " values, got " + list.size());
        } else if (problems.reports() == before) {
            sweepPath = path;
            sweepValues = List.copyOf(list);
        }
    }

    /** The sweep's path, or null when the scenario has no (usable) sweep. */
    String sweepPath() {
        return sweepPath;
    }

    /** The sweep's values as written (each keeps its origin), or null. */
    List<ConfigValue> sweepValues() {
        return sweepValues;
    }
}
