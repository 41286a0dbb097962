package ballast.app.cli;

import ballast.app.report.ConsoleTable;
import ballast.app.report.HostFigures;
import ballast.app.report.OutputFolder;
import ballast.app.report.RunWriter;
import ballast.scheduler.run.RunControl;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioException;
import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ballast run SCENARIO}: plays a scenario, shows its progress, and writes its outputs.
 *
 * <p>Ctrl-C (SIGINT, or SIGTERM) stops the run cleanly: a shutdown hook asks the clock to make the
 * next tick the last one (sampled and audited), waits until the outputs are written with
 * {@code "interrupted": true}, and the JVM then exits with 130 (128 + SIGINT), for SIGTERM too; a
 * signal that arrives after the last tick changes nothing (the run's own code: 0 when it ended ok).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a scenario; print a summary table and write DIR/summary.json, DIR/timeseries.csv, "
                + "DIR/hosts.csv, DIR/scenario.conf and DIR/report.html (a sweep: DIR/sweep.html, DIR/sweep.csv, "
                + "DIR/sweep-points.csv and one DIR/POINT/ per point). Ctrl-C stops it cleanly (exit 130).")
final class RunCommand implements Callable<Integer> {
    /** How long the Ctrl-C hook waits for the last tick and the outputs before letting the JVM go. */
    private static final long INTERRUPT_GRACE_SECONDS = 120;

    private static final String SWEEP_CSV = "sweep.csv";
    /** The longest --barrier-timeout: a day (a longer one would overflow the timer and never fire). */
    static final long MAX_BARRIER_TIMEOUT_SECONDS = 86_400;

    /** The exit code of the run, once its outputs are written: what the Ctrl-C hook exits with. */
    private volatile Integer exitCode;

