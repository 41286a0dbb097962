package ballast.app.bench;

import ballast.guest.GuestSettings;
import ballast.host.HostSettings;
import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.scheduler.run.RunControl;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioException;
import ballast.app.scenario.ScenarioLoader;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays one {@link BenchCase} in this JVM and measures it: first the raw kernel over a sample of
 * the scenario's guests (the same ticks), then the scenario itself through {@link Simulation},
 * timing every tick, and at its end, with the whole simulation alive, the heap after a full
 * collection.
 */
public final class BenchRunner {
    private final Path dir;
    private final int rawGuests;
    private final boolean histogram;
    private final boolean jfr;

    /**
     * @param dir       where the generated scenarios (and histograms, recordings) go
     * @param rawGuests at most this many guests are replayed by the raw kernel
     * @param histogram write each scenario's heap class histogram at its end
     * @param jfr       record each scenario with Java Flight Recorder (DIR/NAME.jfr)
     */
    public BenchRunner(Path dir, int rawGuests, boolean histogram, boolean jfr) {
        this.dir = dir;
        this.rawGuests = rawGuests;
        this.histogram = histogram;
        this.jfr = jfr;
    }

    /**
     * A run control that notes when each tick ends and, when the clock finishes, the CPU and
     * collection time so far and the heap after a full collection.
     */
    static final class MeasuringControl extends RunControl {
        final long[] tickNanos;
        final long[] tickCpuNanos;
        final long[] tickAllocated;
        final long[] tickJitMillis;
        final boolean histogram;
        /** Ticks at which the process's threads' CPU is read to the nanosecond (the steady window's ends); -1: none. */
        long preciseFrom = -1;
        long preciseTo = -1;
        java.util.Map<Long, Long> preciseStart = java.util.Map.of();
        java.util.Map<Long, Long> preciseEnd = java.util.Map.of();
        /** The JIT compilers' threads at either end of the window. */
        final java.util.Set<Long> compilers = new java.util.HashSet<>();
        long finishNanos;
        long finishCpuNanos;
        long finishGcMillis;
        long heapAtFinish;
        String histogramText;

        MeasuringControl(long ticks, boolean histogram) {
            this.tickNanos = new long[(int) Math.min(Integer.MAX_VALUE - 8, ticks + 1)];
            this.tickCpuNanos = new long[tickNanos.length];
            this.tickAllocated = new long[tickNanos.length];
            this.tickJitMillis = new long[tickNanos.length];
            this.histogram = histogram;
        }

        @Override
        public void tickDone(long ticks) {
            if (ticks < tickNanos.length) {
                tickNanos[(int) ticks] = System.nanoTime();
                tickCpuNanos[(int) ticks] = JvmProbe.processCpuNanos();
                tickAllocated[(int) ticks] = JvmProbe.allocatedBytes();
                tickJitMillis[(int) ticks] = JvmProbe.compilationMillis();
                // the compilers' threads listed outside the window: the listing's own CPU is not in it
                if (ticks == preciseFrom) {
                    compilers.addAll(JvmProbe.compilerThreads());
                    preciseStart = JvmProbe.threadCpuNanos();
                }
                if (ticks == preciseTo) {
                    preciseEnd = JvmProbe.threadCpuNanos();
                    compilers.addAll(JvmProbe.compilerThreads());
                }
            }
            super.tickDone(ticks);
        }

        @Override
        public void finish() {
            finishNanos = System.nanoTime();
            finishCpuNanos = JvmProbe.processCpuNanos();
            finishGcMillis = JvmProbe.gcMillis();
            heapAtFinish = JvmProbe.heapUsedAfterGc();
            if (histogram) {
                histogramText = JvmProbe.classHistogram(30);
            }
            measuredNanos = System.nanoTime() - finishNanos;
            super.finish();
        }

        /** Wall nanoseconds this control's own measuring took at the run's end (a full collection, the histogram). */
        long measuredNanos;
    }

    /** The scenario of a case: generated (written to DIR/scenarios/NAME.conf first) or from the library. */
    Scenario scenario(BenchCase c) throws IOException, ScenarioException {
        if (c.isGenerated()) {
            Path file = dir.resolve("scenarios").resolve(c.name() + ".conf");
            Files.createDirectories(file.getParent());
            ballast.app.report.RunWriter.writeAtomically(file, c.hocon());
            return ScenarioLoader.load(file, List.of(), null);
        }
        Scenario scenario = ScenarioLoader.loadResource(c.resource(), c.sets(), null);
        if (c.sweepLabel() == null) {
            return scenario;
        }
        if (scenario.sweep() == null) {
            throw new IllegalStateException(c.resource() + " has no sweep");
        }
        for (Scenario.Point p : scenario.sweep().points()) {
            if (p.label().equals(c.sweepLabel())) {
                return p.scenario();
            }
        }
        throw new IllegalStateException(c.resource() + " has no sweep value " + c.sweepLabel());
    }

