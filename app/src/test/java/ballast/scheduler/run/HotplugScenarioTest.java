package ballast.scheduler.run;

import static ballast.scheduler.run.FreePageReportingScenarioTest.allocatedAt;
import static ballast.scheduler.run.FreePageReportingScenarioTest.guest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import ballast.app.scenario.ScenarioLoader;
import ballast.scheduler.scenario.Scenario;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * conf/scenarios/hotplug.conf end to end, against what its comment promises: a resize takes a
 * shrunk guest's memory back by unplugging blocks (its pages still in use migrated first) within a
 * few seconds and without pressure, so the growing guest finds it free; free page reporting gives
 * back the same without a request; ballooning only under pressure, and the growing guest pays.
 */
class HotplugScenarioTest {
    static final long MIB = 256;

    @Test
    void unplugTakesTheShrunkGuestsMemoryBackFastAndBallooningOnlyUnderPressure() throws Exception {
        Scenario s = ScenarioLoader.load(EsxReclamationTest.LIBRARY.resolve("hotplug.conf"), List.of(), null);
        RunResult r = Simulation.run(s, Simulation.Options.defaults());
        assertThat(r.ok()).as(r.failure() + " " + r.violations()).isTrue();
        r.guests().forEach(g -> assertThat(g.readMismatches()).as(g.name()).isZero());
        assertThat(r.events()).extracting(RunResult.AppliedEvent::result).containsExactly("ok");

        // unplug: requested at 12 s, 192 blocks of 2 MiB at 8 a tick: down to 128 MiB by 15 s, nothing busy
        var u = guest(r, "u-shrinks").hotplug();
        assertThat(u.pluggedPages()).isEqualTo(128 * MIB);
        assertThat(u.requestedPages()).isEqualTo(128 * MIB);
        assertThat(u.blocksUnplugged()).isEqualTo(192);
        assertThat(u.unplugBusy()).isZero();
        assertThat(allocatedAt(r, "u-shrinks", 12)).isGreaterThan(360 * MIB);
        assertThat(allocatedAt(r, "u-shrinks", 15)).isLessThanOrEqualTo(128 * MIB);
        // the pages still in use in the blocks given back moved, at the cost of a page fill each
        assertThat(u.pagesMigrated()).isBetween(64 * MIB / 2, 2 * 64 * MIB);
        assertThat(guest(r, "u-shrinks").pageFills() - guest(r, "r-shrinks").pageFills()).isEqualTo(u.pagesMigrated());
        assertThat(guest(r, "u-shrinks").overheadCycles()).isGreaterThan(guest(r, "r-shrinks").overheadCycles());
        // the host hears the same, and never left high: the growing guest ran at its demand
        assertThat(r.hosts().stream().mapToLong(h -> h.hotplug().blocksUnplugged()).sum())
                .isEqualTo(192);
        assertThat(r.hostSamples()).filteredOn(h -> h.host().equals("unplug"))
                .allSatisfy(h -> assertThat(h.stats().reclaim().state()).isEqualTo("high"));
        assertThat(guest(r, "u-grows").time().throughput()).isCloseTo(20_000, withinPercentage(1));

        // reporting: no request needed, the same memory back (to the working set)
        assertThat(guest(r, "r-shrinks").allocatedPages()).isLessThan(guest(r, "u-shrinks").allocatedPages());
        assertThat(guest(r, "r-grows").time().throughput()).isCloseTo(20_000, withinPercentage(1));

        // ballooning: the shrunk guest keeps its memory until the other grows; then the host balloons and pages
        assertThat(allocatedAt(r, "b-shrinks", 20)).isGreaterThan(360 * MIB);
        assertThat(guest(r, "b-shrinks").reclaim().balloonPages()).isPositive();
        assertThat(guest(r, "b-grows").time().throughput()).as("the growing guest pays for the reclamation")
                .isLessThan(0.9 * guest(r, "u-grows").time().throughput());
        assertThat(guest(r, "b-shrinks").hotplug().blocksUnplugged()).isZero();
    }
}
