package ballast.scheduler.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.app.report.HostFigures;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shape of ESX's page-sharing curve (Waldspurger, OSDI 2002): conf/scenarios/esx-sharing.conf
 * played for 1, 4 and 10 identical 40 MB Linux guests.
 */
class EsxSharingTest {
    static final Path FILE = Path.of("..", "conf", "scenarios", "esx-sharing.conf");

    @Test
    void sharingRisesToTwoThirdsAndReclaimsNearlySixtyPercent() throws Exception {
        Scenario scenario = ScenarioLoader.load(FILE, List.of("sweep.values=[1, 4, 10]"), null);
        assertThat(scenario.sweep().path()).isEqualTo("guests.linux.count");
        assertThat(scenario.sweep().points()).extracting(Scenario.Point::label).containsExactly("1", "4", "10");
        double[] shared = new double[3];
        double[] reclaimed = new double[3];
        for (int i = 0; i < 3; i++) {
            Scenario point = scenario.sweep().points().get(i).scenario();
            RunResult result = Simulation.run(point, Simulation.Options.defaults());
            assertThat(result.ok()).as(result.violations().toString() + result.failure()).isTrue();
            for (GuestStats g : result.guests()) {
                assertThat(g.readMismatches()).isZero();
                assertThat(g.readsVerified()).isEqualTo(g.reads());
            }
            HostStats s = result.hosts().get(0);
            assertThat(s.fullScans()).isGreaterThanOrEqualTo(3);
            assertThat(s.framesMapped()).isEqualTo(s.guestPagesBacked() - s.pagesSharing());
            shared[i] = HostFigures.sharedPercent(s);
            reclaimed[i] = HostFigures.reclaimedPercent(s);
            if (i == 0) {
                // one guest alone: about 5 MB shared, more than half of it zero pages
                double sharedMiB = (s.pagesShared() + s.pagesSharing()) / 256.0;
                assertThat(sharedMiB).isCloseTo(5.0, within(1.0));
                assertThat((double) s.zeroPagesShared() / (s.pagesShared() + s.pagesSharing())).isGreaterThan(0.5);
            }
            if (i == 2) {
                assertThat(result.guests().stream().mapToLong(GuestStats::cowBreaks).sum()).isPositive();
                assertThat(s.pagesVolatile()).isPositive();
            }
        }
        assertThat(shared[0]).isLessThan(shared[1]);
        assertThat(shared[1]).isLessThanOrEqualTo(shared[2] + 0.5);
        assertThat(reclaimed[0]).isLessThan(reclaimed[1]);
        assertThat(reclaimed[1]).isLessThan(reclaimed[2]);
        assertThat(shared[2]).isCloseTo(67, within(4.0));
        assertThat(reclaimed[2]).isCloseTo(60, within(4.0));
    }
}
