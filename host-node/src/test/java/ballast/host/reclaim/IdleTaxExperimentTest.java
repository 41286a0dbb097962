package ballast.host.reclaim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

/**
 * ESX's idle memory tax experiment (Waldspurger, OSDI 2002, section 5.2), on the policy alone: two
 * guests of 256 MB (65,536 pages), equal shares, about 360 MB (92,160 pages) for both; one idle
 * (about 5% of its pages active), one busy (every page active, dbench in the paper).
 *
 * <p>Expected, from the paper: with tau = 0 both settle near 179 MB; with tau = 0.75 the idle one
 * falls to about 100 MB and the busy one rises to about 245 MB. Here tau = 0 gives 180 / 180 MB;
 * tau = 0.75 gives 104 MB and 256 MB: the busy guest reaches its max, where the paper's stops
 * about 11 MB short (its overhead and free-memory reserve are not modelled). Both within 15%.
 *
 * <p>The settle: f is measured against the allocation the policy changes (the idle guest's 3,277
 * active pages are a larger fraction of a smaller allocation), so the second pair of tests feeds
 * the allocation back, measuring f with a {@link WorkingSetEstimator} over the allocated pages
 * each round, for 30 rounds (a few suffice: the busy guest is pinned at its max, and the idle
 * guest's weight S / (f + 4 (1 - f)) moves little as f rises from 5% to 12%).
 */
class IdleTaxExperimentTest {
    static final long GUEST_PAGES = 65536;
    static final long AVAILABLE = 92160;
    static final double SHARES = 10 * 256; // normal: 10 per MB
    static final long IDLE_ACTIVE = Math.round(0.05 * GUEST_PAGES);
    static final long BUSY_ACTIVE = GUEST_PAGES;

    static double mb(long pages) {
        return pages / 256.0;
    }

    static long[] once(double tau, double idleF, double busyF) {
        GuestDemands d = new GuestDemands(2);
        d.add(0, GUEST_PAGES, SHARES, idleF, GUEST_PAGES);
        d.add(0, GUEST_PAGES, SHARES, busyF, GUEST_PAGES);
        long[] out = new long[2];
        new IdleTaxPolicy(tau).targets(d, AVAILABLE, out);
        return out;
    }

    /** Rebalances {@code rounds} times, f of each guest measured over its current allocation. */
    static long[] settle(double tau, int rounds) {
        IdleTaxPolicy policy = new IdleTaxPolicy(tau);
        GuestDemands d = new GuestDemands(2);
        d.add(0, GUEST_PAGES, SHARES, 1, GUEST_PAGES);
        d.add(0, GUEST_PAGES, SHARES, 1, GUEST_PAGES);
        long[] active = {IDLE_ACTIVE, BUSY_ACTIVE};
        WorkingSetEstimator[] estimators = {new WorkingSetEstimator(1), new WorkingSetEstimator(2)};
        long[] out = new long[2];
        for (int round = 0; round < rounds; round++) {
            for (int g = 0; g < 2; g++) {
                // The guest's active pages are its first PPNs, as many as it still has.
                long p = d.currentPages(g);
                for (int ppn : estimators[g].samplePages((int) p)) {
                    if (ppn < active[g]) {
                        estimators[g].touched(ppn);
                    }
                }
                estimators[g].endPeriod();
                d.observe(g, estimators[g].activeFraction(), p);
            }
            policy.targets(d, AVAILABLE, out);
            for (int g = 0; g < 2; g++) {
                d.observe(g, d.activeFraction(g), out[g]);
            }
        }
        return out;
    }

    @Test
    void withoutTaxBothSettleNear179Mb() {
        long[] out = once(0, 0.05, 1.0);
        assertThat(mb(out[0])).isCloseTo(179, withinPercentage(15));
        assertThat(mb(out[1])).isCloseTo(179, withinPercentage(15));
        assertThat(out[0] + out[1]).isEqualTo(AVAILABLE);
    }

    @Test
    void withTaxTheIdleGuestFallsTo100MbAndTheBusyRisesTo245Mb() {
        long[] out = once(0.75, 0.05, 1.0);
        assertThat(mb(out[0])).isCloseTo(100, withinPercentage(15));
        assertThat(mb(out[1])).isCloseTo(245, withinPercentage(15));
        assertThat(out[0] + out[1]).isEqualTo(AVAILABLE);
    }

    @Test
    void withoutTaxTheSettledAllocationsStayEqual() {
        long[] out = settle(0, 30);
        assertThat(out).containsExactly(46080, 46080);
    }

    @Test
    void withTaxTheSettledAllocationsMatchThePaper() {
        long[] out = settle(0.75, 30);
        assertThat(mb(out[0])).isCloseTo(100, withinPercentage(15));
        assertThat(mb(out[1])).isCloseTo(245, withinPercentage(15));
        assertThat(out[0] + out[1]).isEqualTo(AVAILABLE);
        // The idle guest is still taxed: it never gets back above its untaxed share.
        assertThat(out[0]).isLessThan(46080);
    }
}
