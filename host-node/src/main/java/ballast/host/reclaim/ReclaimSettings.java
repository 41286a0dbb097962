package ballast.host.reclaim;

/**
 * A host's memory reclamation and allocation, as configured ({@code hosts.NAME.policy},
 * {@code hosts.NAME.free-states}, {@code hosts.NAME.swap}). Defaults from ESX (Waldspurger, OSDI 2002).
 *
 * @param enabled               whether the host reclaims at all (off: no targets, no balloon, no paging)
 * @param policy                the allocation policy's name ({@link AllocationPolicies}): {@code shares},
 *                              {@code working-set} or {@code idle-tax}
 * @param tau                   the idle memory tax rate, in [0, 1) (idle-tax only; default 0.75)
 * @param headroom              working-set policy: extra fraction of the estimate a guest is given
 * @param balancePeriodSeconds  simulated seconds between rebalances (default 15); also on every
 *                              change of free-memory state
 * @param samplePeriodSeconds   working-set sampling period in simulated guest seconds (default 30)
 * @param samplesPerPeriod      PPNs sampled per guest per period (default 100)
 * @param highFraction          free memory (fraction of the host's frames) at or above which the host is
 *                              in the high state (default 0.06); {@code soft}, {@code hard},
 *                              {@code low} likewise (0.04, 0.02, 0.01)
 * @param hysteresisFraction    how far above a threshold free memory must climb to move back up a
 *                              state, as a fraction of the host's frames (default 0.005)
 * @param swapPages             host swap capacity, in pages
 * @param swapInCycles          CPU cycles a host swap-in costs the faulting guest
 * @param swapOutPagesPerSecond pages the hypervisor may swap out per simulated second
 * @param overheadPages         machine pages reserved per guest for the hypervisor's own overhead
 *                              (admission control counts them)
 * @param tickSeconds           simulated seconds per tick
 */
public record ReclaimSettings(boolean enabled, String policy, double tau, double headroom,
                              double balancePeriodSeconds, double samplePeriodSeconds, int samplesPerPeriod,
                              double highFraction, double softFraction, double hardFraction, double lowFraction,
                              double hysteresisFraction, long swapPages, long swapInCycles,
                              double swapOutPagesPerSecond, int overheadPages, double tickSeconds) {

    /** No reclamation (the behaviour of a host before reclamation existed). */
    public static final ReclaimSettings DISABLED = new ReclaimSettings(false, IdleTaxPolicy.NAME, 0.75, 0.25,
            15, 30, 100, 0.06, 0.04, 0.02, 0.01, 0.005, 0, 7150 * 3, 4096, 0, 0.1);

    public ReclaimSettings {
        if (!(tau >= 0 && tau < 1)) {
            throw new IllegalArgumentException("tau must be in [0, 1): " + tau);
        }
        if (!(lowFraction >= 0 && lowFraction <= hardFraction && hardFraction <= softFraction
                && softFraction <= highFraction && highFraction < 1)) {
            throw new IllegalArgumentException("need 0 <= low <= hard <= soft <= high < 1");
        }
        if (!(balancePeriodSeconds > 0) || !(samplePeriodSeconds > 0) || samplesPerPeriod < 1 || !(tickSeconds > 0)) {
            throw new IllegalArgumentException("periods, samples and the tick must be positive");
        }
        if (swapPages < 0 || swapInCycles < 0 || !(swapOutPagesPerSecond >= 0) || overheadPages < 0
                || !(hysteresisFraction >= 0) || !(headroom >= 0)) {
            throw new IllegalArgumentException("swap, overhead, hysteresis and headroom must not be negative");
        }
        if (policy == null || !AllocationPolicies.names().contains(policy)) {
            throw new IllegalArgumentException("unknown allocation policy " + policy + "; known: " + AllocationPolicies.names());
        }
    }

    /** The same settings with another policy and tax rate (a timed event). */
    public ReclaimSettings withPolicy(String newPolicy, double newTau) {
        return new ReclaimSettings(enabled, newPolicy, newTau, headroom, balancePeriodSeconds, samplePeriodSeconds,
                samplesPerPeriod, highFraction, softFraction, hardFraction, lowFraction, hysteresisFraction, swapPages,
                swapInCycles, swapOutPagesPerSecond, overheadPages, tickSeconds);
    }
}
