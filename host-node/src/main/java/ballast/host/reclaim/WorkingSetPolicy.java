package ballast.host.reclaim;

/**
 * Demand-driven: each guest's target is its estimated working set ({@code ceil(f * P)}, P its
 * current allocation) plus a headroom fraction of it (default 25%, an assumption: room for the
 * working set to grow before the next estimate), clamped to [min, max]. When the demands do not
 * fit, every guest keeps its min and the part of its demand above the min is scaled down by one
 * common factor (proportionally); memory left over when they fit stays free.
 *
 * <p>Cost: O(n) per rebalance, no allocation. Ignores: shares (a large working set wins however
 * little it pays), the estimator's lag (a guest whose f was measured against a small P can grow
 * by at most the headroom per rebalance), and what moving pages costs.
 */
public final class WorkingSetPolicy implements AllocationPolicy {
    public static final String NAME = "working-set";
    public static final double DEFAULT_HEADROOM = 0.25;

    private final double headroom;

    public WorkingSetPolicy() {
        this(DEFAULT_HEADROOM);
    }

    public WorkingSetPolicy(double headroom) {
        if (!(headroom >= 0) || Double.isInfinite(headroom)) {
            throw new IllegalArgumentException("headroom must be finite and not negative: " + headroom);
        }
        this.headroom = headroom;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void targets(GuestDemands demands, long availablePages, long[] outTargets) {
        int n = demands.count();
        long[] min = demands.min;
        long[] max = demands.max;
        double[] f = demands.activeFraction;
        long[] current = demands.currentPages;
        long sumMin = 0;
        long sumDemand = 0;
        for (int i = 0; i < n; i++) {
            long demand = demand(min[i], max[i], f[i], current[i]);
            outTargets[i] = demand;
            sumMin += min[i];
            sumDemand += demand;
        }
        if (sumDemand <= availablePages) {
            return;
        }
        if (sumMin >= availablePages) {
            System.arraycopy(min, 0, outTargets, 0, n);
            return;
        }
        double scale = (double) (availablePages - sumMin) / (sumDemand - sumMin);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            long t = min[i] + (long) Math.floor((outTargets[i] - min[i]) * scale);
            outTargets[i] = Math.min(t, outTargets[i]);
            sum += outTargets[i];
        }
        // Rounding remainder: one page each to guests below their (unscaled) demand.
        for (int i = 0; i < n && sum < availablePages; i++) {
            if (outTargets[i] < demand(min[i], max[i], f[i], current[i])) {
                outTargets[i]++;
                sum++;
            }
        }
    }

    /** The working set plus headroom, clamped to [min, max]. */
    long demand(long min, long max, double f, long current) {
        double workingSet = Math.ceil(f * current - 1e-9);
        double want = Math.ceil(workingSet * (1 + headroom) - 1e-9);
        return want >= max ? max : Math.max(min, (long) want);
    }

    @Override
    public String toString() {
        return NAME + "(headroom=" + headroom + ")";
    }
}
