package ballast.app.cli;

import ballast.app.scenario.Problem;
import ballast.app.scenario.ScenarioException;
import ballast.scheduler.scenario.Scenario;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The scenario overrides every command that reads a scenario accepts ({@code --set} and
 * {@code --seed}), as a picocli mixin, and the one way such a command loads its scenario and
 * reports the problems of a scenario it cannot load. The scenario file itself stays a
 * parameter of each command: {@code run} may leave it out (the quickstart), {@code validate}
 * may not.
 */
final class ScenarioOptions {
    @Option(names = "--set", paramLabel = "PATH=VALUE",
            description = "Override any scenario value, e.g. --set guests.db.memory=128MiB.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "N", description = "Override scenario.seed.")
    Long seed;

    @Option(names = "--sweep", paramLabel = "PATH=V1,V2,...",
            description = "Sweep a scenario value over these values (repeatable: the paths are crossed, or zipped "
                    + "with --set sweep.combine=zip), e.g. --sweep guests.vm.count=1,2,4.")
    List<String> sweeps = new ArrayList<>();

    @Option(names = "--plugin", paramLabel = "JAR",
            description = "A policy jar: its allocation, placement and hotspot policies become names a scenario may use "
                    + "(repeatable; see docs/extending.md).")
    List<Path> plugins = new ArrayList<>();

    /**
     * Loads {@code file} (the quickstart when null, see {@link ScenarioSource}) with the
     * {@code --set} overrides, then {@code more} (overrides the command adds, applied last), and
     * {@code --seed}.
     */
    Scenario load(Path file, List<String> more) throws ScenarioException {
        Plugins.load(plugins);
        List<String> all = new ArrayList<>(sets);
        for (String sweep : sweeps) {
            all.add(sweepSet(sweep));
        }
        all.addAll(more);
        return ScenarioSource.load(file, all, seed);
    }

    /**
     * {@code --sweep PATH=V1,V2} as an override that adds {@code { path = PATH, values = [V1, V2] }}
     * to {@code sweep.vary}.
     */
    static String sweepSet(String sweep) throws ScenarioException {
        int equals = sweep.indexOf('=');
        if (equals <= 0 || equals == sweep.length() - 1) {
            throw new ScenarioException(List.of(new Problem("--sweep", 0, "sweep",
                    "malformed --sweep " + sweep + ": expected PATH=V1,V2,... such as guests.vm.count=1,2,4")));
        }
        String path = sweep.substring(0, equals).trim();
        String values = sweep.substring(equals + 1).trim();
        return "sweep.vary += { path = \"" + path.replace("\\", "\\\\").replace("\"", "\\\"") + "\", values = ["
                + values + "] }";
    }

    /** Prints every problem of a scenario that could not be loaded, one per line; returns the exit code. */
    static int badInput(ScenarioException e, PrintWriter err) {
        for (Problem p : e.problems()) {
            err.println(p);
        }
        err.flush();
        return Main.BAD_INPUT;
    }
}
