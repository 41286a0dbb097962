package ballast.app.cli;

import ballast.app.bench.BenchCase;
import ballast.app.bench.BenchPlan;
import ballast.app.bench.BenchRow;
import ballast.app.bench.BenchRunner;
import ballast.app.bench.BenchTable;
import ballast.app.report.OutputFolder;
import ballast.app.bench.JvmProbe;
import ballast.app.bench.ScalingCharts;
import ballast.app.report.RunWriter;
import ballast.scheduler.run.RunControl;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ballast bench}: plays the bench's fixed set of scale scenarios in this JVM, each with the
 * raw kernel measured over the same ticks, and prints one table (also DIR/bench.csv and
 * DIR/bench.md), the targets judged against it, and the scaling curves (DIR/scaling-*.png).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the simulator at scale: startup, then a fixed set of scenarios (64 guests x 256 MiB, "
                + "1,000 x 1 GiB, 10,000 x 64 MiB, ESX page sharing at 10 guests, and the points of two scaling "
                + "curves), each against the raw kernel. Prints a table; writes DIR/bench.csv, DIR/bench.md, "
                + "DIR/scaling-by-guests.png, DIR/scaling-by-size.png and the generated scenarios under DIR/scenarios. "
                + "Ctrl-C stops it (exit 130) with none of the results written.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "Smaller, shorter scenarios (under two minutes on 2 cores); no 1,000 x 1 GiB run.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/bench-TIMESTAMP).")
    Path outDir;

    @Option(names = "--only", paramLabel = "NAME", split = ",",
            description = "Play only these scenarios of the set (by name, e.g. --only 64x256MiB,esx-sharing-10).")
    List<String> only = new ArrayList<>();

    @Option(names = "--raw-guests", paramLabel = "N", defaultValue = "64",
            description = "Guests the raw kernel replays at most, a sample of each scenario's (default: ${DEFAULT-VALUE}).")
    int rawGuests;

    @Option(names = "--histogram", description = "Write each scenario's heap class histogram at its end (DIR/heap-NAME.txt).")
    boolean histogram;

    @Option(names = "--jfr", description = "Record each scenario with Java Flight Recorder's profile settings (DIR/NAME.jfr).")
    boolean jfr;

    /** The files a bench run writes in its folder. */
    static final List<String> OUTPUTS = List.of("bench.csv", "bench.md", "scaling-by-guests.png", "scaling-by-size.png");

    /** Every file a run of {@code plan} writes under its folder: the outputs, each scenario's file, its histogram or recording. */
    List<String> outputs(List<BenchCase> plan) {
        List<String> names = new ArrayList<>(OUTPUTS);
        for (BenchCase c : plan) {
            if (c.isGenerated()) {
                names.add("scenarios/" + c.name() + ".conf");
            }
            if (histogram) {
                names.add("heap-" + c.name() + ".txt");
            }
            if (jfr) {
                names.add(c.name() + ".jfr");
            }
        }
        return names;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (rawGuests < 1) {
            err.println("ballast: --raw-guests must be at least 1");
            return Main.BAD_INPUT;
        }
        List<BenchCase> plan = quick ? BenchPlan.quick() : BenchPlan.full();
        Set<String> names = new LinkedHashSet<>();
        plan.forEach(c -> names.add(c.name()));
        for (String name : only) {
            if (!names.contains(name)) {
                err.println("ballast: no scenario " + name + " in the " + (quick ? "quick " : "") + "bench set; it has: "
                        + String.join(", ", names));
                return Main.BAD_INPUT;
            }
        }
        if (!only.isEmpty()) {
            plan = plan.stream().filter(c -> only.contains(c.name())).toList();
        }
        Path dir = outDir != null ? outDir : Path.of("runs", "bench" + (quick ? "-quick-" : "-")
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        boolean created = !Files.exists(dir);
        try {
            OutputFolder.check(dir, outputs(plan), List.of("scenarios"));
            Files.createDirectories(dir);
        } catch (OutputFolder.Refused | java.io.IOException e) {
            err.println("ballast: --out " + (outDir != null ? "" : "(default) ")
                    + (e instanceof OutputFolder.Refused ? e.getMessage() : "cannot create " + dir + " (" + e + ")"));
            err.flush();
            return Main.BAD_INPUT;
        }
        // Ctrl-C or SIGTERM: say what was left, and write nothing (a bench's outputs are its whole table);
        // while the outputs are being written, let them be written first.
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Thread hook = new Thread(() -> onInterrupt(dir, created, done), "ballast-bench-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return play(plan, dir, out, err);
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it sees the bench done
            }
        }
    }

    /**
     * Removes {@code dir} when this bench made it ({@code created}) and it is still empty (an
     * interrupt before the first scenario); true when it did. A folder that was there before, or
     * holds anything, is left as it is.
     */
    static boolean removeIfMadeAndEmpty(Path dir, boolean created) {
        if (!created) {
            return false;
        }
        try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                return false;
            }
            Files.delete(dir);
            return true;
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false; // gone already, or not ours to remove
        }
    }

    /** What the bench is doing now, for the interrupt's message. */
    private volatile String phase = "the startup run";

    /** Runs in the shutdown hook: unless the bench is done, or writing its outputs, it ends here (130). */
    private void onInterrupt(Path dir, boolean created, java.util.concurrent.CountDownLatch done) {
        if (done.getCount() == 0) {
            return;
        }
        if (phase == null) { // writing the outputs: they take moments
            try {
                done.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        System.err.println();
        System.err.println("ballast: bench interrupted during " + phase + "; no results written (no bench.csv or bench.md in "
                + dir + (Files.isDirectory(dir.resolve("scenarios"))
                ? "; its scenarios/ holds the generated scenarios played or begun, each runnable)"
                : removeIfMadeAndEmpty(dir, created) ? "; the folder, made for them and empty, removed)" : ")"));
        System.err.flush();
        System.out.flush();
        Path temporary = startupDir;
        if (temporary != null) {
            try {
                deleteTree(temporary);
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // a file the startup run was writing as it stopped: the system's temporary folder keeps it
            }
        }
        Runtime.getRuntime().halt(Main.INTERRUPTED);
    }

    private Integer play(List<BenchCase> plan, Path dir, PrintWriter out, PrintWriter err) throws Exception {
        String loadBefore = JvmProbe.loadAverage();
        long begin = System.nanoTime();

        // First, in a JVM that has run nothing yet: `ballast run` of the quickstart, to its first tick.
        double[] startup = startup();
        err.println(startupLine(startup));
        err.flush();

        BenchRunner runner = new BenchRunner(dir, rawGuests, histogram, jfr);
        List<BenchRow> rows = new ArrayList<>();
        int i = 0;
        for (BenchCase c : plan) {
            i++;
            err.printf(Locale.ROOT, "[%d/%d] %s: %s ...%n", i, plan.size(), c.name(), c.isGenerated()
                    ? c.guests() + " guests x " + c.guestMib() + " MiB on " + c.spread() + " (hosts x guests)"
                    : c.resource() + (c.sweepLabel() == null ? "" : " at " + c.sweepLabel()));
            err.flush();
            phase = c.name() + " (" + i + " of " + plan.size() + ")";
            long t = System.nanoTime();
            BenchRow row = runner.run(c);
            rows.add(row);
            err.printf(Locale.ROOT, "      %.1f s: %.1f million accesses per wall second, %.1f ns per access (raw %.1f), "
                            + "%.1f bytes per guest page%s%n", (System.nanoTime() - t) / 1e9,
                    row.accessesPerWallSecond() / 1e6, row.nanosPerAccess(), row.rawNanosPerAccess(),
                    row.bytesPerGuestPage(), row.ok() ? "" : " (FAILED)");
            err.flush();
        }
        phase = null; // from here on the outputs are written: charts, bench.csv, bench.md
        String loadAfter = JvmProbe.loadAverage();
        double totalSeconds = (System.nanoTime() - begin) / 1e9;
        List<BenchTable.Verdict> verdicts = BenchTable.verdicts(rows, startup[0] - startup[3], JvmProbe.maxHeapBytes());
        List<Path> charts = ScalingCharts.write(dir, rows);

        List<String> header = new ArrayList<>(JvmProbe.machine());
        header.add("load average (1, 5, 15 min): " + loadBefore + " before, " + loadAfter + " after");
        header.add(startupLine(startup));
        header.add(String.format(Locale.ROOT, "bench: %s%s, %d scenarios in %.0f s", quick ? "--quick" : "full set",
                only.isEmpty() ? "" : " --only " + String.join(",", only), rows.size(), totalSeconds));
        header.add(ballast.app.bench.RawWork.recorded().verdict(rows, quick)
                + (rawGuests == 64 ? "" : " (recorded with --raw-guests 64)"));
        List<String> warm = rows.stream().filter(BenchRow::warm).map(BenchRow::name).toList();
        if (!warm.isEmpty()) {
            header.add(String.format(Locale.ROOT, "warm replays: %s played a second time in this JVM (a first play of under "
                    + "%,d accesses); the second is measured, the first's CPU per access is `cold cpu ns`",
                    String.join(", ", warm), BenchRunner.WARM_REPLAY_ACCESSES));
        }

        out.println(String.join("\n", header));
        out.println();
        out.print(BenchTable.text(rows));
        out.println();
        out.print(BenchTable.verdictsText(verdicts));
        out.println();
        out.println("outputs: " + dir.resolve("bench.md") + ", " + dir.resolve("bench.csv")
                + (charts.isEmpty() ? "" : ", " + String.join(", ", charts.stream().map(Path::toString).toList())));
        out.flush();

        RunWriter.writeAtomically(dir.resolve("bench.csv"), BenchTable.csv(rows));
        RunWriter.writeAtomically(dir.resolve("bench.md"), markdown(header, rows, verdicts, charts));
        boolean ok = rows.stream().allMatch(BenchRow::ok);
        return ok ? Main.OK : Main.FAILED;
    }

    /**
     * The startup as a user meets it: {@code ballast run} of the quickstart, for one tick, in this
     * JVM, which has run nothing else yet (JVM start, class loading, the scenario read, the report's
     * warm-up, the actor system, the guests booted, the first tick). A watcher notes when the run's
     * control reports its first tick. Returns {seconds from the JVM's start, seconds from the call,
     * CPU seconds the process had used by then (every thread: JIT compilers and collectors too),
     * seconds the launcher spent preparing the class-data archive before this JVM (included in the
     * first figure; 0 when it did not)}; NaN when the run did not get there.
     */
    static double[] startup() throws java.io.IOException, InterruptedException {
        double archive = JvmProbe.launcherArchiveSeconds();
        Path dir = Files.createTempDirectory("ballast-bench-startup");
        startupDir = dir;
        try {
            double[] s = startup(dir);
            return new double[] {s[0], s[1], s[2], archive};
        } finally {
            deleteTree(dir);
            startupDir = null;
        }
    }

    /**
     * The startup's line: {@code startup} as {@link #startup()} returns it. When the launcher
     * prepared the class-data archive first (once per build), the process's age includes that
     * training run; the line says how much, and the verdict leaves it out.
     */
    static String startupLine(double[] startup) {
        String line = String.format(Locale.ROOT, "startup: `ballast run` of the quickstart reached the end of its first tick "
                + "%.2f s after the JVM started (%.2f s after the command began; %.2f s of CPU by then, all threads)",
                startup[0] - startup[3], startup[1], startup[2]);
        return startup[3] > 0 ? line + String.format(Locale.ROOT, "; before the JVM, the launcher prepared the class-data "
                + "archive (once per build) for %.2f s, left out", startup[3]) : line;
    }

    /** The startup run's temporary folder while it runs (an interrupt deletes it), else null. */
    private static volatile Path startupDir;

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static double[] startup(Path dir) throws InterruptedException {
        double[] firstTick = {Double.NaN, Double.NaN, Double.NaN};
        long t0 = System.nanoTime();
        Thread watcher = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    RunControl control = RunCommand.current;
                    if (control != null && control.ticksDone() >= 1) {
                        firstTick[0] = JvmProbe.secondsSinceProcessStart();
                        firstTick[1] = (System.nanoTime() - t0) / 1e9;
                        firstTick[2] = JvmProbe.processCpuNanos() / 1e9;
                        return;
                    }
                    Thread.sleep(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ballast-bench-startup");
        watcher.setDaemon(true);
        watcher.start();
        java.io.StringWriter sink = new java.io.StringWriter();
        Main.execute(new String[] {"run", "--set", "scenario.duration=100ms", "--quiet", "--out", dir.toString()},
                new PrintWriter(sink), new PrintWriter(sink));
        watcher.interrupt();
        watcher.join();
        return firstTick;
    }

    private static String markdown(List<String> header, List<BenchRow> rows, List<BenchTable.Verdict> verdicts,
                                   List<Path> charts) {
        StringBuilder s = new StringBuilder("# ballast bench\n\n");
        for (String line : header) {
            s.append("- ").append(line).append('\n');
        }
        s.append('\n').append(BenchTable.markdown(rows)).append('\n');
        s.append(BenchTable.verdictsMarkdown(verdicts)).append('\n');
        for (Path chart : charts) {
            s.append("![").append(chart.getFileName()).append("](").append(chart.getFileName()).append(")\n\n");
        }
        s.append("Columns: `sim s` simulated seconds; `wall s` the run from its first tick to its last; `startup s` from the "
                + "start of the run (actor system, hypervisors, guests booted) to the end of its first tick; `acc/wall s` "
                + "accesses per wall second over the whole run; `steady acc/s`, `ns/acc` over the steady window (from the end "
                + "of the touch phase to the last sample before the end); `raw ns/acc` the raw kernel over the same ticks of a "
                + "sample of the guests; `ratio` = ns/acc / raw ns/acc; `heap MiB` heap used after a full collection at the "
                + "end of the run, the simulation alive; `B/page` = (that heap - the heap before the run) / guest pages; "
                + "`x real` simulated seconds per wall second; `gc s` collection time during the run; `cores` CPU seconds "
                + "per wall second. bench.csv has every figure unrounded.\n");
        return s.toString();
    }
}
