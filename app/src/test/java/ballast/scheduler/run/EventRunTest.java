package ballast.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.control.GuestStats;
import ballast.app.report.RunWriter;
import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timed events end to end through the simulation: a guest that starts later joins at its tick, a
 * stopped guest's memory is released before the next tick and it can start again; each event lands
 * at the same tick in every run, and the same seed gives the same summary.
 */
class EventRunTest {
    static final String SCENARIO = """
            scenario { seed = 7, duration = 3s, tick = 100ms, sample-every = 100ms }
            hosts { h { memory = 512MiB } }
            guest-templates {
              busy { memory = 64MiB, workload { type = uniform, working-set = 16MiB, accesses-per-second = 20000 } }
            }
            guests {
              steady { template = busy, host = h }
              late { template = busy, host = h, start = 1s }
              para-late { template = busy, host = h, mode = para, memory = 32MiB, start = 0.5s }
              stopped { template = busy, host = h }
            }
            events = [
              { at = 2s, stop = stopped }
              { at = 2.45s, start = stopped }
            ]
            """;

    @TempDir
    Path dir;

    @Test
    void guestsStartAndStopAtTheirTicks() throws Exception {
        RunResult r = Simulation.run(load(SCENARIO), Simulation.Options.defaults());
        assertThat(r.ok()).as(String.valueOf(r.violations()) + r.failure()).isTrue();
        assertThat(r.faults()).isEmpty();
        assertThat(r.events()).containsExactly(
                new RunResult.AppliedEvent(0.5, 5, "start para-late", "ok"),
                new RunResult.AppliedEvent(1.0, 10, "start late", "ok"),
                new RunResult.AppliedEvent(2.0, 20, "stop stopped", "ok"),
                new RunResult.AppliedEvent(2.45, 25, "start stopped", "ok"));

        // A sample at s seconds follows tick 10 s - 1; a guest started before tick n has played it.
        assertThat(at(r, "late", 1.0).accesses()).isZero();
        assertThat(at(r, "late", 1.1).accesses()).isPositive();
        assertThat(at(r, "para-late", 0.5).allocatedPages()).isZero();
        assertThat(at(r, "para-late", 0.6).allocatedPages()).isEqualTo(8192); // backed whole at boot
        // Stopped before tick 20: its memory is gone in tick 20's sample and it makes no accesses...
        GuestStats before = at(r, "stopped", 2.0);
        assertThat(before.allocatedPages()).isPositive();
        assertThat(at(r, "stopped", 2.1).allocatedPages()).isZero();
        assertThat(at(r, "stopped", 2.5).accesses()).isEqualTo(before.accesses());
        // ... until it boots afresh before tick 25: new memory, and its own counters from zero.
        assertThat(at(r, "stopped", 2.6).accesses()).isPositive().isLessThan(before.accesses());
        assertThat(at(r, "stopped", 2.6).allocatedPages()).isPositive();
        assertThat(at(r, "stopped", 2.6).tlbMisses()).isGreaterThan(before.tlbMisses()); // the hypervisor's carry on
        for (GuestStats g : r.guests()) {
            assertThat(g.readMismatches()).as(g.name()).isZero();
            assertThat(g.readsVerified()).as(g.name()).isPositive();
        }
    }

    @Test
    void theSameSeedGivesTheSameSummaryAndTimeSeries() throws Exception {
        Scenario s = load(SCENARIO);
        RunResult one = Simulation.run(s, Simulation.Options.defaults());
        RunResult two = Simulation.run(s, Simulation.Options.defaults());
        Map<String, Object> a = RunWriter.summary(s, one, false);
        Map<String, Object> b = RunWriter.summary(s, two, false);
        a.remove("timing");
        b.remove("timing");
        assertThat(a).isEqualTo(b);
        assertThat(RunWriter.timeseriesCsv(one)).isEqualTo(RunWriter.timeseriesCsv(two));
        assertThat(RunWriter.hostsCsv(one)).isEqualTo(RunWriter.hostsCsv(two));
        assertThat(a.get("events")).asList().hasSize(4);
    }

    @Test
    void aWorkloadEventSwitchesTheGuestAtItsTick() throws Exception {
        Scenario s = load("""
                scenario { seed = 3, duration = 2s, tick = 100ms, sample-every = 100ms }
                hosts { h { memory = 512MiB } }
                guests {
                  g { host = h, memory = 64MiB, workload { type = uniform, working-set = 1MiB, accesses-per-second = 10000 } }
                }
                events = [ { at = 1s, workload { guest = g, type = uniform, working-set = 1MiB, accesses-per-second = 50000 } } ]
                """);
        RunResult r = Simulation.run(s, new Simulation.Options(false, Duration.ofSeconds(20),
                com.typesafe.config.ConfigFactory.empty()));
        assertThat(r.events()).containsExactly(new RunResult.AppliedEvent(1.0, 10, "workload g: uniform", "ok"));
        // 1,000 accesses a tick before the event, 5,000 after (every page of the 1 MiB is touched by
        // then, so no first touch adds a fill). The guest takes the workload in its work of tick 11:
        // it may have generated tick 10's ahead.
        assertThat(at(r, "g", 1.0).accesses() - at(r, "g", 0.9).accesses()).isEqualTo(1000);
        assertThat(at(r, "g", 1.1).accesses() - at(r, "g", 1.0).accesses()).isEqualTo(1000);
        assertThat(at(r, "g", 1.2).accesses() - at(r, "g", 1.1).accesses()).isEqualTo(5000);
        assertThat(at(r, "g", 2.0).accesses() - at(r, "g", 1.9).accesses()).isEqualTo(5000);
    }

    static GuestStats at(RunResult r, String guest, double seconds) {
        for (RunResult.Sample sample : r.samples()) {
            if (sample.guest().name().equals(guest) && Math.abs(sample.simulatedSeconds() - seconds) < 1e-6) {
                return sample.guest();
            }
        }
        throw new AssertionError("no sample of " + guest + " at " + seconds + " s");
    }

    private Scenario load(String text) throws Exception {
        return ScenarioLoader.load(Files.writeString(dir.resolve("events.conf"), text), List.of(), null);
    }
}
