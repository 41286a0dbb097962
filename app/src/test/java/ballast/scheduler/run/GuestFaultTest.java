package ballast.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.scheduler.scenario.Scenario;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A guest actor that throws in the middle of a run: the declared strategy handles it, its memory is
 * released (no frame leaks), the fault is reported, and the run never hangs.
 */
class GuestFaultTest {
    static final Simulation.Options CHECKED = new Simulation.Options(true, Duration.ofSeconds(30),
            ConfigFactory.parseString("pekko.actor.serialize-messages = on"));

    static Map<String, GuestStats> byName(RunResult r) {
        return r.guests().stream().collect(Collectors.toMap(GuestStats::name, Function.identity()));
    }

    @Test
    void aStoppedGuestsFramesAreAllReclaimedAndTheRunGoesOn() throws Exception {
        Scenario scenario = Quickstart.load(3, null);
        RunResult result = Simulation.run(scenario, CHECKED.withCrash("web-1", 12));

        assertThat(result.failure()).isNull();
        assertThat(result.violations()).isEmpty();
        assertThat(result.ticksPlayed()).isEqualTo(30);
        assertThat(result.faults()).hasSize(1);
        assertThat(result.faults().get(0).guest()).isEqualTo("web-1");
        assertThat(result.faults().get(0).tick()).isEqualTo(12);
        assertThat(result.faults().get(0).handling()).startsWith("stopped");
        Map<String, GuestStats> g = byName(result);
        assertThat(g.get("web-1").allocatedPages()).isZero();
        assertThat(g.get("web-1").accesses()).isPositive(); // what it did before it failed
        long othersAllocated = g.values().stream().mapToLong(GuestStats::allocatedPages).sum();
        HostStats host = result.hosts().get(0);
        // no leak: every mapped frame belongs to a guest still there
        assertThat(host.framesMapped()).isEqualTo(othersAllocated);
        assertThat(host.framesFree() + host.framesMapped() + host.framesReserved()).isEqualTo(host.framesTotal());
        for (String other : new String[] {"web-2", "db", "batch"}) {
            assertThat(g.get(other).readMismatches()).isZero();
            assertThat(g.get(other).readsVerified()).isPositive();
        }
    }

    @Test
    void aRestartedGuestBootsAfreshAndIsVerifiedLikeAnyOther() throws Exception {
        Scenario scenario = Quickstart.load(3, null);
        RunResult result = Simulation.run(scenario,
                CHECKED.withCrash("batch", 5).with(Simulation.OnGuestFailure.RESTART));

        assertThat(result.failure()).isNull();
        assertThat(result.violations()).isEmpty();
        assertThat(result.faults()).hasSize(1);
        assertThat(result.faults().get(0).handling()).startsWith("restarted")
                .contains("(restart 1 of at most 3) after 1 tick;");
        GuestStats batch = byName(result).get("batch");
        assertThat(batch.allocatedPages()).isPositive();
        assertThat(batch.readMismatches()).isZero();
        assertThat(batch.readsVerified()).isPositive();
        // the fresh incarnation's memory is all it holds: what it touched since its boot
        assertThat(batch.allocatedPages()).isEqualTo(batch.pagesTouched());
    }

    static Scenario freeRunning(Scenario scenario) {
        return new Scenario(scenario.name(), scenario.source(), scenario.seed(), scenario.durationSeconds(),
                scenario.tickSeconds(), scenario.ticks(), Scenario.FREE_RUNNING, scenario.sampleEveryTicks(),
                scenario.hosts(), scenario.guests(), scenario.rendered(), null);
    }

    @Test
    void aFaultInAFreeRunningRunEndsCleanlyToo() throws Exception {
        Scenario free = freeRunning(Quickstart.load(2, null));
        RunResult result = Simulation.run(free, CHECKED.withCrash("db", 3));
        assertThat(result.failure()).isNull();
        assertThat(result.violations()).isEmpty();
        assertThat(result.faults()).extracting(RunResult.Fault::guest).containsExactly("db");
        assertThat(result.faults().get(0).handling()).startsWith("stopped");
        assertThat(byName(result).get("db").allocatedPages()).isZero();
    }

    @Test
    void aFailedGuestOfAFreeRunningRunRestartsFromAFreshBootAndIsVerifiedLikeAnyOther() throws Exception {
        Scenario free = freeRunning(Quickstart.load(2, null));
        RunResult result = Simulation.run(free, CHECKED.withCrash("db", 3).with(Simulation.OnGuestFailure.RESTART));
        assertThat(result.failure()).isNull();
        assertThat(result.violations()).isEmpty();
        assertThat(result.faults()).extracting(RunResult.Fault::guest).containsExactly("db");
        assertThat(result.faults().get(0).handling()).startsWith("restarted from a fresh boot")
                .contains("(restart 1 of at most 3) after 1 tick;");
        GuestStats db = byName(result).get("db");
        assertThat(db.readMismatches()).isZero();
        assertThat(db.readsVerified()).isPositive(); // the fresh incarnation played and was verified
        assertThat(db.allocatedPages()).isPositive(); // a para-virtual guest is backed whole at boot
        HostStats host = result.hosts().get(0);
        long allocated = result.guests().stream().mapToLong(GuestStats::allocatedPages).sum();
        assertThat(host.framesMapped()).isEqualTo(allocated);
        assertThat(host.framesFree() + host.framesMapped() + host.framesReserved()).isEqualTo(host.framesTotal());
    }
}
