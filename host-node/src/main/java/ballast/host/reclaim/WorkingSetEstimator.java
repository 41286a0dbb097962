package ballast.host.reclaim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * ESX's statistical working-set estimator for one guest (Waldspurger, OSDI 2002, section 5.3).
 *
 * <p>The algorithm: each period the caller asks for a sample of distinct random PPNs
 * ({@link #samplePages}, 100 by default), invalidates their mappings, and reports each sampled
 * page the guest touches ({@link #touched}); {@link #endPeriod} turns the count into the period's
 * active fraction {@code f = touched / sampled} and folds it into two exponentially weighted
 * moving averages, a slow one and a fast one. The third candidate is the fast average with the
 * current period's partial count folded in (so a burst shows before its period ends). The
 * estimate is the maximum of the three: fast to grow, slow to shrink.
 *
 * <p>Assumptions (the paper gives no gains): slow gain 0.1 (time constant about 10 periods,
 * 5 minutes at 30 s), fast gain 0.5 (about 2 periods). The first completed period seeds both
 * averages with its fraction; before it the estimate is the partial count alone (0 until a touch).
 * A period with no samples (a guest of zero pages) leaves the averages as they were.
 *
 * <p>Cost: sampling is O(n log n) for n samples (distinct draws, then a sort); a touch is a
 * binary search, O(log n); the end of a period is O(n). State: two int arrays of n entries.
 * Ignores: which pages are touched beyond the sample (no per-page state), pages touched more
 * than once, large pages, and the cost of the invalidations (the caller's business). Owned by one
 * caller, not thread-safe; seeded, so deterministic.
 */
public final class WorkingSetEstimator {
    public static final int DEFAULT_SAMPLES = 100;
    public static final double DEFAULT_SLOW_GAIN = 0.1;
    public static final double DEFAULT_FAST_GAIN = 0.5;

    private final SplittableRandom random;
    private final int samplesPerPeriod;
    private final double slowGain;
    private final double fastGain;
    /** This period's sampled PPNs, ascending; the first {@code sampled} entries are valid. */
    private final int[] sample;
    /** 1 when the sampled page at the same index was touched this period. */
    private final byte[] hit;
    private int sampled;
    private int touchedCount;
    private double slow;
    private double fast;
    private boolean seeded;
    private long periods;

    public WorkingSetEstimator(long seed) {
        this(seed, DEFAULT_SAMPLES, DEFAULT_SLOW_GAIN, DEFAULT_FAST_GAIN);
    }

    public WorkingSetEstimator(long seed, int samplesPerPeriod, double slowGain, double fastGain) {
        if (samplesPerPeriod <= 0) {
            throw new IllegalArgumentException("samplesPerPeriod must be positive: " + samplesPerPeriod);
        }
        if (!(slowGain > 0 && slowGain <= 1) || !(fastGain > 0 && fastGain <= 1)) {
            throw new IllegalArgumentException("gains must be in (0, 1]: " + slowGain + ", " + fastGain);
        }
        this.random = new SplittableRandom(seed);
        this.samplesPerPeriod = samplesPerPeriod;
        this.slowGain = slowGain;
        this.fastGain = fastGain;
        this.sample = new int[samplesPerPeriod];
        this.hit = new byte[samplesPerPeriod];
    }

    /**
     * Starts a period: draws min(samples, guestPages) distinct PPNs in [0, guestPages), ascending.
     * Discards the touches of an unfinished period. The returned array is a fresh copy.
     */
    public int[] samplePages(int guestPages) {
        if (guestPages < 0) {
            throw new IllegalArgumentException("guestPages must not be negative: " + guestPages);
        }
        int n = Math.min(samplesPerPeriod, guestPages);
        if (n == guestPages) {
            for (int i = 0; i < n; i++) {
                sample[i] = i;
            }
        } else {
            // Distinct draws by rejection against the (small, sorted) prefix drawn so far.
            int drawn = 0;
            while (drawn < n) {
                int ppn = random.nextInt(guestPages);
                int at = Arrays.binarySearch(sample, 0, drawn, ppn);
                if (at < 0) {
                    int slot = -at - 1;
                    System.arraycopy(sample, slot, sample, slot + 1, drawn - slot);
                    sample[slot] = ppn;
                    drawn++;
                }
            }
        }
        sampled = n;
        touchedCount = 0;
        Arrays.fill(hit, 0, n, (byte) 0);
        return Arrays.copyOf(sample, n);
    }

    /** Reports a touch of {@code ppn}; ignored unless it is in this period's sample and untouched. */
    public void touched(int ppn) {
        int at = Arrays.binarySearch(sample, 0, sampled, ppn);
        if (at >= 0 && hit[at] == 0) {
            hit[at] = 1;
            touchedCount++;
        }
    }

    /** Ends the period: folds {@code touched / sampled} into both averages. */
    public void endPeriod() {
        if (sampled > 0) {
            double f = (double) touchedCount / sampled;
            if (seeded) {
                slow += slowGain * (f - slow);
                fast += fastGain * (f - fast);
            } else {
                slow = f;
                fast = f;
                seeded = true;
            }
            periods++;
        }
        sampled = 0;
        touchedCount = 0;
    }

    /** The slow average of the active fraction. */
    public double slowAverage() {
        return slow;
    }

    /** The fast average of the active fraction. */
    public double fastAverage() {
        return fast;
    }

    /** The fast average with the current period's partial count folded in. */
    public double partialEstimate() {
        if (sampled == 0) {
            return fast;
        }
        double f = (double) touchedCount / sampled;
        return seeded ? fast + fastGain * (f - fast) : f;
    }

    /** The estimated active fraction: the largest of the slow, fast and partial estimates. */
    public double activeFraction() {
        return Math.max(slow, Math.max(fast, partialEstimate()));
    }

    /** The estimated working set of a guest of {@code guestPages} pages, rounded up. */
    public long estimatePages(long guestPages) {
        if (guestPages <= 0) {
            return 0;
        }
        return Math.min(guestPages, (long) Math.ceil(activeFraction() * guestPages - 1e-9));
    }

    /** Completed periods that had samples. */
    public long periods() {
        return periods;
    }

    /**
     * The averages as they stand: what a live migration carries to the guest's next host, so that
     * its allocation there starts from what was learnt here.
     */
    public record Averages(double slow, double fast, boolean seeded, long periods) {
    }

    public Averages averages() {
        return new Averages(slow, fast, seeded, periods);
    }

    /** Takes over {@code a} (from the guest's previous host); the period under way is discarded. */
    public void takeOver(Averages a) {
        slow = a.slow();
        fast = a.fast();
        seeded = a.seeded();
        periods = a.periods();
        sampled = 0;
        touchedCount = 0;
    }
}
