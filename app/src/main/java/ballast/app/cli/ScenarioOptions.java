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

    /**
     * Loads {@code file} (the quickstart when null, see {@link ScenarioSource}) with the
     * {@code --set} overrides, then {@code more} (overrides the command adds, applied last), and
     * {@code --seed}.
     */
    Scenario load(Path file, List<String> more) throws ScenarioException {
        List<String> all = new ArrayList<>(sets);
        all.addAll(more);
        return ScenarioSource.load(file, all, seed);
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
