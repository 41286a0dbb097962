package ballast.scheduler.cli;

import ballast.host.control.HostStats;
import ballast.scheduler.report.ConsoleTable;
import ballast.scheduler.report.HostFigures;
import ballast.scheduler.report.RunWriter;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Problem;
import ballast.scheduler.scenario.Scenario;
import ballast.scheduler.scenario.ScenarioException;
import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ballast run SCENARIO}: plays a scenario and writes its summary and time series. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a scenario; print a summary table and write DIR/summary.json and DIR/timeseries.csv"
                + " (a sweep: DIR/sweep.csv and one DIR/VALUE/summary.json per value).")
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO",
            description = "Scenario file (HOCON). Default: the quickstart.")
    Path scenarioFile;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/NAME-TIMESTAMP).")
    Path out;

    @Option(names = "--seed", paramLabel = "N", description = "Override scenario.seed.")
    Long seed;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "Override any scenario value, e.g. --set guests.db.memory=128MiB.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--quiet", description = "Print only where the outputs went and problems.")
    boolean quiet;

    @Option(names = "--check-every-tick", description = "Audit every guest and check every invariant after every tick.")
    boolean checkEveryTick;

    @Option(names = "--on-guest-failure", paramLabel = "stop|restart", defaultValue = "stop",
            converter = FailurePolicyConverter.class,
            description = "When a guest actor fails: stop it, or restart it from a fresh boot; either way its memory "
                    + "is released and the fault is reported (default: ${DEFAULT-VALUE}).")
    Simulation.OnGuestFailure onGuestFailure;

    /** Accepts stop / restart. */
    static final class FailurePolicyConverter implements picocli.CommandLine.ITypeConverter<Simulation.OnGuestFailure> {
        @Override
        public Simulation.OnGuestFailure convert(String value) {
            return Simulation.OnGuestFailure.valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }

    @Option(names = "--barrier-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Wall seconds to wait for a host's tick report before failing the run (default: ${DEFAULT-VALUE}).")
    long barrierTimeoutSeconds;

    @Spec
    CommandSpec spec;

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public Integer call() throws Exception {
        Scenario scenario;
        try {
            scenario = ScenarioSource.load(scenarioFile, sets, seed);
        } catch (ScenarioException e) {
            for (Problem p : e.problems()) {
                err().println(p);
            }
            err().flush();
            return Main.BAD_INPUT;
        }
        Path dir = out != null ? out : Path.of("runs", scenario.name() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Simulation.Options options = new Simulation.Options(checkEveryTick,
                Duration.ofSeconds(Math.max(1, barrierTimeoutSeconds)), ConfigFactory.empty()).with(onGuestFailure);
        if (scenario.sweep() != null) {
            return sweep(scenario.sweep(), dir, options);
        }
        RunResult result = Simulation.run(scenario, options);
        RunWriter.write(dir, scenario, result, false);
        if (!quiet) {
            out().print(ConsoleTable.render(scenario, result));
        } else if (!result.ok()) {
            result.violations().forEach(v -> err().println("VIOLATION " + v));
            if (result.failure() != null) {
                err().println("FAILED: " + result.failure());
            }
        }
        out().println("outputs: " + dir.resolve("summary.json") + ", " + dir.resolve("timeseries.csv"));
        out().flush();
        err().flush();
        return result.ok() ? Main.OK : Main.FAILED;
    }

    /**
     * Plays every value of a sweep: DIR/VALUE/summary.json and timeseries.csv per value, and
     * DIR/sweep.csv with one row per value (and host).
     */
    private Integer sweep(Scenario.Sweep sweep, Path dir, Simulation.Options options) throws Exception {
        List<RunWriter.SweepRow> rows = new ArrayList<>();
        Set<String> used = new HashSet<>();
        boolean ok = true;
        for (Scenario.Point point : sweep.points()) {
            RunResult result = Simulation.run(point.scenario(), options);
            String name = point.label().replaceAll("[^A-Za-z0-9._-]", "_");
            if (name.isEmpty() || name.startsWith(".") || !used.add(name)) {
                name = (rows.size() + 1) + "-" + name;
                used.add(name);
            }
            RunWriter.write(dir.resolve(name), point.scenario(), result, false);
            rows.add(new RunWriter.SweepRow(point.label(), point.scenario(), result));
            ok &= result.ok();
            if (!quiet) {
                for (int i = 0; i < result.hosts().size(); i++) {
                    HostStats s = result.hosts().get(i);
                    out().printf(Locale.ROOT, "%s = %s: %s: %d guest pages, %.1f%% shared, %.1f%% reclaimed, %d full scans%s%n",
                            sweep.path(), point.label(), point.scenario().hosts().get(i).name(), s.guestPages(),
                            HostFigures.sharedPercent(s), HostFigures.reclaimedPercent(s), s.fullScans(),
                            result.ok() ? "" : " (FAILED)");
                }
            }
            if (!result.ok()) {
                result.violations().forEach(v -> err().println("VIOLATION " + v));
                if (result.failure() != null) {
                    err().println("FAILED: " + result.failure());
                }
            }
        }
        RunWriter.writeAtomically(dir.resolve("sweep.csv"), RunWriter.sweepCsv(sweep.path(), rows));
        out().println("outputs: " + dir.resolve("sweep.csv") + " and one summary.json per value under " + dir);
        out().flush();
        err().flush();
        return ok ? Main.OK : Main.FAILED;
    }
}
