package ballast.examples.policy;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.app.Ballast;
import ballast.app.scenario.ScenarioException;
import ballast.scheduler.scenario.Scenario;
import org.junit.jupiter.api.Test;

/**
 * The plug-in in a scenario, found by name through ServiceLoader (this module's jar lists its
 * provider), run with the Java API: three guests whose working sets are a quarter of their memory
 * end with their allocation at their working-set estimate plus the 4 MiB floor of the margin.
 */
class WorkingSetMarginScenarioTest {

    private static Scenario scenario(String policy) throws ScenarioException {
        return Ballast.scenario("margin-" + policy)
                .set("scenario.duration", "30s")
                .set("scenario.seed", 7)
                .host("h", "memory = 320MiB, reserved = 0, reclaim = on, guest-overhead = 0, "
                        + "policy { name = " + policy + ", headroom = 0.05, balance-period = 2s, sample-period = 2s }")
                .guest("vm", "host = h, memory = 128MiB, count = 3, "
                        + "workload { type = uniform, working-set = 32MiB, accesses-per-second = 40000, write-fraction = 0.2 }")
                .build();
    }

    @Test
    void eachGuestEndsAtItsWorkingSetEstimatePlusTheMargin() throws Exception {
        Ballast.Result r = Ballast.run(scenario(WorkingSetMarginPolicy.NAME));
        assertThat(r.ok()).as(String.valueOf(r.result().failure())).isTrue();
        for (String g : new String[] {"vm-1", "vm-2", "vm-3"}) {
            long estimate = r.guestFigure(g, "workingSetEstimatePages");
            long truth = r.guestFigure(g, "workingSetTruePages");
            long target = r.guestFigure(g, "targetPages");
            assertThat(estimate).as(g + "'s working-set estimate").isBetween(7_000L, 10_000L);
            // 5% of ~8,192 pages is under the floor: the margin is 1,024 pages, over the estimate the
            // last rebalance saw (between the truth and the estimate now, give or take sampling noise)
            assertThat(target).as(g + "'s target").isBetween(Math.min(estimate, truth) + 1_024 - 300,
                    Math.max(estimate, truth) + 1_024 + 300);
            assertThat(r.guestFigure(g, "allocatedPages")).as(g + "'s allocation").isLessThanOrEqualTo(target + 300);
        }
        assertThat(r.summary().get("readMismatches")).isEqualTo(0L);
    }

    @Test
    void theBuiltInWorkingSetPolicyGivesLessHeadroomHere() throws Exception {
        Ballast.Result mine = Ballast.run(scenario(WorkingSetMarginPolicy.NAME));
        Ballast.Result builtIn = Ballast.run(scenario("working-set"));
        long margin = mine.guestFigure("vm-1", "targetPages") - mine.guestFigure("vm-1", "workingSetEstimatePages");
        long headroom = builtIn.guestFigure("vm-1", "targetPages") - builtIn.guestFigure("vm-1", "workingSetEstimatePages");
        assertThat(margin).isGreaterThan(headroom + 400);
    }
}
