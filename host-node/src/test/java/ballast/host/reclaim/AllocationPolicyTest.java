package ballast.host.reclaim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AllocationPolicyTest {

    static long sum(long[] a, int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i];
        }
        return s;
    }

    static void assertWithinBounds(GuestDemands d, long[] out) {
        for (int i = 0; i < d.count(); i++) {
            assertThat(out[i]).as("guest %d", i).isBetween(d.min(i), d.max(i));
        }
    }

    /** Random guests: mins and maxes up to a few thousand pages, shares, activity, allocations. */
    static GuestDemands randomGuests(SplittableRandom r, int n) {
        GuestDemands d = new GuestDemands(1);
        for (int i = 0; i < n; i++) {
            long max = 1 + r.nextInt(3000);
            long min = r.nextInt(4) == 0 ? 0 : r.nextLong(max + 1) / 2;
            double shares = r.nextInt(10) == 0 ? 0 : 5 + r.nextInt(20);
            d.add(min, max, shares, r.nextDouble(), r.nextLong(max + 1));
        }
        return d;
    }

    // --- shares ---

    @Test
    void sharesSplitInProportionWhenNobodyIsClamped() {
        GuestDemands d = new GuestDemands(3);
        d.add(0, 10000, 10, 1, 0);
        d.add(0, 10000, 20, 1, 0);
        d.add(0, 10000, 30, 1, 0);
        long[] out = new long[3];
        new SharesPolicy().targets(d, 6000, out);
        assertThat(out).containsExactly(1000, 2000, 3000);
    }

    @Test
    void aGuestCappedAtMaxReleasesItsSurplus() {
        GuestDemands d = new GuestDemands(3);
        d.add(0, 500, 10, 1, 0); // its share would be 2000
        d.add(0, 10000, 10, 1, 0);
        d.add(0, 10000, 10, 1, 0);
        long[] out = new long[3];
        new SharesPolicy().targets(d, 6000, out);
        assertThat(out).containsExactly(500, 2750, 2750);
    }

    @Test
    void aGuestHeldAtMinTakesFromTheOthers() {
        GuestDemands d = new GuestDemands(3);
        d.add(4000, 10000, 10, 1, 0); // its share would be 2000
        d.add(0, 10000, 10, 1, 0);
        d.add(0, 10000, 10, 1, 0);
        long[] out = new long[3];
        new SharesPolicy().targets(d, 6001, out);
        assertThat(out).containsExactly(4000, 1001, 1000);
    }

    @Test
    void everyoneGetsMaxWhenTheyFitAndMinWhenMinsDoNot() {
        GuestDemands d = new GuestDemands(2);
        d.add(100, 1000, 10, 1, 0);
        d.add(200, 2000, 10, 1, 0);
        long[] out = new long[2];
        new SharesPolicy().targets(d, 5000, out);
        assertThat(out).containsExactly(1000, 2000);
        new SharesPolicy().targets(d, 250, out);
        assertThat(out).containsExactly(100, 200);
    }

    @Test
    void sharesOnRandomGuestsFillExactlyWithinBoundsAndLevelled() {
        SplittableRandom r = new SplittableRandom(11);
        SharesPolicy policy = new SharesPolicy();
        for (int round = 0; round < 300; round++) {
            int n = 1 + r.nextInt(40);
            GuestDemands d = randomGuests(r, n);
            long sumMin = 0;
            long sumMax = 0;
            for (int i = 0; i < n; i++) {
                sumMin += d.min(i);
                sumMax += d.max(i);
            }
            long available = sumMin + r.nextLong(sumMax - sumMin + 1);
            long[] out = new long[n];
            policy.targets(d, available, out);
            assertWithinBounds(d, out);
            // The mins fit by construction, so the targets fill the memory exactly (or every max).
            assertThat(sum(out, n)).as("round %d", round).isEqualTo(Math.min(available, sumMax));
            // Water-filling: a guest strictly inside its bounds has pages per share within one page
            // of every other such guest's, and no guest at its min has a higher level.
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (d.shares(i) > 0 && d.shares(j) > 0 && out[i] > d.min(i) && out[j] < d.max(j)) {
                        assertThat((out[i] - 1) / d.shares(i))
                                .as("round %d guests %d %d", round, i, j)
                                .isLessThanOrEqualTo((out[j] + 1) / d.shares(j));
                    }
                }
            }
        }
    }

    // --- idle tax ---

    @Test
    void idleTaxWithZeroRateIsPlainShares() {
        SplittableRandom r = new SplittableRandom(3);
        SharesPolicy shares = new SharesPolicy();
        IdleTaxPolicy untaxed = new IdleTaxPolicy(0);
        for (int round = 0; round < 200; round++) {
            int n = 1 + r.nextInt(30);
            GuestDemands d = randomGuests(r, n);
            long available = r.nextLong(40000);
            long[] a = new long[n];
            long[] b = new long[n];
            shares.targets(d, available, a);
            untaxed.targets(d, available, b);
            assertThat(b).containsExactly(a);
        }
    }

    /**
     * The idle tax as ESX states it: from every guest at its max, take one page at a time from
     * the guest with the lowest rho that is above its min, until the total fits.
     */
    static long[] revokePageByPage(GuestDemands d, long available, IdleTaxPolicy tax) {
        int n = d.count();
        long[] p = new long[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            p[i] = d.max(i);
            total += p[i];
        }
        while (total > available) {
            int victim = -1;
            double lowest = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (p[i] > d.min(i)) {
                    double rho = tax.rho(d.shares(i), p[i], d.activeFraction(i));
                    if (victim < 0 || rho < lowest) {
                        victim = i;
                        lowest = rho;
                    }
                }
            }
            if (victim < 0) {
                break;
            }
            p[victim]--;
            total--;
        }
        return p;
    }

    @Test
    void idleTaxMatchesPageByPageMinFundingRevocation() {
        SplittableRandom r = new SplittableRandom(17);
        for (double tau : new double[] {0, 0.5, 0.75, 0.9}) {
            IdleTaxPolicy tax = new IdleTaxPolicy(tau);
            for (int round = 0; round < 60; round++) {
                int n = 2 + r.nextInt(6);
                GuestDemands d = randomGuests(r, n);
                long sumMax = 0;
                for (int i = 0; i < n; i++) {
                    sumMax += d.max(i);
                }
                long available = r.nextLong(sumMax + 1);
                long[] expected = revokePageByPage(d, available, tax);
                long[] out = new long[n];
                tax.targets(d, available, out);
                assertWithinBounds(d, out);
                for (int i = 0; i < n; i++) {
                    // Equal up to the last page of rounding (ties go either way).
                    assertThat(Math.abs(out[i] - expected[i]))
                            .as("tau %s round %d guest %d: %s vs %s", tau, round, i,
                                    Arrays.toString(out), Arrays.toString(expected))
                            .isLessThanOrEqualTo(1);
                }
            }
        }
    }

    @Test
    void idleTaxTakesFromTheIdleGuestFirst() {
        GuestDemands d = new GuestDemands(2);
        d.add(0, 10000, 10, 0.0, 10000);
        d.add(0, 10000, 10, 1.0, 10000);
        long[] out = new long[2];
        new IdleTaxPolicy(0.75).targets(d, 10000, out);
        // Weights 10 / 4 and 10 / 1: the idle guest gets a fifth.
        assertThat(out).containsExactly(2000, 8000);
        assertThatThrownBy(() -> new IdleTaxPolicy(1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdleTaxPolicy(-0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- working set ---

    @Test
    void workingSetGivesDemandPlusHeadroomWhenItFits() {
        GuestDemands d = new GuestDemands(3);
        d.add(0, 10000, 10, 0.5, 4000); // 2000 + 25%
        d.add(3000, 10000, 10, 0.1, 4000); // 500 + 25%, below min
        d.add(0, 2000, 10, 1.0, 2000); // 2500, above max
        long[] out = new long[3];
        new WorkingSetPolicy().targets(d, 100000, out);
        assertThat(out).containsExactly(2500, 3000, 2000);
    }

    @Test
    void workingSetScalesTheSurplusOverMinWhenOverCommitted() {
        GuestDemands d = new GuestDemands(2);
        d.add(1000, 10000, 10, 1.0, 8000); // demand 10000 (max), surplus 9000
        d.add(1000, 10000, 10, 1.0, 4000); // demand 5000, surplus 4000
        long[] out = new long[2];
        new WorkingSetPolicy().targets(d, 2000 + 6500, out);
        assertThat(out).containsExactly(1000 + 4500, 1000 + 2000);
        new WorkingSetPolicy(0).targets(d, 1500, out);
        assertThat(out).containsExactly(1000, 1000);
    }

    @Test
    void workingSetOnRandomGuestsFitsAndStaysWithinBounds() {
        SplittableRandom r = new SplittableRandom(23);
        WorkingSetPolicy policy = new WorkingSetPolicy();
        for (int round = 0; round < 300; round++) {
            int n = 1 + r.nextInt(40);
            GuestDemands d = randomGuests(r, n);
            long sumMin = 0;
            long sumDemand = 0;
            for (int i = 0; i < n; i++) {
                sumMin += d.min(i);
                sumDemand += policy.demand(d.min(i), d.max(i), d.activeFraction(i), d.currentPages(i));
            }
            long available = r.nextLong(sumDemand + 2000);
            long[] out = new long[n];
            policy.targets(d, available, out);
            assertWithinBounds(d, out);
            long expected = available >= sumDemand ? sumDemand : Math.max(available, sumMin);
            assertThat(sum(out, n)).as("round %d", round).isEqualTo(expected);
        }
    }

    // --- null object and registry ---

    @Test
    void keepCurrentClampsTheCurrentAllocation() {
        GuestDemands d = new GuestDemands(3);
        d.add(100, 1000, 10, 0.5, 500);
        d.add(100, 1000, 10, 0.5, 5000);
        d.add(100, 1000, 10, 0.5, 0);
        long[] out = new long[3];
        new KeepCurrentPolicy().targets(d, 0, out);
        assertThat(out).containsExactly(500, 1000, 100);
    }

    @Test
    void registrySelectsByName() {
        assertThat(AllocationPolicies.names()).containsExactly("none", "shares", "working-set", "idle-tax");
        for (String name : AllocationPolicies.names()) {
            AllocationPolicy p = AllocationPolicies.byName(name);
            assertThat(p.name()).isEqualTo(name);
            assertThat(AllocationPolicies.byName(name)).isNotSameAs(p);
        }
        assertThat(AllocationPolicies.byName("idle-tax")).isInstanceOf(IdleTaxPolicy.class);
        assertThat(((IdleTaxPolicy) AllocationPolicies.byName("idle-tax")).taxRate()).isEqualTo(0.75);
        assertThatThrownBy(() -> AllocationPolicies.byName("lottery"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idle-tax");
    }

    @Test
    void demandsRefuseNonsense() {
        GuestDemands d = new GuestDemands(0);
        assertThatThrownBy(() -> d.add(10, 5, 1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.add(0, 5, -1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.add(0, 5, 1, 1.5, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.add(0, 5, 1, Double.NaN, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.add(0, 5, 1, 0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(d.count()).isZero();
        for (int i = 0; i < 100; i++) {
            d.add(0, 5, 1, 0, 0);
        }
        assertThat(d.count()).isEqualTo(100);
    }
}
