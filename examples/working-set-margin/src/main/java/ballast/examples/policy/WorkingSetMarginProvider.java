package ballast.examples.policy;

import ballast.host.reclaim.AllocationPolicy;
import ballast.host.reclaim.AllocationPolicyProvider;
import ballast.host.reclaim.ReclaimSettings;

/**
 * Offers {@link WorkingSetMarginPolicy} as {@code policy.name = working-set-margin}, with the
 * host's {@code policy.headroom} as its margin fraction. Listed in
 * {@code META-INF/services/ballast.host.reclaim.AllocationPolicyProvider}.
 */
public final class WorkingSetMarginProvider implements AllocationPolicyProvider {
    @Override
    public String name() {
        return WorkingSetMarginPolicy.NAME;
    }

    @Override
    public AllocationPolicy create(ReclaimSettings settings) {
        return new WorkingSetMarginPolicy(settings.headroom());
    }
}
