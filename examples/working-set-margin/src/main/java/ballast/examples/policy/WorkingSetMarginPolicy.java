package ballast.examples.policy;

import ballast.host.reclaim.AllocationPolicy;
import ballast.host.reclaim.GuestDemands;

/**
 * Keeps each guest's allocation at its working-set estimate plus a margin: the margin is the
 * larger of a fraction of the working set ({@code policy.headroom}) and a floor of
 * {@value #MIN_MARGIN_PAGES} pages (4 MiB), so that a small guest keeps room to grow too. Targets
 * lie in [min, max].
 *
 * <p>Short of memory it gives up the margins before the working sets: when the working sets alone
 * (clamped to [min, max]) fit, every guest gets its working set and what is left is shared out over
 * the margins in proportion to their sizes; when they do not fit, every guest keeps its min and the
 * part of its working set above it is scaled down by one common factor.
 *
 * <p>Cost: O(guests) per rebalance, no allocation. Compare with the built-in {@code working-set}
 * policy, which scales working sets and headroom down together.
 */
public final class WorkingSetMarginPolicy implements AllocationPolicy {
    public static final String NAME = "working-set-margin";
    /** The smallest margin: 4 MiB of 4 KiB pages. */
    public static final long MIN_MARGIN_PAGES = 1024;

    private final double marginFraction;
    /** Scratch: each guest's working set clamped to [min, max]; grows with the guests, reused. */
    private long[] core = new long[0];

    public WorkingSetMarginPolicy(double marginFraction) {
        if (!(marginFraction >= 0) || Double.isInfinite(marginFraction)) {
            throw new IllegalArgumentException("the margin must be finite and not negative: " + marginFraction);
        }
        this.marginFraction = marginFraction;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Guest {@code i}'s estimated working set in pages: its active fraction of its current allocation. */
    static long workingSet(GuestDemands d, int i) {
        return (long) Math.ceil(d.activeFraction(i) * d.currentPages(i) - 1e-9);
    }

    /** The working set plus its margin, clamped to [min, max]. */
    long wanted(GuestDemands d, int i) {
        long ws = workingSet(d, i);
        long margin = Math.max(MIN_MARGIN_PAGES, (long) Math.ceil(ws * marginFraction - 1e-9));
        return clamp(ws + margin, d.min(i), d.max(i));
    }

    private static long clamp(long v, long min, long max) {
        return Math.max(min, Math.min(max, v));
    }

    @Override
    public void targets(GuestDemands demands, long availablePages, long[] outTargets) {
        int n = demands.count();
        if (core.length < n) {
            core = new long[Math.max(n, core.length * 2)];
        }
        long sumWanted = 0;
        long sumCore = 0;
        long sumMin = 0;
        for (int i = 0; i < n; i++) {
            outTargets[i] = wanted(demands, i);
            core[i] = clamp(workingSet(demands, i), demands.min(i), demands.max(i));
            sumWanted += outTargets[i];
            sumCore += core[i];
            sumMin += demands.min(i);
        }
        if (sumWanted <= availablePages) {
            return; // everyone gets working set and margin; the rest stays free
        }
        if (sumMin >= availablePages) {
            for (int i = 0; i < n; i++) {
                outTargets[i] = demands.min(i);
            }
            return;
        }
        if (sumCore <= availablePages) {
            // the working sets fit: share what is left over the margins, in proportion to them
            long spare = availablePages - sumCore;
            long sumMargins = sumWanted - sumCore;
            long given = 0;
            for (int i = 0; i < n; i++) {
                long margin = outTargets[i] - core[i];
                long share = sumMargins == 0 ? 0 : (long) Math.floor((double) margin * spare / sumMargins);
                outTargets[i] = core[i] + share;
                given += share;
            }
            for (int i = 0; i < n && given < spare; i++) { // rounding: a page each, in order
                if (outTargets[i] < wanted(demands, i)) {
                    outTargets[i]++;
                    given++;
                }
            }
            return;
        }
        // not even the working sets fit: mins kept, the rest of each working set scaled down alike
        double scale = (double) (availablePages - sumMin) / (sumCore - sumMin);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            outTargets[i] = demands.min(i) + (long) Math.floor((core[i] - demands.min(i)) * scale);
            sum += outTargets[i];
        }
        for (int i = 0; i < n && sum < availablePages; i++) {
            if (outTargets[i] < core[i]) {
                outTargets[i]++;
                sum++;
            }
        }
    }

    @Override
    public String toString() {
        return NAME + "(margin=" + marginFraction + ", at least " + MIN_MARGIN_PAGES + " pages)";
    }
}
