package ballast.app.bench;

/**
 * What one bench scenario measured, and the figures derived from it.
 *
 * <p>Two spans of wall time: the whole run (from the first tick to the end of the last, as the
 * run's own {@code timing}) and the steady window (from the end of the touch phase to a later
 * sample, the same ticks the raw kernel is timed over). The end-to-end cost per access, and its
 * ratio to the raw kernel's, are taken over the window: both then play the same ticks.
 *
 * @param name                scenario name
 * @param group               {@code fixed}, a curve, or both
 * @param spread              how the guests were spread over hosts, e.g. {@code 2 x 32}
 * @param hosts               hosts (hypervisor actors)
 * @param guests              guests
 * @param guestMib            memory of each guest, MiB (0 when they differ)
 * @param guestPages          guest-physical pages of all guests (configured memory / 4 KiB)
 * @param pagesTouched        pages the guests' workloads touched
 * @param simulatedSeconds    simulated seconds played
 * @param wallSeconds         wall seconds of the run, from its clock's start to its end (the bench's own full
 *                            collection at the end left out)
 * @param startupSeconds      wall seconds from the start of the run (scenario read) to the end of its first tick
 * @param accesses            memory accesses simulated (every guest's)
 * @param windowAccesses      accesses in the steady window
 * @param windowWallSeconds   wall seconds of the steady window
 * @param windowCpuSeconds    CPU seconds of the process (all threads) in the steady window
 * @param windowAllocatedBytes heap bytes allocated by every thread in the steady window (-1: unknown)
 * @param rawNanosPerAccess   the raw kernel's wall nanoseconds per access over the same window's ticks
 * @param rawCpuNanosPerAccess the raw kernel's CPU nanoseconds per access (its thread's), the same ticks
 * @param rawGuests           guests the raw kernel replayed (a sample of the scenario's)
 * @param heapBytes           heap used after a full collection at the end of the run, the whole simulation alive
 * @param baselineHeapBytes   heap used after a full collection just before the run
 * @param cpuSeconds          CPU seconds of the process (all threads) over the run
 * @param gcSeconds           wall seconds the collectors took during the run
 * @param readMismatches      reads that did not return what the guest wrote (must be 0)
 * @param ok                  whether the run ended normally with every invariant holding
 * @param windowJitSeconds    seconds the JIT compilers spent compiling in the steady window (part of
 *                            {@code windowCpuSeconds}; NaN when unknown)
 * @param coldCpuNanosPerAccess CPU nanoseconds per access in the steady window of a first play of the
 *                            same scenario in this JVM, when the measured play is a second (warm) one
 *                            (see {@link BenchRunner#WARM_REPLAY_ACCESSES}); NaN otherwise
 * @param rawWork             the raw kernel's fingerprint of the work it timed ({@link RawKernel#timedWork})
 * @param generationCpuNanosPerAccess CPU nanoseconds per access that the replayed guests took to generate
 *                            the raw kernel's ticks and verify their results, on its thread, not in its
 *                            figure ({@link RawKernel#generationCpuNanosPerAccess}); NaN when unknown
 * @param rawPlayedCpuNanosPerAccess the raw kernel's CPU nanoseconds per access over every tick it played,
 *                            the touch phase's included ({@link RawKernel#playedCpuNanosPerAccess}); NaN when unknown
 * @param windowCompilerCpuSeconds CPU seconds of the JIT compilers' threads in the steady window (part of
 *                            {@code windowCpuSeconds}, read to the nanosecond); NaN when unknown
 * @param around              the run's wall time and accesses before and after the steady window
 */