    /** Test hook: the control of the run in progress, so a test can stop it as Ctrl-C would. */
    static volatile RunControl current;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO",
            description = "Scenario file (HOCON), or a library scenario by name (ballast list). Default: the quickstart.")
    Path scenarioFile;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/NAME-TIMESTAMP); checked "
            + "before the run starts; files in it that the run does not write are left alone.")
    Path out;

    @Mixin
    ScenarioOptions scenarioOptions;

    @Option(names = "--jobs", paramLabel = "N",
            description = "A sweep's runs played at once (default: the machine's cores).")
    Integer jobs;

    @Option(names = "--quiet", description = "Print only where the outputs went and problems; no progress.")
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
            description = "Wall seconds to wait for a host's tick report before failing the run, 1 to 86400 "
                    + "(default: ${DEFAULT-VALUE}).")
    long barrierTimeoutSeconds;

    @Option(names = "--cluster", paramLabel = "HOST:PORT",
            description = "Run the hosts on the host-node processes (ballast node) of the cluster of this seed node "
                    + "(sets cluster.seed-node).")
    String cluster;

    @Option(names = "--nodes", paramLabel = "N",
            description = "With --cluster: host-node processes to wait for (sets cluster.nodes).")
    Integer nodes;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "With --cluster: address of this scheduler node (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--port", paramLabel = "P", defaultValue = "0",
            description = "With --cluster: port of this scheduler node (default: any free port).")
    int port;

    @Spec
    CommandSpec spec;

    /** Plays one scenario in this JVM, or over the cluster its cluster.seed-node names. */
    private RunResult play(Scenario scenario, Simulation.Options options, RunControl control) throws InterruptedException {
        if (scenario.cluster().clustered()) {
            return ballast.scheduler.cluster.ClusterRun.run(scenario, options, control, bind, port);
        }
        return Simulation.run(scenario, options, control);
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public Integer call() throws Exception {
        // The report's drawing code is warmed up while the scenario is read and the actors start
        // (and waited for before the first tick, so it takes no time from the simulation): drawing
        // it for the first time in a shutdown hook (Ctrl-C) would fail.
        Thread warmUp = new Thread(ballast.app.report.HtmlReport::warmUp, "ballast-report-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        Scenario scenario;
        try {
            List<String> clusterSets = new ArrayList<>();
            if (cluster != null) {
                clusterSets.add("cluster.seed-node=\"" + cluster + "\"");
            }
            if (nodes != null) {
                clusterSets.add("cluster.nodes=" + nodes);
            }
            scenario = scenarioOptions.load(scenarioFile, clusterSets);
        } catch (ScenarioException e) {
            return ScenarioOptions.badInput(e, err());
        }
        Path dir = out != null ? out : Path.of("runs", scenario.name() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (!scenario.cluster().clustered()) {
            for (Scenario one : scenario.sweep() == null ? List.of(scenario)
                    : scenario.sweep().points().stream().map(Scenario.Point::scenario).toList()) {
                String tooBig = HeapCheck.problem(one, Runtime.getRuntime().maxMemory());
                if (tooBig != null) {
                    err().println("ballast: " + one.source() + ": " + tooBig);
                    err().flush();
                    return Main.BAD_INPUT;
                }
            }
        }
        if (barrierTimeoutSeconds < 1 || barrierTimeoutSeconds > MAX_BARRIER_TIMEOUT_SECONDS) {
            err().println("ballast: --barrier-timeout " + barrierTimeoutSeconds + ": must be between 1 and "
                    + MAX_BARRIER_TIMEOUT_SECONDS + " seconds (a day)");
            return Main.BAD_INPUT;
        }
        String portProblem = scenario.cluster().clustered() || port != 0 ? PortCheck.problem("--port", bind, port) : null;
        if (portProblem != null) {
            err().println("ballast: " + portProblem);
            return Main.BAD_INPUT;
        }
        OutputFolder folder;
        try {
            folder = scenario.sweep() != null
                    ? OutputFolder.prepare(dir, List.of(SWEEP_CSV), List.of(), SWEEP_CSV)
                    : OutputFolder.prepareRun(dir);
        } catch (OutputFolder.Refused e) {
            err().println("ballast: --out " + (out != null ? "" : "(default) ") + e.getMessage());
            err().flush();
            return Main.BAD_INPUT;
        }
        Simulation.Options options = new Simulation.Options(checkEveryTick,
                Duration.ofSeconds(barrierTimeoutSeconds), ConfigFactory.empty()).with(onGuestFailure);
        try {
            if (scenario.sweep() != null) {
                if (jobs != null && jobs < 1) {
                    err().println("ballast: --jobs must be at least 1, got " + jobs);
                    return Main.BAD_INPUT;
                }
                // A sweep writes each run as it finishes, so that Ctrl-C leaves what finished: its folder is
                // checked like a run's, then filled in place (never deleting a file it did not write).
                folder.discard();
                warmUp.join();
                return sweep(scenario, folder.target(), options);
            }
            warmUp.join();
            return runOnce(scenario, folder, options);
        } finally {
            folder.discard();
        }
    }

    private Integer runOnce(Scenario scenario, OutputFolder folder, Simulation.Options options) throws Exception {
        Path dir = folder.target();
        RunControl control = new RunControl();
        CountDownLatch outputsWritten = new CountDownLatch(1);
        Thread hook = new Thread(() -> onInterrupt(control, outputsWritten), "ballast-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        current = control;
        try {
            RunResult result;
            try (Progress progress = new Progress(Progress.styleFor(quiet), scenario.name(), scenario.ticks(),
                    scenario.tickSeconds(), control, System.err, err(), Progress.configuredDelay()).start()) {
                result = play(scenario, options, control);
            }
            if (neverStarted(result)) {
                err().println("ballast: the run never started: " + result.failure());
                err().println("ballast: nothing was written; " + dir + " is as it was");
                err().flush();
                exitCode = result.interrupted() ? Main.INTERRUPTED : Main.FAILED;
                return exitCode;
            }
            RunWriter.write(folder.staging(), scenario, result, false);
            report(folder.staging());
            if (!install(folder)) {
                return Main.FAILED;
            }
            if (!quiet) {
                out().print(ConsoleTable.render(scenario, result));
            } else if (!result.ok()) {
                result.violations().forEach(v -> err().println("VIOLATION " + v));
                if (result.failure() != null) {
                    err().println("FAILED: " + result.failure());
                }
            }
            out().println("outputs: " + dir.resolve("report.html") + ", " + dir.resolve("summary.json") + ", "
                    + dir.resolve("timeseries.csv") + ", " + dir.resolve("hosts.csv"));
            if (result.interrupted()) {
                err().println("ballast: interrupted after tick " + result.ticksPlayed() + " of " + scenario.ticks()
                        + "; what was simulated is written with \"interrupted\": true");
            }
            out().flush();
            err().flush();
            exitCode = !result.ok() ? Main.FAILED : result.interrupted() ? Main.INTERRUPTED : Main.OK;
            return exitCode;
        } finally {
            current = null;
            outputsWritten.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down (Ctrl-C): the hook is running and lets it go now
            }
        }
    }

    /** A run that failed before its first tick (no host-node joined, say): it has nothing to write. */
    static boolean neverStarted(RunResult result) {
        return result.ticksPlayed() == 0 && result.failure() != null;
    }

    /** Moves the complete output set into place; false (and says so) when that failed. */
    private boolean install(OutputFolder folder) {
        try {
            folder.install();
            return true;
        } catch (java.io.IOException e) {
            err().println("ballast: could not move the outputs from " + folder.staging() + " into " + folder.target()
                    + ": " + e);
            err().flush();
            return false;
        }
    }

    /** Writes report.html and the chart PNGs; a failure here never loses the run's data files. */
    private void report(Path dir) {
        try {
            ballast.app.report.HtmlReport.write(dir);
        } catch (Exception e) {
            err().println("ballast: could not write the report (the data files are written): " + e);
        }
    }

    /** Runs in the shutdown hook: stop at the next tick boundary and wait for the outputs. */
    private void onInterrupt(RunControl control, CountDownLatch outputsWritten) {
        if (!control.finished()) {
            System.err.println();
            System.err.println("ballast: interrupted: finishing the current tick and writing what was simulated");
            System.err.flush();
        }
        control.requestStop();
        try {
            outputsWritten.await(INTERRUPT_GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Integer code = exitCode;
        if (code != null) {
            // The JVM would exit with 128 + the signal (143 for SIGTERM), whatever the run came to:
            // exit with the run's own code instead (130 when interrupted, 0 when it had already ended ok).
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(code);
        }
    }

    /**
     * Plays every point and seed of a sweep, up to {@code --jobs} at a time (one at a time over a
     * cluster); Ctrl-C stops the runs in progress and writes the sweep's files for those that finished.
     */
    private Integer sweep(Scenario scenario, Path dir, Simulation.Options options) throws Exception {
        int parallel = scenario.cluster().clustered() ? 1 : jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
        SweepRunner runner = new SweepRunner(scenario, dir, parallel, quiet, out(), err(),
                (s, control) -> play(s, options, control));
        CountDownLatch written = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.err.println();
            System.err.println("ballast: interrupted: stopping the sweep's runs and writing what finished");
            System.err.flush();
            runner.stop();
            try {
                written.await(INTERRUPT_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ballast-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        SweepRunner.current = runner;
        try {
            return runner.run();
        } finally {
            SweepRunner.current = null;
            written.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down (Ctrl-C): the hook is running and lets it go now
            }
        }
    }
}
