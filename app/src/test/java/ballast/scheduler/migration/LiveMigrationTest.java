package ballast.scheduler.migration;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.control.GuestStats;
import ballast.app.report.RunWriter;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live migration in a whole run (every message through Kryo): guests of every mode move while
 * they run, every read is verified, every invariant holds after every tick, a write-heavy guest
 * needs more rounds than an idle one, and the same scenario gives the same summary twice.
 */
class LiveMigrationTest {
    static final String SCENARIO = """
            scenario { duration = 6s, tick = 100ms, seed = 7 }
            hosts { host-a { memory = 512MiB }, host-b { memory = 512MiB, sharing { enabled = true, scan-pages-per-second = 20000, per-guest-pages-per-second = 20000 } } }
            migration { bandwidth = 200MiB }
            guests {
              busy { host = host-a, memory = 64MiB, workload { type = uniform, working-set = 32MiB, accesses-per-second = 200000, write-fraction = 0.5 } }
              idle { host = host-a, memory = 64MiB, workload { type = uniform, working-set = 32MiB, accesses-per-second = 100000, write-fraction = 0.0 } }
              pv { host = host-a, mode = para, memory = 32MiB, workload { type = hot-cold, working-set = 16MiB, write-fraction = 0.01 } }
              nest { host = host-b, mode = nested, memory = 64MiB, workload { type = hot-cold, working-set = 16MiB, write-fraction = 0.01 } }
              twin { host = host-b, memory = 64MiB, workload { type = uniform, working-set = 32MiB, accesses-per-second = 100000, write-fraction = 0.0 } }
            }
            events = [
              { at = 1s, migrate { guest = busy, to = host-b } }
              { at = 1s, migrate { guest = idle, to = host-b } }
              { at = 1500ms, migrate { guest = pv, to = host-b } }
              { at = 2s, migrate { guest = nest, to = host-a } }
            ]
            """;

    static Simulation.Options options() {
        return new Simulation.Options(true, Duration.ofSeconds(60),
                ConfigFactory.parseString("pekko.actor.serialize-messages = on"));
    }

    static Scenario load(Path dir) throws Exception {
        Path file = dir.resolve("migrate.conf");
        Files.writeString(file, SCENARIO);
        return ScenarioLoader.load(file, List.of(), null);
    }

    @Test
    void guestsOfEveryModeMoveWhileTheyRunAndReadBackWhatTheyWrote(@TempDir Path dir) throws Exception {
        Scenario s = load(dir);
        RunResult r = Simulation.run(s, options());
        assertThat(r.failure()).isNull();
        assertThat(r.violations()).isEmpty();
        assertThat(r.invariantChecks()).isGreaterThan(60 * 2);
        Map<String, PreCopy.Outcome> moved = new HashMap<>();
        r.migrations().forEach(m -> moved.put(m.guest(), m));
        assertThat(moved.keySet()).containsExactlyInAnyOrder("busy", "idle", "pv", "nest");
        assertThat(r.guestHosts()).containsEntry("busy", "host-b").containsEntry("idle", "host-b")
                .containsEntry("pv", "host-b").containsEntry("nest", "host-a").containsEntry("twin", "host-b");
        // an idle guest converges after its first round; a write-heavy one needs more
        assertThat(moved.get("idle").rounds()).isEqualTo(1);
        assertThat(moved.get("busy").rounds()).isGreaterThan(moved.get("idle").rounds());
        assertThat(moved.get("busy").downtimeMs()).isGreaterThan(moved.get("idle").downtimeMs());
        assertThat(moved.get("busy").pagesSent()).isGreaterThan(8192);
        assertThat(moved.get("idle").pagesSent()).isEqualTo(8192);
        // idle and busy left host-a for host-b together: each had half the link (32 MiB at 100 MiB/s, not 200)
        assertThat(moved.get("idle").totalMs()).isGreaterThanOrEqualTo(320.0);
        for (GuestStats g : r.guests()) {
            assertThat(g.readMismatches()).as(g.name()).isZero();
            assertThat(g.readsVerified()).as(g.name()).isPositive();
        }
        // the idle guest's image pages are shared again with its twin's on host-b
        GuestStats idle = r.guests().stream().filter(g -> g.name().equals("idle")).findFirst().orElseThrow();
        assertThat(idle.sharedPages()).isPositive();
    }

    @Test
    void theSameScenarioGivesTheSameSummary(@TempDir Path dir) throws Exception {
        Scenario s = load(dir);
        Simulation.Options fast = new Simulation.Options(false, Duration.ofSeconds(60), ConfigFactory.empty());
        JsonNode a = summary(s, Simulation.run(s, fast));
        JsonNode b = summary(s, Simulation.run(s, fast));
        assertThat(a.get("migrations").size()).isEqualTo(4);
        assertThat(a).isEqualTo(b);
    }

    static JsonNode summary(Scenario s, RunResult r) throws Exception {
        ObjectNode tree = (ObjectNode) new ObjectMapper().readTree(RunWriter.summaryJson(s, r, false));
        tree.remove("timing");
        return tree;
    }
}
