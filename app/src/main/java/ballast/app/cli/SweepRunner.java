package ballast.app.cli;

import ballast.app.report.HtmlReport;
import ballast.app.report.RunWriter;
import ballast.app.report.SweepReport;
import ballast.app.report.SweepTable;
import ballast.scheduler.run.RunControl;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Scenario;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays every point and seed of a sweep, up to {@code jobs} runs at a time, each in its own
 * simulation (a run depends only on its scenario and seed, so a point played in parallel gives the
 * summary it gives alone). Each run's outputs go to {@code DIR/POINT/} (one seed) or
 * {@code DIR/POINT/seed-N/}; the sweep's to {@code DIR/sweep.csv}, {@code DIR/sweep-points.csv},
 * {@code DIR/sweep.json} and {@code DIR/sweep.html}.
 *
 * <p>{@link #stop()} (Ctrl-C) stops the runs in progress at their next tick (written as interrupted
 * runs), starts no more, and writes the sweep's files for the runs that finished, with
 * {@code "interrupted": true} in sweep.json and an {@code INTERRUPTED} file listing what did not
 * finish.
 */
final class SweepRunner {
    static final String INTERRUPTED_FILE = "INTERRUPTED";

    /** Test hook: the sweep in progress, so a test can stop it as Ctrl-C would. */
    static volatile SweepRunner current;

    /** Plays one scenario (in this JVM or over a cluster). */
    interface Player {
        RunResult play(Scenario scenario, RunControl control) throws InterruptedException;
    }

    private final Scenario scenario;
    private final Scenario.Sweep sweep;
    private final Path dir;
    private final int jobs;
    private final boolean quiet;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Player player;
    private final Set<RunControl> active = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    SweepRunner(Scenario scenario, Path dir, int jobs, boolean quiet, PrintWriter out, PrintWriter err, Player player) {
        this.scenario = scenario;
        this.sweep = scenario.sweep();
        this.dir = dir;
        this.jobs = Math.max(1, jobs);
        this.quiet = quiet;
        this.out = out;
        this.err = err;
        this.player = player;
    }

    /** One run of the plan: a point, its seed index, and where its outputs go. */
    private record Planned(Scenario.Point point, int seedIndex, String dir) {
    }

    /** What became of a planned run. */
    private record Done(Planned planned, RunResult result) {
    }

    /** Stops the sweep: runs in progress end at their next tick, none start. */
    void stop() {
        stopping = true;
        for (RunControl c : active) {
            c.requestStop();
        }
    }

    boolean stopping() {
        return stopping;
    }

    /** Plays the sweep and writes its outputs; returns the exit code. */
    int run() throws IOException, InterruptedException {
        List<Planned> plan = plan();
        Files.createDirectories(dir);
        Done[] done = new Done[plan.size()];
        AtomicInteger finished = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, plan.size()), r -> {
            Thread t = new Thread(r, "ballast-sweep");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < plan.size(); i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    done[index] = play(plan.get(index), finished, plan.size());
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return finish(plan, done);
    }

    private Done play(Planned planned, AtomicInteger finished, int total) throws IOException, InterruptedException {
        if (stopping) {
            return null;
        }
        Scenario run = planned.point().runs().get(planned.seedIndex());
        RunControl control = new RunControl();
        active.add(control);
        if (stopping) {
            control.requestStop();
        }
        RunResult result;
        try {
            result = player.play(run, control);
        } finally {
            active.remove(control);
        }
        Path runDir = dir.resolve(planned.dir());
        RunWriter.write(runDir, run, result, false);
        try {
            HtmlReport.write(runDir);
        } catch (IOException | RuntimeException e) {
            synchronized (err) {
                err.println("ballast: could not write the report of " + runDir + " (the data files are written): " + e);
            }
        }
        int n = finished.incrementAndGet();
        if (!quiet || !result.ok()) {
            synchronized (out) {
                out.printf(Locale.ROOT, "[%d/%d] %s, seed %d: %s%n", n, total, planned.point().label(), run.seed(),
                        result.interrupted() ? "interrupted" : result.ok() ? "ok" : "FAILED"
                                + (result.failure() == null ? "" : ": " + result.failure()));
                out.flush();
            }
        }
        if (!result.ok()) {
            synchronized (err) {
                result.violations().forEach(v -> err.println("VIOLATION " + v));
            }
        }
        return new Done(planned, result);
    }

