package ballast.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.app.scenario.ScenarioLoader;
import ballast.host.control.GuestStats;
import ballast.scheduler.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A live migration between two free-running hypervisors, both overcommitted, reclaiming and sharing,
 * every message through Kryo and every invariant after every round of works: the guest's pre-copy
 * rounds go out between its works, its source holds it after a tick for the stop-and-copy, and it
 * plays on at its destination from its next tick. Whatever the interleaving, it ends at its
 * destination with every read verified and nothing lost on either host.
 */
class FreeRunningMigrationTest {
    @TempDir
    Path dir;

    private Scenario scenario(String mode, long seed) throws Exception {
        Path file = Files.writeString(dir.resolve("free-move.conf"), """
                scenario { duration = 3s, tick = 100ms, mode = %s, seed = %d }
                hosts {
                  a { memory = 96MiB, reserved = 8MiB, guest-overhead = 1MiB, reclaim = on, sharing { enabled = true } }
                  b { memory = 96MiB, reserved = 8MiB, guest-overhead = 1MiB, reclaim = on, sharing { enabled = true } }
                }
                guest-templates.t { memory = 16MiB, workload { type = hot-cold, working-set = 12MiB,
                    accesses-per-second = 20000, write-fraction = 0.4 } }
                guests {
                  fa { template = t, mode = full, count = 4, host = a }
                  pa { template = t, mode = para, count = 2, host = a }
                  nb { template = t, mode = nested, count = 4, host = b }
                  pb { template = t, mode = para, count = 1, host = b }
                  mover { template = t, mode = %s, host = a, balloon.enabled = off }
                }
                migration { max-rounds = 2 }
                events = [ { at = 200ms, migrate { guest = mover, to = b } } ]
                """.formatted(mode, seed, seed % 3 == 0 ? "full" : seed % 3 == 1 ? "para" : "nested"));
        return ScenarioLoader.load(file, List.of(), null);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void aGuestMovesBetweenTwoFreeRunningHostsWithEveryPageVerifiedAndNothingLost(long seed) throws Exception {
        Scenario scenario = scenario(Scenario.FREE_RUNNING, seed);
        RunResult result = Simulation.run(scenario, GuestFaultTest.CHECKED);

        assertThat(result.failure()).isNull();
        assertThat(result.violations()).isEmpty();
        assertThat(result.faults()).isEmpty();
        assertThat(result.migrations()).singleElement().satisfies(m -> {
            assertThat(m.guest()).isEqualTo("mover");
            assertThat(m.from()).isEqualTo("a");
            assertThat(m.to()).isEqualTo("b");
            assertThat(m.pagesSent()).isPositive();
        });
        assertThat(result.guestHosts()).containsEntry("mover", "b");
        for (GuestStats g : result.guests()) {
            assertThat(g.readMismatches()).as(g.name()).isZero();
            assertThat(g.readsVerified()).as(g.name()).isEqualTo(g.reads()).isPositive();
        }
        assertThat(result.hosts()).hasSize(2).allSatisfy(h -> assertThat(
                h.framesFree() + h.framesMapped() + h.framesReserved()).as("frames conserved")
                .isEqualTo(h.framesTotal()));
    }
}
