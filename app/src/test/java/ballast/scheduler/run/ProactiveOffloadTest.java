package ballast.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.app.scenario.ScenarioLoader;
import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.scheduler.scenario.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code conf/scenarios/proactive-offload.conf} end to end, against what its comment and
 * docs/proactive-offload.md promise: after the warm-up (30 s of filling, 120 s to be cold, and the
 * controller's first minute: from 240 s on) the controller holds the pressure of the guests it
 * offloads up to the target within a band of +-30% of the 1% target, the host's pressure never above
 * that band, and host "tmo" holds far less memory than host "esx", whose threshold-driven
 * reclamation takes nothing while free memory stays above its thresholds.
 */
class ProactiveOffloadTest {
    static final Path SCENARIO = EsxReclamationTest.LIBRARY.resolve("proactive-offload.conf");
    static final double TARGET = 0.01;
    static final double WARM_UP = 240;

    @Test
    void theControllerHoldsItsTargetAndSavesMemoryThresholdReclamationDoesNot() throws Exception {
        Scenario s = ScenarioLoader.load(SCENARIO, List.of("scenario.duration=360s"), null);
        RunResult r = Simulation.run(s, Simulation.Options.defaults());
        assertThat(r.ok()).as(r.failure() + " " + r.violations()).isTrue();
        // the band: the service guests reach the target and are held there
        for (String g : List.of("tmo-service-1", "tmo-service-2")) {
            for (RunResult.Sample sample : r.samples()) {
                if (sample.guest().name().equals(g) && sample.simulatedSeconds() >= WARM_UP) {
                    assertThat(sample.guest().offload().pressure()).as("%s at %.0f s", g, sample.simulatedSeconds())
                            .isBetween(0.7 * TARGET, 1.3 * TARGET);
                }
            }
        }
        double esxMapped = 0;
        double tmoMapped = 0;
        int n = 0;
        for (RunResult.HostSample h : r.hostSamples()) {
            if (h.simulatedSeconds() < WARM_UP) {
                continue;
            }
            if (h.host().equals("tmo")) {
                assertThat(h.stats().offload().pressure()).as("tmo's pressure at %.0f s", h.simulatedSeconds())
                        .isLessThanOrEqualTo(1.3 * TARGET);
                tmoMapped += h.stats().framesMapped();
                n++;
            } else {
                assertThat(h.stats().offload().savedPages()).isZero();
                esxMapped += h.stats().framesMapped();
            }
        }
        HostStats esx = host(s, r, "esx");
        HostStats tmo = host(s, r, "tmo");
        // esx never left the high state: its reclamation took nothing
        assertThat(esx.reclaim().secondsSoft() + esx.reclaim().secondsHard() + esx.reclaim().secondsLow()).isZero();
        assertThat(esx.reclaim().swapOuts()).isZero();
        // tmo saves at least a fifth of the guests' memory over esx, on average after the warm-up
        double guestPages = esx.guestPages();
        assertThat((esxMapped - tmoMapped) / n / guestPages).as("memory saved, share of the guests'").isGreaterThan(0.2);
        assertThat(tmo.offload().savedPages()).isGreaterThan((long) (0.2 * guestPages));
        // the cache guests' idle memory goes; refaults come mostly from the service guests' lukewarm pages
        for (String g : List.of("tmo-cache-1", "tmo-cache-2", "tmo-service-1", "tmo-service-2")) {
            GuestStats stats = guest(r, g);
            assertThat(stats.offload().offloadedPages()).as(g).isGreaterThan(0);
            assertThat(stats.offload().coldPages()).as(g).isGreaterThan(0);
            assertThat(stats.readMismatches()).as(g).isZero();
        }
        assertThat(guest(r, "tmo-service-1").offload().refaults())
                .isGreaterThan(guest(r, "tmo-cache-1").offload().refaults());
        // the service guests still get all their work done (swap on an SSD, 1% of their time waiting)
        assertThat(guest(r, "tmo-service-1").time().slowdown()).isLessThan(1.05);
    }

    @Test
    void everyInvariantAndEveryReadHoldEveryTickWithOffloadOn() throws Exception {
        // a short run that offloads early, while the guests fill their memory: regions cold after 3 s
        Scenario s = ScenarioLoader.load(SCENARIO, List.of("scenario.duration=20s", "hosts.tmo.offload.cold-after=3s",
                "hosts.tmo.offload.max-step=5%"), null);
        RunResult r = Simulation.run(s, new Simulation.Options(true, Duration.ofSeconds(120),
                com.typesafe.config.ConfigFactory.empty()));
        assertThat(r.ok()).as(r.failure() + " " + r.violations()).isTrue();
        assertThat(r.violations()).isEmpty();
        long refaults = 0;
        for (GuestStats g : r.guests()) {
            assertThat(g.readMismatches()).as(g.name()).isZero();
            assertThat(g.readsVerified()).as(g.name()).isPositive();
            refaults += g.offload().refaults();
        }
        assertThat(host(s, r, "tmo").offload().savedPages()).isPositive();
        assertThat(refaults).isPositive();
    }

    static HostStats host(Scenario s, RunResult r, String name) {
        for (int i = 0; i < s.hosts().size(); i++) {
            if (s.hosts().get(i).name().equals(name)) {
                return r.hosts().get(i);
            }
        }
        throw new AssertionError("no host " + name);
    }

    static GuestStats guest(RunResult r, String name) {
        return r.guests().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
    }
}
