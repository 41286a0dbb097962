package ballast.guest.workload;

import java.util.List;

/**
 * Generates a guest's memory accesses from its {@link WorkloadSettings}, seeded: which phase is
 * running at a simulated time, how many accesses a tick holds (fractions carry over to the next
 * tick), and which page index each access goes to and whether it writes.
 *
 * <p>Page choice: with probability {@code hotAccessFraction} a uniform pick among the hot pages
 * (the first {@code hotFraction} of the working set), else among the cold ones. Uses two random
 * longs per access and allocates nothing. Owned by one guest, not thread-safe.
 */
public final class Workload {
    private static final double TWO_TO_64 = 18446744073709551616.0;

    private final List<Phase> phases;
    private final double[] phaseStart;
    private SeededStream random;
    private double carry;

    private Phase phase;
    private long hotPages;
    private long coldPages;
    private long hotThreshold;
    private long writeThreshold;

    public Workload(WorkloadSettings settings, long seed) {
        this.phases = settings.phases();
        this.phaseStart = new double[phases.size()];
        double t = 0;
        for (int i = 0; i < phases.size(); i++) {
            phaseStart[i] = t;
            t += phases.get(i).durationSeconds();
        }
        this.random = new SeededStream(seed);
        select(phases.get(0));
    }

    /** The phase running at simulated second {@code t}. */
    public Phase phaseAt(double t) {
        int i = phases.size() - 1;
        while (i > 0 && t < phaseStart[i]) {
            i--;
        }
        return phases.get(i);
    }

    /**
     * Starts the tick covering [{@code t}, {@code t + dt}): selects the phase and returns how many
     * accesses the tick holds.
     */
    public int beginTick(double t, double dt) {
        Phase p = phaseAt(t);
        if (p != phase) {
            select(p);
        }
        if (p.workingSetPages() == 0) {
            return 0;
        }
        double exact = p.accessesPerSecond() * dt + carry;
        long whole = (long) Math.floor(exact);
        carry = exact - whole;
        return (int) Math.min(Integer.MAX_VALUE, whole);
    }

    public Phase phase() {
        return phase;
    }

    public int workingSetPages() {
        return phase.workingSetPages();
    }

    /** The page index of the next access, in [0, working set). */
    public int nextPage() {
        long r = random.nextLong();
        long pick = r >>> 32; // uniform in [0, 2^32)
        if (coldPages == 0 || (r & 0xFFFFFFFFL) < hotThreshold) {
            return (int) ((pick * hotPages) >>> 32);
        }
        return (int) (hotPages + ((pick * coldPages) >>> 32));
    }

    /** Whether the next access writes. */
    public boolean nextIsWrite() {
        return Long.compareUnsigned(random.nextLong(), writeThreshold) < 0;
    }

    /** The stream's state and the fraction of an access carried over: all a saved guest needs to go on. */
    public long randomState() {
        return random.state();
    }

    public double carry() {
        return carry;
    }

    /** Continues from a saved {@link #randomState()} and {@link #carry()} (the phase follows from the time). */
    public void restore(long randomState, double carry) {
        this.random = new SeededStream(randomState);
        this.carry = carry;
    }

    private void select(Phase p) {
        phase = p;
        long ws = p.workingSetPages();
        hotPages = Math.max(1, Math.min(ws, Math.round(ws * p.hotFraction())));
        coldPages = ws - hotPages;
        hotThreshold = (long) (p.hotAccessFraction() * 4294967296.0);
        writeThreshold = p.writeFraction() >= 1.0 ? -1L : toUnsigned(p.writeFraction() * TWO_TO_64);
    }

    private static long toUnsigned(double d) {
        if (d < 9.223372036854775807E18) {
            return (long) d;
        }
        return (long) (d - 9.223372036854775807E18) + Long.MIN_VALUE;
    }
}
