package ballast.host.reclaim;

/**
 * Decides each guest's target allocation in pages at a rebalance. One decision method; one small
 * class per algorithm ({@link SharesPolicy}, {@link WorkingSetPolicy}, {@link IdleTaxPolicy}, and
 * the null object {@link KeepCurrentPolicy}), chosen by name through {@link AllocationPolicies}.
 *
 * <p>Contract common to all: every target lies in {@code [min, max]}; when the mins alone do not
 * fit in {@code availablePages} every guest gets its min (admission control should have refused
 * that); otherwise the targets sum to at most {@code availablePages}. A policy may keep scratch
 * arrays between calls, so an instance serves one host and is not thread-safe.
 */
public interface AllocationPolicy {

    /** The name this policy is selected by. */
    String name();

    /**
     * Writes guest {@code i}'s target into {@code outTargets[i]} for each {@code i < demands.count()}.
     *
     * @param availablePages the machine pages the guests may have in all (after overhead and the
     *     free-memory reserve)
     */
    void targets(GuestDemands demands, long availablePages, long[] outTargets);
}
