package ballast.host;

import static ballast.host.ReclaimHosts.host;
import static ballast.host.ReclaimHosts.reclaim;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.ReclaimHosts.Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hypervisor's working-set estimate, measured by its own sampling in the miss path, follows
 * the truth: a guest of 8,192 pages touches 10% of its memory every tick for 20 periods, then 60%
 * for 10 periods, then 10% again for 30 periods (periods of 1 s, 100 samples). The estimate rises
 * within two periods of the growth and falls slowly after the shrink (ESX: fast to grow, slow to
 * shrink). For every kind of guest: shadow paging (a sampled page's shadow entries are dropped,
 * its next touch is a hidden fault), nested paging (its nested entry is invalidated: an EPT
 * violation) and para-virtual (its entries' accessed bits are cleared: no fault).
 */
class WorkingSetSamplingTest {
    static final int PAGES = 8192;
    static final int TICKS_PER_PERIOD = 10;

    record Point(int period, double truth, double estimate) {
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"FULL", "NESTED", "PARA"})
    void theEstimateRisesWithinTwoPeriodsAndFallsSlowly(Kind kind) {
        HypervisorCore core = new HypervisorCore(host(PAGES + 2048, 64, reclaim(true, "shares", 0, 1000, 1.0, 100, 0, 0),
                false, kind.spec(0, PAGES)));
        ModelGuest g = new ModelGuest(core, 0);
        g.touch(0, PAGES, true).play(); // boot: every page written once
        core.endTick(); // the first period starts after the boot
        List<Point> points = new ArrayList<>();
        int[] phases = {20, 10, 30};
        double[] sets = {0.10, 0.60, 0.10};
        int period = 0;
        long faultsBefore = g.memory().counters().hiddenFaults();
        for (int phase = 0; phase < phases.length; phase++) {
            int workingSet = (int) Math.round(sets[phase] * PAGES);
            for (int p = 0; p < phases[phase]; p++) {
                for (int t = 0; t < TICKS_PER_PERIOD; t++) {
                    g.touch(0, workingSet, false).play();
                    core.endTick();
                }
                period++;
                points.add(new Point(period, sets[phase], core.reclamation().workingSetEstimate(0) / (double) PAGES));
            }
        }
        String series = points.stream().map(x -> String.format("%d:%.2f", x.period(), x.estimate())).reduce((a, b) -> a + " " + b).orElse("");
        System.out.println("working-set estimate of a " + kind + " guest by period: " + series);
        // settled on 10% before the growth (sampling error: about 3 points)
        assertThat(points.get(19).estimate()).as(series).isBetween(0.04, 0.17);
        // fast to grow: one period into the growth to 60% the estimate is past 30%, two periods past 40%
        assertThat(points.get(20).estimate()).as(series).isGreaterThan(0.3);
        assertThat(points.get(21).estimate()).as(series).isGreaterThan(0.4);
        assertThat(points.get(29).estimate()).as(series).isBetween(0.52, 0.68);
        // slow to shrink: a period after the shrink it is still above 35%, ten periods later above 15%
        assertThat(points.get(30).estimate()).as(series).isGreaterThan(0.35);
        assertThat(points.get(39).estimate()).as(series).isGreaterThan(0.15);
        // ... and it settles back near the truth
        assertThat(points.get(59).estimate()).as(series).isBetween(0.05, 0.2);

        long faults = g.memory().counters().hiddenFaults() - faultsBefore;
        if (kind == Kind.PARA) {
            assertThat(faults).as("para-virtual sampling reads accessed bits: no fault").isZero();
        } else {
            // each touched sample costs one hidden fault: about 10% (or 60%) of 100 samples a period
            assertThat(faults).isBetween(60 * 5L, 60 * 40L);
        }
        assertThat(g.memory().estimator().periods()).isEqualTo(60);
        assertThat(core.checkInvariants()).isEmpty();
        assertThat(g.audit()).isZero();
    }
}
