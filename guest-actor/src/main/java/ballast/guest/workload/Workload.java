package ballast.guest.workload;

import java.util.List;

/**
 * Generates a guest's memory accesses from its {@link WorkloadSettings}, seeded: which phase is
 * running at a simulated time, how many accesses a tick holds (fractions carry over to the next
 * tick), and which page index each access goes to and whether it writes.
 *
 * <p>Page choice: with probability {@code hotAccessFraction} a uniform pick among the hot pages
 * (the first {@code hotFraction} of the working set), else among the cold ones. Uses two random
 * longs per access and allocates nothing; a tick draws its accesses in batches
 * ({@link #peekAccesses}), the same numbers as drawn one by one. Owned by one guest, not thread-safe.
 */
public final class Workload {
    private static final double TWO_TO_64 = 18446744073709551616.0;
    /** The most accesses one {@link #peekAccesses} gives. */
    public static final int MAX_BATCH = SeededStream.MAX_PEEK;

    private final List<Phase> phases;
    private final double[] phaseStart;
    private SeededStream random;
    /** {@link #peekAccesses}'s draws, reused: each access's page draw and write draw. */
    private final long[] pageDraws = new long[MAX_BATCH];
    private final long[] writeDraws = new long[MAX_BATCH];
    private double carry;

    private Phase phase;
    private long hotPages;
    private long coldPages;
    /** A draw's low half below this picks a hot page: in [0, 2^32], 2^32 when there are no cold pages. */
    private long hotBelow;
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
        return (int) pageOf(random.nextLong());
    }

    /** Whether the next access writes. */
    public boolean nextIsWrite() {
        return writeBit(random.nextLong()) != 0;
    }

    /**
     * The next {@code n} accesses ({@code n <= MAX_BATCH}) into {@code accesses[0 .. n)}, each
     * packed as {@link #page} and {@link #isWrite}: the i-th is what the i-th pair of
     * {@link #nextPage()} and {@link #nextIsWrite()} from here would return. The stream does not
     * move; {@link #tookAccesses} moves it past the accesses made. Its loops are counted loops of
     * long arithmetic without branches, which the JIT compiles to vector instructions.
     */
    public void peekAccesses(long[] accesses, int n) {
        long[] pageDraws = this.pageDraws;
        long[] writeDraws = this.writeDraws;
        random.peekPairs(pageDraws, writeDraws, n);
        for (int i = 0; i < n; i++) {
            accesses[i] = pageOf(pageDraws[i]) | writeBit(writeDraws[i]);
        }
    }

    /** Moves the stream past {@code n} accesses (their page and write draws), as if they had been drawn one by one. */
    public void tookAccesses(int n) {
        random.skip(2L * n);
    }

    /** The page of an access packed by {@link #peekAccesses}. */
    public static int page(long access) {
        return (int) access;
    }

    /** An access to {@code page} (at least 0), packed as {@link #peekAccesses} packs them. */
    public static long access(int page, boolean write) {
        return (write ? Long.MIN_VALUE : 0L) | page;
    }

    /** Whether an access packed by {@link #peekAccesses} writes. */
    public static boolean isWrite(long access) {
        return access < 0;
    }

    /**
     * The page a draw picks: hot when its low half is below the hot threshold (always when there are
     * no cold pages), then uniform among the hot or the cold pages by its high half. Without
     * branches (a mask selects hot or cold).
     */
    private long pageOf(long r) {
        long pick = r >>> 32; // uniform in [0, 2^32)
        long hot = ((r & 0xFFFFFFFFL) - hotBelow) >> 63; // -1 when hot, else 0 (both operands in [0, 2^32])
        long size = coldPages ^ ((hotPages ^ coldPages) & hot);
        return (hotPages & ~hot) + ((pick * size) >>> 32);
    }

    /**
     * The sign bit when a draw writes (below the write threshold, unsigned), else 0: the borrow of
     * {@code r - threshold}, without a branch.
     */
    private long writeBit(long r) {
        long t = writeThreshold;
        return ((~r & t) | (~(r ^ t) & (r - t))) & Long.MIN_VALUE;
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
        long hotThreshold = (long) (p.hotAccessFraction() * 4294967296.0);
        hotBelow = coldPages == 0 ? 1L << 32 : Math.max(0, Math.min(1L << 32, hotThreshold));
        writeThreshold = p.writeFraction() >= 1.0 ? -1L : toUnsigned(p.writeFraction() * TWO_TO_64);
    }

    private static long toUnsigned(double d) {
        if (d < 9.223372036854775807E18) {
            return (long) d;
        }
        return (long) (d - 9.223372036854775807E18) + Long.MIN_VALUE;
    }
}
