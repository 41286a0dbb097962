package ballast.host.reclaim;

/**
 * The null policy: no rebalancing. Each guest's target is its current allocation clamped to
 * [min, max] (so a guest above its max, or below its min, is still corrected).
 *
 * <p>Cost: O(n), no allocation. Ignores: everything else, including whether the targets fit in
 * the available pages; use it when the host is not over-committed or reclamation is off.
 */
public final class KeepCurrentPolicy implements AllocationPolicy {
    public static final String NAME = "none";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void targets(GuestDemands demands, long availablePages, long[] outTargets) {
        int n = demands.count();
        for (int i = 0; i < n; i++) {
            outTargets[i] = Math.max(demands.min[i], Math.min(demands.max[i], demands.currentPages[i]));
        }
    }

    @Override
    public String toString() {
        return NAME;
    }
}