    /**
     * The steady window: from the first sample (the end of the touch phase) to the last sample
     * before the final tick, or to the final tick when there is none in between; [0, ticks] when
     * the run has a single sample.
     */
    static long[] window(long ticks, long sampleEveryTicks) {
        long start = sampleEveryTicks < ticks ? sampleEveryTicks : 0;
        long end = ticks;
        long lastBefore = (ticks - 1) / sampleEveryTicks * sampleEveryTicks;
        if (lastBefore > start) {
            end = lastBefore;
        }
        return new long[] {start, end};
    }

    /** Up to {@code max} of the scenario's guests, evenly spaced in canonical order (so the modes mix as in the run). */
    static List<GuestSettings> sample(List<GuestSettings> guests, int max) {
        int n = Math.min(max, guests.size());
        List<GuestSettings> picked = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            picked.add(guests.get((int) ((long) i * guests.size() / n)));
        }
        return picked;
    }

    /**
     * Plays the raw kernel over a sample of the scenario's guests, every tick of the run, timing
     * [start, end) for its figure (its cost over every tick is {@link RawKernel#playedCpuNanosPerAccess}).
     */
    RawKernel raw(Scenario scenario, long start, long end) {
        List<GuestSettings> replayed = sample(scenario.guests(), rawGuests);
        Map<String, HostSettings> hosts = new HashMap<>();
        for (HostSettings h : scenario.hosts()) {
            hosts.put(h.name(), h);
        }
        HostSettings host = replayed.isEmpty() ? scenario.hosts().get(0) : hosts.get(replayed.get(0).host());
        RawKernel raw = new RawKernel(replayed, host.tlbEntries(), host.maxMmuUpdateEntries(), scenario.seed());
        for (long t = 0; t < scenario.ticks(); t++) {
            raw.playTick(t, t >= start && t < end);
        }
        return raw;
    }

    /**
     * A case whose first play simulated fewer accesses than this is played a second time in the
     * same JVM, and the second play is the one measured: in so short a run the steady window is a
     * few hundred milliseconds, and most of its CPU went to compiling and to running code not
     * compiled yet (the JIT compilers' threads count in the process's CPU time, not in the raw
     * kernel's thread time, and the raw kernel's small loop is compiled during its own untimed
     * ticks). The first play's CPU per access is kept in the row ({@link BenchRow#coldCpuNanosPerAccess}).
     * A count of accesses, not a wall time, so that the same scenarios are replayed however busy
     * the machine is.
     */
    public static final long WARM_REPLAY_ACCESSES = 20_000_000;

    /**
     * Runs one case and measures it; a short one ({@link #WARM_REPLAY_ACCESSES}) twice, the second
     * measured, the first's CPU per access kept as its cold figure.
     */
    public BenchRow run(BenchCase c) throws Exception {
        BenchRow first = play(c);
        if (!first.ok() || first.accesses() >= WARM_REPLAY_ACCESSES) {
            return first;
        }
        return play(c).withCold(first.cpuNanosPerAccess());
    }

    /** Plays one case once and measures it. */
    BenchRow play(BenchCase c) throws Exception {
        Scenario scenario = scenario(c);
        long ticks = scenario.ticks();
        long[] window = window(ticks, scenario.sampleEveryTicks());
        RawKernel raw = raw(scenario, window[0], window[1]);
        double[] rawNanos = {raw.nanosPerAccess(), raw.cpuNanosPerAccess(), raw.generationCpuNanosPerAccess(),
                raw.playedCpuNanosPerAccess()};
        long rawWork = raw.timedWork();
        int rawCount = raw.guests();
        raw = null; // its arrays go before the baseline is taken

        long baseline = JvmProbe.heapUsedAfterGc();
        MeasuringControl control = new MeasuringControl(ticks, histogram);
        control.preciseFrom = window[0];
        control.preciseTo = window[1];
        Simulation.Options options = new Simulation.Options(false, Duration.ofSeconds(600), ConfigFactory.empty());
        jdk.jfr.Recording recording = jfr ? startRecording(c.name()) : null;
        long cpu0 = JvmProbe.processCpuNanos();
        long gc0 = JvmProbe.gcMillis();
        long t0 = System.nanoTime();
        RunResult result = Simulation.run(scenario, options, control);
        if (recording != null) {
            recording.stop();
            recording.dump(dir.resolve(c.name() + ".jfr"));
            recording.close();
        }
        if (control.histogramText != null) {
            ballast.app.report.RunWriter.writeAtomically(dir.resolve("heap-" + c.name() + ".txt"),
                    "# class histogram at the end of " + c.name() + " (after a full collection)\n" + control.histogramText);
        }
        return row(c, scenario, result, control, window, rawNanos, rawCount, baseline, t0, cpu0, gc0, rawWork);
    }

    private static jdk.jfr.Recording startRecording(String name) throws IOException, java.text.ParseException {
        jdk.jfr.Recording recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        recording.setName("bench-" + name);
        recording.start();
        return recording;
    }

    static BenchRow row(BenchCase c, Scenario scenario, RunResult result, MeasuringControl control, long[] window,
                        double[] rawNanos, int rawCount, long baseline, long t0, long cpu0, long gc0, long rawWork) {
        long guestPages = 0;
        for (HostStats h : result.hosts()) {
            guestPages += h.guestPages();
        }
        long accesses = 0;
        long touched = 0;
        long mismatches = 0;
        for (GuestStats g : result.guests()) {
            // every read and write the hypervisor applied, the guest OS's page fills included (as the raw kernel counts)
            accesses += g.accesses() + g.pageFills();
            touched += g.pagesTouched();
            mismatches += g.readMismatches();
        }
        long startAccesses = accessesAt(result, window[0], scenario.tickSeconds());
        long endAccesses = window[1] == result.ticksPlayed() ? accesses : accessesAt(result, window[1], scenario.tickSeconds());
        long startNanos = window[0] == 0 ? t0 : control.tickNanos[(int) window[0]];
        long startCpu = window[0] == 0 ? cpu0 : control.tickCpuNanos[(int) window[0]];
        int end = (int) Math.min(window[1], control.tickNanos.length - 1);
        long endNanos = control.tickNanos[end];
        long endCpu = control.tickCpuNanos[end];
        long allocated = window[0] == 0 || control.tickAllocated[end] < 0 ? -1
                : control.tickAllocated[end] - control.tickAllocated[(int) window[0]];
        double jit = window[0] == 0 || control.tickJitMillis[end] < 0 ? Double.NaN
                : (control.tickJitMillis[end] - control.tickJitMillis[(int) window[0]]) / 1000.0;
        boolean complete = result.ticksPlayed() == scenario.ticks() && endNanos > 0 && startNanos > 0;
        double startup = control.tickNanos.length > 1 && control.tickNanos[1] > 0 ? (control.tickNanos[1] - t0) / 1e9 : Double.NaN;
        int guestMib = c.isGenerated() ? c.guestMib() : commonMib(scenario.guests());
        double windowCpu = complete && cpu0 >= 0 ? (endCpu - startCpu) / 1e9 : Double.NaN;
        long precise = window[0] == 0 ? -1 : JvmProbe.threadCpuNanosBetween(control.preciseStart, control.preciseEnd);
        double compilerCpu = Double.NaN;
        if (complete && precise >= 0 && end == window[1]) {
            windowCpu = precise / 1e9; // to the nanosecond, where the process's clock counts in 10 ms ticks
            if (!control.compilers.isEmpty()) {
                compilerCpu = JvmProbe.threadCpuNanosBetween(control.preciseStart, control.preciseEnd, control.compilers) / 1e9;
            }
        }
        double runCpu = cpu0 < 0 ? Double.NaN : (control.finishCpuNanos - cpu0) / 1e9;
        // the run's own wall time ends after the control's finish, whose full collection is the bench's, not the run's
        double wall = result.wallSeconds() - control.measuredNanos / 1e9;
        BenchRow.Around around = !complete || control.finishNanos <= 0 ? BenchRow.Around.UNKNOWN : new BenchRow.Around((startNanos - t0) / 1e9,
                startAccesses, (control.finishNanos - endNanos) / 1e9, accesses - endAccesses);
        return new BenchRow(c.name(), c.group(), spread(c, scenario), scenario.hosts().size(), scenario.guests().size(),
                guestMib, guestPages, touched, result.ticksPlayed() * scenario.tickSeconds(), wall, startup,
                accesses, complete ? endAccesses - startAccesses : 0, complete ? (endNanos - startNanos) / 1e9 : 0,
                windowCpu, complete ? allocated : -1, rawNanos[0], rawNanos[1], rawCount, control.heapAtFinish, baseline,
                runCpu, (control.finishGcMillis - gc0) / 1000.0, mismatches,
                result.ok() && !result.interrupted() && mismatches == 0 && complete, jit, Double.NaN, rawWork, rawNanos[2],
                rawNanos[3], compilerCpu, around);
    }

    /** Accesses of every guest once {@code ticksDone} ticks were played (from the samples taken then). */
    static long accessesAt(RunResult result, long ticksDone, double tickSeconds) {
        if (ticksDone == 0) {
            return 0;
        }
        long sum = 0;
        boolean found = false;
        for (RunResult.Sample s : result.samples()) {
            if (Math.round(s.simulatedSeconds() / tickSeconds) == ticksDone) {
                sum += s.guest().accesses() + s.guest().pageFills();
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("no sample after tick " + ticksDone);
        }
        return sum;
    }

    private static String spread(BenchCase c, Scenario scenario) {
        if (c.isGenerated()) {
            return c.spread();
        }
        int hosts = scenario.hosts().size();
        return hosts == 1 ? "1 x " + scenario.guests().size() : hosts + " hosts";
    }

    private static int commonMib(List<GuestSettings> guests) {
        int pages = guests.isEmpty() ? 0 : guests.get(0).configuredPages();
        for (GuestSettings g : guests) {
            if (g.configuredPages() != pages) {
                return 0;
            }
        }
        return pages / 256;
    }
}
