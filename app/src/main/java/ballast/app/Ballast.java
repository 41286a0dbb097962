package ballast.app;

import ballast.app.report.HtmlReport;
import ballast.app.report.RunWriter;
import ballast.app.scenario.ScenarioException;
import ballast.app.scenario.ScenarioLoader;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Ballast as a library, for experiments driven from code: load or build a scenario, run it in this
 * JVM, read its figures, write its outputs.
 *
 * <pre>{@code
 * Scenario s = Ballast.scenario("demo")
 *         .set("scenario.duration", "20s")
 *         .host("h", "memory = 512MiB, reclaim = on, policy { name = working-set }")
 *         .guest("web", "host = h, memory = 128MiB, count = 4, workload { type = uniform, working-set = 64MiB }")
 *         .build();
 * Ballast.Result r = Ballast.run(s);
 * long swapped = r.guestFigure("web-1", "hostSwappedPages");
 * r.write(Path.of("runs/demo"));
 * }</pre>
 *
 * <p>A scenario built or loaded here is validated exactly as {@code ballast validate} would: every
 * problem is in the {@link ScenarioException}. A run depends only on its scenario and seed.
 */
public final class Ballast {
    private Ballast() {
    }

    /** A new scenario builder; {@code name} is its scenario.name. */
    public static ScenarioBuilder scenario(String name) {
        return new ScenarioBuilder(name);
    }

    /** Loads a scenario file with {@code PATH=VALUE} overrides (as {@code --set} takes them). */
    public static Scenario load(Path file, String... sets) throws ScenarioException {
        return ScenarioLoader.load(file, List.of(sets), null);
    }

    /** Runs a scenario (not a sweep: run its points, {@code scenario.sweep().points()}) in this JVM and returns its result. */
    public static Result run(Scenario scenario) throws InterruptedException {
        if (scenario.sweep() != null) {
            throw new IllegalArgumentException("a sweep: run each of scenario.sweep().points() instead");
        }
        return new Result(scenario, Simulation.run(scenario, Simulation.Options.defaults()));
    }

    /** A finished run: its scenario, the simulator's result and the summary as {@code summary.json} has it. */
    public record Result(Scenario scenario, RunResult result) {
        /** Whether every invariant held, every read was verified and nothing failed. */
        public boolean ok() {
            return result.ok();
        }

        /** The summary, as an ordered tree of maps and lists (what summary.json holds). */
        public Map<String, Object> summary() {
            return RunWriter.summary(scenario, result, false);
        }

        /** A guest's figure at the end of the run (a name of summary.json's {@code guests[]}, e.g. accesses). */
        public long guestFigure(String guest, String figure) {
            return figure(summary(), "guests", guest, figure);
        }

        /** A host's figure at the end of the run (a name of summary.json's {@code hosts[]}, e.g. swapOuts). */
        public long hostFigure(String host, String figure) {
            return figure(summary(), "hosts", host, figure);
        }

        @SuppressWarnings("unchecked")
        private static long figure(Map<String, Object> summary, String list, String name, String figure) {
            for (Object o : (List<Object>) summary.get(list)) {
                Map<String, Object> m = (Map<String, Object>) o;
                if (name.equals(m.get("name"))) {
                    Object v = m.get(figure);
                    if (v instanceof Number n) {
                        return n.longValue();
                    }
                    throw new IllegalArgumentException(list + " " + name + " has no numeric figure " + figure);
                }
            }
            throw new IllegalArgumentException("no " + list.substring(0, list.length() - 1) + " " + name);
        }

        /** Writes the run's outputs (summary.json, the csv files, scenario.conf, report.html) into {@code dir}. */
        public void write(Path dir) throws IOException {
            RunWriter.write(dir, scenario, result, false);
            HtmlReport.write(dir);
        }
    }
}