public record BenchRow(String name, String group, String spread, int hosts, int guests, int guestMib, long guestPages,
                       long pagesTouched, double simulatedSeconds, double wallSeconds, double startupSeconds,
                       long accesses, long windowAccesses, double windowWallSeconds, double windowCpuSeconds,
                       long windowAllocatedBytes,
                       double rawNanosPerAccess, double rawCpuNanosPerAccess,
                       int rawGuests, long heapBytes, long baselineHeapBytes, double cpuSeconds, double gcSeconds, long readMismatches,
                       boolean ok, double windowJitSeconds, double coldCpuNanosPerAccess,
                       long rawWork, double generationCpuNanosPerAccess, double rawPlayedCpuNanosPerAccess,
                       double windowCompilerCpuSeconds, Around around) {

    /**
     * The run's wall time outside the steady window, and the accesses made in it: before the window
     * (the run's start, the guests' boot, the first tick, the touch phase) and after it (the ticks
     * after the window's last sample, the final audited tick among them, to the run's end).
     *
     * @param beforeSeconds  wall seconds from the run's start to the window's first tick
     * @param beforeAccesses accesses made before the window
     * @param afterSeconds   wall seconds from the window's last tick to the run's end
     * @param afterAccesses  accesses made after the window
     */
    public record Around(double beforeSeconds, long beforeAccesses, double afterSeconds, long afterAccesses) {
        /** Not measured (the run did not complete its window). */
        public static final Around UNKNOWN = new Around(Double.NaN, 0, Double.NaN, 0);
    }

    /** This row, its CPU per access measured in a warm replay, {@code cold} the first play's. */
    public BenchRow withCold(double cold) {
        return new BenchRow(name, group, spread, hosts, guests, guestMib, guestPages, pagesTouched, simulatedSeconds,
                wallSeconds, startupSeconds, accesses, windowAccesses, windowWallSeconds, windowCpuSeconds,
                windowAllocatedBytes, rawNanosPerAccess, rawCpuNanosPerAccess, rawGuests, heapBytes, baselineHeapBytes,
                cpuSeconds, gcSeconds, readMismatches, ok, windowJitSeconds, cold, rawWork, generationCpuNanosPerAccess, rawPlayedCpuNanosPerAccess,
                windowCompilerCpuSeconds, around);
    }

    /** Whether the figures are those of a warm replay (a first play of the scenario came before). */
    public boolean warm() {
        return !Double.isNaN(coldCpuNanosPerAccess);
    }

    /** Accesses per wall second over the whole run. */
    public double accessesPerWallSecond() {
        return wallSeconds > 0 ? accesses / wallSeconds : Double.NaN;
    }

    /** Accesses per wall second in the steady window. */
    public double windowAccessesPerWallSecond() {
        return windowWallSeconds > 0 ? windowAccesses / windowWallSeconds : Double.NaN;
    }

    /** End-to-end wall nanoseconds per access in the steady window. */
    public double nanosPerAccess() {
        return windowAccesses > 0 ? windowWallSeconds * 1e9 / windowAccesses : Double.NaN;
    }

    /** End-to-end cost per access over the raw kernel's, over the same ticks. */
    public double ratioToRaw() {
        return rawNanosPerAccess > 0 ? nanosPerAccess() / rawNanosPerAccess : Double.NaN;
    }

    /** CPU nanoseconds per access in the steady window, every thread of the process counted. */
    public double cpuNanosPerAccess() {
        return windowAccesses > 0 ? windowCpuSeconds * 1e9 / windowAccesses : Double.NaN;
    }

    /**
     * CPU nanoseconds per access in the steady window without the JIT compilers' threads: the
     * simulator's own work, which a longer run would not dilute (NaN when unknown).
     */
    public double cpuNanosPerAccessWithoutCompilers() {
        return windowAccesses > 0 && !Double.isNaN(windowCompilerCpuSeconds)
                ? (windowCpuSeconds - windowCompilerCpuSeconds) * 1e9 / windowAccesses : Double.NaN;
    }

    /**
     * CPU cost per access (every thread) over the raw kernel's CPU cost (its one thread): the work
     * done, whatever the cores and however busy the machine.
     */
    public double cpuRatioToRaw() {
        return rawCpuNanosPerAccess > 0 ? cpuNanosPerAccess() / rawCpuNanosPerAccess : Double.NaN;
    }

    /**
     * The raw kernel's work plus the guests' generation and verification of the same accesses (which
     * the simulator does as well and the raw kernel's figure leaves out), over the raw kernel's
     * figure: an estimate of the least CPU ratio this scenario could show, were nothing else in the
     * simulator to cost anything. An estimate: the generation is timed on the raw kernel's thread,
     * between its applies, and can cost less in the run. NaN when unknown.
     */
    public double rawPlusGenerationRatio() {
        return rawCpuNanosPerAccess > 0 && !Double.isNaN(generationCpuNanosPerAccess)
                ? (rawCpuNanosPerAccess + generationCpuNanosPerAccess) / rawCpuNanosPerAccess : Double.NaN;
    }

    /** The whole-run rate over the steady window's: how much the touch phase, boot and final audit slow the run. */
    public double wholeOverSteady() {
        return accessesPerWallSecond() / windowAccessesPerWallSecond();
    }

    /**
     * Wall seconds the run spent before the steady window beyond what its accesses there would take
     * at the window's rate: the cost of the start, the boot, the first tick and the touch phase (NaN
     * when unknown).
     */
    public double beforeWindowBeyondSteadySeconds() {
        return around.beforeSeconds() - around.beforeAccesses() / windowAccessesPerWallSecond();
    }

    /** The same after the window: the final audited tick's cost and the run's end (NaN when unknown). */
    public double afterWindowBeyondSteadySeconds() {
        return around.afterSeconds() - around.afterAccesses() / windowAccessesPerWallSecond();
    }

    /**
     * The same for the raw kernel, in its CPU per access: its steady window's over every tick it
     * played (the touch phase's first touches included, no boot or audit). NaN when unknown.
     */
    public double rawWholeOverSteady() {
        return rawPlayedCpuNanosPerAccess > 0 ? rawCpuNanosPerAccess / rawPlayedCpuNanosPerAccess : Double.NaN;
    }

    /** Heap bytes allocated per access in the steady window (message arrays, results, ...), NaN when unknown. */
    public double allocatedBytesPerAccess() {
        return windowAllocatedBytes >= 0 && windowAccesses > 0 ? (double) windowAllocatedBytes / windowAccesses : Double.NaN;
    }

    /** Heap the simulation holds: used at the end minus used before, never negative. */
    public long stateBytes() {
        return Math.max(0, heapBytes - baselineHeapBytes);
    }

    /** Bytes of simulator state per guest-physical page. */
    public double bytesPerGuestPage() {
        return guestPages > 0 ? (double) stateBytes() / guestPages : Double.NaN;
    }

    /** Simulated seconds per wall second: how much faster than real time. */
    public double realTimeFactor() {
        return wallSeconds > 0 ? simulatedSeconds / wallSeconds : Double.NaN;
    }

    /** Cores kept busy on average over the run (CPU seconds over wall seconds). */
    public double coresBusy() {
        return wallSeconds > 0 ? cpuSeconds / wallSeconds : Double.NaN;
    }
}
