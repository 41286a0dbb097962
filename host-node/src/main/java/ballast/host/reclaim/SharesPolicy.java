package ballast.host.reclaim;

/**
 * Proportional share: each guest's target is proportional to its shares, within [min, max], by
 * water-filling: a guest held at its max releases its surplus to the others, and a guest whose
 * share falls below its min keeps the min at the others' expense. With room for every max,
 * everyone gets its max.
 *
 * <p>Cost: O(n log n) per rebalance (a sort of 2n breakpoints), no allocation after the first
 * call. Ignores: activity (an idle guest keeps its full share; see {@link IdleTaxPolicy}), the
 * current allocation (no damping of moves), and what moving pages costs (ballooning, paging).
 */
public final class SharesPolicy implements AllocationPolicy {
    public static final String NAME = "shares";

    private final WaterFill waterFill = new WaterFill();
    private double[] weight = new double[0];

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void targets(GuestDemands demands, long availablePages, long[] outTargets) {
        int n = demands.count();
        if (weight.length < n) {
            weight = new double[Math.max(n, 2 * weight.length)];
        }
        System.arraycopy(demands.shares, 0, weight, 0, n);
        waterFill.fill(demands, weight, availablePages, outTargets);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
