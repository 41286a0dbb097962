package ballast.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import ballast.app.scenario.ScenarioLoader;
import ballast.host.control.GuestStats;
import ballast.scheduler.scenario.Scenario;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * conf/scenarios/free-page-reporting.conf end to end, against what its comment promises: free page
 * reporting gives a shrinking guest's memory back to the host without a balloon target, so a
 * growing guest finds it free; ballooning takes it back only under pressure, slowly, and the
 * growing guest pays; with 2 MiB blocks the scattered working set leaves few whole blocks.
 */
class FreePageReportingScenarioTest {
    /** Pages the shrinking guest frees at 20 s: 448 MiB less 64 MiB. */
    static final long FREED = (448 - 64) * 256;

    @Test
    void reportingGivesAShrunkWorkingSetBackWithoutABalloonTargetAndBallooningOnlyUnderPressure() throws Exception {
        Scenario s = ScenarioLoader.load(EsxReclamationTest.LIBRARY.resolve("free-page-reporting.conf"), List.of(), null);
        RunResult r = Simulation.run(s, Simulation.Options.defaults());
        assertThat(r.ok()).as(r.failure() + " " + r.violations()).isTrue();
        r.guests().forEach(g -> assertThat(g.readMismatches()).as(g.name()).isZero());

        // reporting (4 KiB blocks): nearly all it freed is reported, and its allocation falls to its working set by 30 s (2 s of delay, then 2048 pages a tick)
        assertThat(guest(r, "r-shrinks").pagesReported()).isBetween((long) (0.9 * FREED), FREED);
        assertThat(allocatedAt(r, "r-shrinks", 19)).isGreaterThan(100_000);
        assertThat(allocatedAt(r, "r-shrinks", 30)).isLessThan(20_000);
        // no balloon target was needed: the host never left high, nothing was ballooned or swapped there
        assertThat(r.hostSamples()).filteredOn(h -> h.host().equals("reporting"))
                .allSatisfy(h -> assertThat(h.stats().reclaim().state()).isEqualTo("high"))
                .allSatisfy(h -> assertThat(h.stats().reclaim().balloonedPages()).isZero())
                .allSatisfy(h -> assertThat(h.stats().reclaim().swapOuts()).isZero());
        // the growing guest found the memory free and ran at its demand
        assertThat(guest(r, "r-grows").time().throughput()).isCloseTo(20_000, withinPercentage(1));

        // ballooning: the shrunk guest keeps its memory until the other grows, then the host reclaims under pressure
        assertThat(guest(r, "b-shrinks").pagesReported()).isZero();
        assertThat(allocatedAt(r, "b-shrinks", 39)).isGreaterThan(100_000);
        assertThat(r.hostSamples()).filteredOn(h -> h.host().equals("ballooning"))
                .anySatisfy(h -> assertThat(h.stats().reclaim().state()).isNotEqualTo("high"));
        assertThat(guest(r, "b-shrinks").reclaim().balloonPages()).isPositive();
        assertThat(guest(r, "b-grows").time().throughput()).as("the growing guest pays for the reclamation")
                .isLessThan(0.8 * guest(r, "r-grows").time().throughput());

        // 2 MiB blocks (Linux's default order): the 64 MiB left is scattered over the PPNs touched, few blocks are whole
        assertThat(guest(r, "m-shrinks").pagesReported()).isLessThan(guest(r, "r-shrinks").pagesReported() / 20);
        assertThat(r.hosts().stream().mapToLong(h -> h.pagesReported()).sum())
                .isEqualTo(r.guests().stream().mapToLong(GuestStats::pagesReported).sum());
    }

    static GuestStats guest(RunResult r, String name) {
        return r.guests().stream().filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no guest " + name));
    }

    static long allocatedAt(RunResult r, String guest, double at) {
        return r.samples().stream()
                .filter(x -> x.guest().name().equals(guest) && Math.abs(x.simulatedSeconds() - at) < 1e-6)
                .mapToLong(x -> x.guest().allocatedPages()).findFirst()
                .orElseThrow(() -> new AssertionError("no sample of " + guest + " at " + at));
    }
}
