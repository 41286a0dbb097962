package ballast.app.scenario;

import static ballast.app.scenario.Entry.show;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code sweep { path, values, vary, combine, seeds, figures }}: its shape only (HOCON paths
 * outside {@code sweep}, each with between 1 and {@value #MAX_SWEEP_VALUES} values, at most
 * {@value #MAX_SWEEP_POINTS} points and {@value #MAX_SWEEP_RUNS} runs in all); the loader plays each
 * point as its own scenario. Keeps what it read for the loader.
 */
final class SweepReader {
    static final int MAX_SWEEP_VALUES = 1000;
    static final int MAX_SWEEP_POINTS = 1000;
    static final int MAX_SEEDS = 1000;
    static final int MAX_SWEEP_RUNS = 10_000;

    /** One swept setting: its path and its values as written (each keeps its origin). */
    record Axis(String path, List<ConfigValue> values) {
    }

    private final Problems problems;
    /** The scenario's sweep, once read; null if none (or unusable). */
    private List<Axis> axes;
    private boolean zipped;
    private int seeds;
    private List<String> figures;

    SweepReader(Problems problems) {
        this.problems = problems;
    }

    /** Reads the sweep block: its shape only; each point is tried by the loader. */
    void readSweep(Entry top) {
        if (!top.has("sweep")) {
            return;
        }
        Entry sweep = top.child("sweep");
        if (sweep.own() == null) {
            return;
        }
        int before = problems.reports();
        sweep.checkKeys(List.of("path", "values", "vary", "combine", "seeds", "figures"));
        List<Axis> read = new ArrayList<>();
        if (sweep.has("path") || sweep.has("values")) {
            Axis one = axis(sweep, "path", "values");
            if (one != null) {
                read.add(one);
            }
        }
        Entry.Found vary = sweep.find("vary");
        if (vary != null) {
            if (!(vary.value() instanceof ConfigList list) || list.isEmpty()) {
                sweep.problemAtValue("vary", "expected a list of { path, values }, such as "
                        + "[{ path = guests.vm.count, values = [1, 2] }], got " + show(vary.value()));
            } else {
                for (int i = 0; i < list.size(); i++) {
                    ConfigValue v = list.get(i);
                    String at = "vary." + i;
                    if (!(v instanceof ConfigObject object)) {
                        sweep.problemAtValue("vary", "element " + i + ": expected { path, values }, got " + show(v));
                        continue;
                    }
                    Entry element = Entry.of(problems, sweep.path(at), object);
                    element.checkKeys(List.of("path", "values"));
                    Axis axis = axis(element, "path", "values");
                    if (axis != null) {
                        read.add(axis);
                    }
                }
            }
        }
        if (read.isEmpty() && problems.reports() == before) {
            sweep.problem("vary", "missing: what to sweep, e.g. path = \"guests.linux.count\", values = [1, 2, 4], "
                    + "or vary = [{ path = ..., values = [...] }, ...]");
        }
        Set<String> seen = new HashSet<>();
        for (Axis a : read) {
            if (!seen.add(a.path())) {
                sweep.problem("vary", a.path() + " is swept twice");
            }
        }
        String combine = sweep.has("combine") ? sweep.oneOf("combine", "a way to combine the swept paths",
                List.of("cross", "zip")) : "cross";
        Long seedCount = sweep.has("seeds") ? sweep.integer("seeds", 1, MAX_SEEDS) : Long.valueOf(1);
        List<String> figureNames = new ArrayList<>();
        Entry.Found figs = sweep.find("figures");
        if (figs != null) {
            if (!(figs.value() instanceof ConfigList list)) {
                sweep.problemAtValue("figures", "expected a list of figure names such as [pagesSharing], got "
                        + show(figs.value()));
            } else {
                for (ConfigValue v : list) {
                    if (v.valueType() != ConfigValueType.STRING) {
                        sweep.problemAtValue("figures", "expected figure names, got " + show(v));
                    } else if (!ballast.app.report.SweepTable.figureNames().contains((String) v.unwrapped())) {
                        sweep.problemAtValue("figures", "unknown figure " + v.unwrapped() + ": a column of sweep.csv "
                                + "such as guests.tlbMisses, swapOuts or reclaimedPercent (docs/outputs.md)");
                    } else {
                        figureNames.add((String) v.unwrapped());
                    }
                }
            }
        }
        if (problems.reports() != before || combine == null || seedCount == null) {
            return;
        }
        long points;
        if ("zip".equals(combine)) {
            int size = read.get(0).values().size();
            for (Axis a : read) {
                if (a.values().size() != size) {
                    sweep.problemAtValue("combine", "zipped paths need as many values each: " + read.get(0).path()
                            + " has " + size + ", " + a.path() + " has " + a.values().size());
                    return;
                }
            }
            points = size;
        } else {
            points = 1;
            for (Axis a : read) {
                points = Math.min(points * a.values().size(), Integer.MAX_VALUE);
            }
        }
        if (points > MAX_SWEEP_POINTS) {
            sweep.problem("vary", "a sweep has at most " + MAX_SWEEP_POINTS + " points, this one " + points);
            return;
        }
        if (points * seedCount > MAX_SWEEP_RUNS) {
            sweep.problemAtValue("seeds", "a sweep has at most " + MAX_SWEEP_RUNS + " runs (points x seeds), this one "
                    + points + " x " + seedCount);
            return;
        }
        axes = List.copyOf(read);
        zipped = "zip".equals(combine);
        seeds = seedCount.intValue();
        figures = List.copyOf(figureNames);
    }

    /** One {@code path, values} pair of {@code entry}, or null (problems reported). */
    private Axis axis(Entry entry, String pathKey, String valuesKey) {
        int before = problems.reports();
        String path = entry.string(pathKey);
        if (!entry.has(pathKey)) {
            entry.problem(pathKey, "missing: the value to sweep, e.g. path = \"guests.linux.count\"");
        } else if (path != null) {
            try {
                List<String> parts = ConfigUtil.splitPath(path);
                if (parts.isEmpty() || parts.get(0).equals("sweep")) {
                    entry.problemAtValue(pathKey, "cannot sweep " + path);
                }
            } catch (ConfigException e) {
                entry.problemAtValue(pathKey, "not a HOCON path: " + path);
            }
        }
        Entry.Found values = entry.find(valuesKey);
        if (values == null) {
            entry.problem(valuesKey, "missing: the values to play, e.g. values = [1, 2, 4]");
        } else if (!(values.value() instanceof ConfigList list)) {
            entry.problemAtValue(valuesKey, "expected a list of values such as [1, 2, 4], got " + show(values.value()));
        } else if (list.isEmpty() || list.size() > MAX_SWEEP_VALUES) {
            entry.problemAtValue(valuesKey, "a sweep needs between 1 and " + MAX_SWEEP_VALUES + " values, got " + list.size());
        } else if (problems.reports() == before && path != null) {
            return new Axis(path, List.copyOf(list));
        }
        return null;
    }

    /** The swept paths and their values, or null when the scenario has no (usable) sweep. */
    List<Axis> axes() {
        return axes;
    }

    boolean zipped() {
        return zipped;
    }

    int seeds() {
        return seeds;
    }

    List<String> figures() {
        return figures;
    }
}