    /** Every run to play, point by point, with a directory name per run that no two share. */
    private List<Planned> plan() {
        List<Planned> plan = new ArrayList<>();
        Set<String> used = new HashSet<>();
        int index = 0;
        for (Scenario.Point point : sweep.points()) {
            index++;
            String name = point.label().replace(' ', '_').replaceAll("[^A-Za-z0-9._=-]", "_");
            if (name.isEmpty() || name.startsWith(".") || !used.add(name)) {
                name = index + "-" + name;
                used.add(name);
            }
            for (int s = 0; s < point.runs().size(); s++) {
                String runDir = sweep.seeds() == 1 ? name : name + "/seed-" + point.runs().get(s).seed();
                plan.add(new Planned(point, s, runDir));
            }
        }
        return plan;
    }

    /** Writes the sweep's files for the runs that finished (not those stopped midway). */
    private int finish(List<Planned> plan, Done[] done) throws IOException {
        List<SweepTable.Run> runs = new ArrayList<>();
        List<String> unfinished = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < plan.size(); i++) {
            Done d = done[i];
            Planned p = plan.get(i);
            Scenario run = p.point().runs().get(p.seedIndex());
            if (d == null || d.result().interrupted()) {
                unfinished.add(p.point().label() + ", seed " + run.seed() + (d == null ? ": not started" : ": stopped"));
                continue;
            }
            runs.add(new SweepTable.Run(p.point(), run.seed(), run, d.result()));
            ok &= d.result().ok();
        }
        boolean interrupted = !unfinished.isEmpty();
        RunWriter.writeAtomically(dir.resolve(SweepTable.RUNS_FILE), SweepTable.runsCsv(sweep, runs));
        RunWriter.writeAtomically(dir.resolve(SweepTable.POINTS_FILE), SweepTable.pointsCsv(sweep, runs));
        RunWriter.writeAtomically(dir.resolve(SweepReport.SWEEP_JSON), sweepJson(plan, done, ok, interrupted, runs.size()));
        Path marker = dir.resolve(INTERRUPTED_FILE);
        if (interrupted) {
            RunWriter.writeAtomically(marker, "Interrupted (Ctrl-C): " + runs.size() + " of " + plan.size()
                    + " runs finished; sweep.csv and sweep-points.csv hold those. Not finished:\n"
                    + String.join("\n", unfinished) + "\n");
        } else if (Files.isRegularFile(marker) && Files.readString(marker).startsWith("Interrupted (Ctrl-C): ")) {
            Files.delete(marker); // ours, from an earlier interrupted sweep into this directory
        }
        try {
            SweepReport.write(dir);
        } catch (IOException | RuntimeException e) {
            err.println("ballast: could not write the sweep report (the data files are written): " + e);
        }
        out.println("outputs: " + dir.resolve(SweepReport.FILE) + ", " + dir.resolve(SweepTable.RUNS_FILE) + ", "
                + dir.resolve(SweepTable.POINTS_FILE) + " and one directory per point under " + dir);
        if (interrupted) {
            err.println("ballast: interrupted: " + runs.size() + " of " + plan.size() + " runs finished; see "
                    + dir.resolve(INTERRUPTED_FILE));
        }
        out.flush();
        err.flush();
        if (!ok) {
            return Main.FAILED;
        }
        return interrupted ? Main.INTERRUPTED : Main.OK;
    }

    private String sweepJson(List<Planned> plan, Done[] done, boolean ok, boolean interrupted, int finishedRuns) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("scenario", scenario.name());
        root.put("status", !ok ? "failed" : interrupted ? "interrupted" : "ok");
        root.put("interrupted", interrupted);
        root.put("paths", sweep.paths());
        root.put("combine", sweep.zipped() ? "zip" : "cross");
        root.put("seeds", sweep.seeds());
        root.put("figures", sweep.figures());
        root.put("plannedRuns", plan.size());
        root.put("finishedRuns", finishedRuns);
        List<Object> points = new ArrayList<>();
        Map<Scenario.Point, List<Object>> runsOf = new java.util.IdentityHashMap<>();
        for (Scenario.Point p : sweep.points()) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("label", p.label());
            point.put("values", p.values());
            List<Object> runs = new ArrayList<>();
            point.put("runs", runs);
            runsOf.put(p, runs);
            points.add(point);
        }
        for (int i = 0; i < plan.size(); i++) {
            Planned p = plan.get(i);
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("seed", p.point().runs().get(p.seedIndex()).seed());
            run.put("dir", p.dir());
            Done d = done[i];
            run.put("status", d == null ? "not started" : !d.result().ok() ? "failed"
                    : d.result().interrupted() ? "interrupted" : "ok");
            runsOf.get(p.point()).add(run);
        }
        root.put("points", points);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
