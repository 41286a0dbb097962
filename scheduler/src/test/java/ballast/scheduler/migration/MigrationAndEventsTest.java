package ballast.scheduler.migration;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.control.GuestStats;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Scenario;
import ballast.scheduler.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live migration next to reclamation and timed events: a migration from or to a host that
 * reclaims memory is refused (it would not carry balloons, host-swapped or guest-paged memory) and
 * the guest runs on where it was; timed stop, start and workload events follow a guest that moved;
 * a workload change of a guest in the middle of a migration is refused in the event's result.
 */
class MigrationAndEventsTest {

    static Scenario load(Path dir, String text) throws Exception {
        Path file = dir.resolve("scenario.conf");
        Files.writeString(file, text);
        return ScenarioLoader.load(file, List.of(), null);
    }

    @Test
    void aMigrationInvolvingAHostThatReclaimsIsRefusedAndTheGuestStays(@TempDir Path dir) throws Exception {
        Scenario s = load(dir, """
                scenario { duration = 2s, tick = 100ms, seed = 3 }
                hosts { host-a { memory = 512MiB, reclaim = on }, host-b { memory = 512MiB } }
                guests {
                  out { host = host-a, memory = 64MiB, workload { type = uniform, working-set = 16MiB, write-fraction = 0.3 } }
                  in { host = host-b, memory = 64MiB, workload { type = uniform, working-set = 16MiB, write-fraction = 0.3 } }
                }
                events = [
                  { at = 500ms, migrate { guest = out, to = host-b } }
                  { at = 600ms, migrate { guest = in, to = host-a } }
                ]
                """);
        RunResult r = Simulation.run(s, LiveMigrationTest.options());
        assertThat(r.failure()).isNull();
        assertThat(r.violations()).isEmpty();
        assertThat(r.migrations()).isEmpty();
        assertThat(r.guestHosts()).containsEntry("out", "host-a").containsEntry("in", "host-b");
        assertThat(r.faults()).extracting(RunResult.Fault::guest).containsExactly("out", "in");
        assertThat(r.faults()).allSatisfy(f -> {
            assertThat(f.cause()).startsWith("migration refused: host host-a reclaims memory (reclaim = on)");
            assertThat(f.handling()).isEqualTo("stays where it is");
        });
        for (GuestStats g : r.guests()) {
            assertThat(g.readMismatches()).as(g.name()).isZero();
        }
    }

    @Test
    void timedEventsFollowAGuestThatMoved(@TempDir Path dir) throws Exception {
        Scenario s = load(dir, """
                scenario { duration = 5s, tick = 100ms, seed = 5 }
                hosts { host-a { memory = 512MiB }, host-b { memory = 512MiB } }
                migration { bandwidth = 200MiB }
                guests {
                  mover { host = host-a, memory = 64MiB, workload { type = uniform, working-set = 32MiB, accesses-per-second = 100000, write-fraction = 0.3 } }
                  stay { host = host-b, memory = 64MiB, workload { type = uniform, working-set = 16MiB, write-fraction = 0.1 } }
                  late { host = host-b, memory = 64MiB, start = 1s, workload { type = uniform, working-set = 16MiB, write-fraction = 0.0 } }
                }
                events = [
                  { at = 500ms, migrate { guest = mover, to = host-b } }
                  { at = 500ms, workload { guest = mover, type = uniform, working-set = 8MiB } }
                  { at = 3s, stop = mover }
                  { at = 3500ms, start = mover }
                  { at = 4s, workload { guest = mover, type = uniform, working-set = 8MiB } }
                  { at = 2s, migrate { guest = late, to = host-a } }
                ]
                """);
        RunResult r = Simulation.run(s, LiveMigrationTest.options());
        assertThat(r.failure()).isNull();
        assertThat(r.violations()).isEmpty();
        assertThat(r.migrations()).extracting(PreCopy.Outcome::guest).containsExactlyInAnyOrder("mover", "late");
        assertThat(r.guestHosts()).containsEntry("mover", "host-b").containsEntry("late", "host-a");
        assertThat(r.events()).extracting(RunResult.AppliedEvent::what)
                .anySatisfy(w -> assertThat(w).startsWith("stop mover"))
                .anySatisfy(w -> assertThat(w).startsWith("start mover"));
        RunResult.AppliedEvent during = r.events().stream()
                .filter(e -> e.what().startsWith("workload mover") && e.atSeconds() < 1).findFirst().orElseThrow();
        assertThat(during.result()).contains("it is migrating from host-a to host-b");
        assertThat(r.events()).filteredOn(e -> e != during).extracting(RunResult.AppliedEvent::result)
                .containsOnly("ok");
        assertThat(r.faults()).isEmpty();
        for (GuestStats g : r.guests()) {
            assertThat(g.readMismatches()).as(g.name()).isZero();
            assertThat(g.readsVerified()).as(g.name()).isPositive();
        }
    }
}
