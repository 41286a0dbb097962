package ballast.scheduler.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.scheduler.run.Quickstart;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioLoader;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Random writes with sharing on, in the three translation modes, every message through Kryo and
 * every invariant (refcounts equal mappings, no shared frame writable anywhere, para-virtual
 * tables on the frames behind their PPNs) plus every guest's integrity checked after every tick.
 */
class SharingIntegrityTest {

    @Test
    void randomWritesWithSharingKeepIntegrityAndEveryInvariantAfterEveryTick() throws Exception {
        List<String> sets = new ArrayList<>(Quickstart.shortSets(4));
        sets.add("hosts.host-a.sharing { enabled = true, scan-pages-per-second = 40000, per-guest-pages-per-second = 20000 }");
        // identical images and many zero pages, so that much merges and writes keep breaking it
        sets.add("guest-templates.linux-small.content { image-fraction = 0.5, zero-fraction = 0.2, duplicate-fraction = 0.05 }");
        sets.add("guests.db.content { image-fraction = 0.5, zero-fraction = 0.2 }");
        Scenario scenario = ScenarioLoader.load(Quickstart.FILE, sets, null);
        Simulation.Options checked = new Simulation.Options(true, Duration.ofSeconds(60),
                ConfigFactory.parseString("pekko.actor.serialize-messages = on"));
        RunResult result = Simulation.run(scenario, checked);

        assertThat(result.failure()).isNull();
        assertThat(result.violations()).isEmpty();
        assertThat(result.invariantChecks()).isEqualTo(result.ticksPlayed() * (3 + 4));
        for (GuestStats g : result.guests()) {
            assertThat(g.readMismatches()).as(g.name()).isZero();
            assertThat(g.readsVerified()).as(g.name()).isEqualTo(g.reads());
            assertThat(g.refusedHypercalls()).as(g.name()).isZero();
            assertThat(g.cowBreaks()).as(g.name()).isPositive();
            assertThat(g.sharedPages()).as(g.name()).isPositive();
        }
        HostStats host = result.hosts().get(0);
        assertThat(host.mergeCount()).isPositive();
        assertThat(host.pagesShared()).isPositive();
        assertThat(host.zeroPagesShared()).isPositive();
        assertThat(host.framesMapped()).isEqualTo(host.guestPagesBacked() - host.pagesSharing());
    }
}
