package ballast.app.scenario;

import ballast.scheduler.scenario.ClusterPlan;
import ballast.scheduler.scenario.Scenario;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster, placement, migration and hotspot blocks and migrate events: read, or refused at their line. */
class ClusterScenarioTest {
    static final String BASE = "hosts { a {}, b {} }\nguests { web { host = a, memory = 64MiB } }\n";

    static List<Problem> problems(Path dir, String extra) throws Exception {
        Path file = dir.resolve("s.conf");
        Files.writeString(file, BASE + extra);
        ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> ScenarioLoader.load(file, List.of(), null));
        assertThat(e).as("expected problems").isNotNull();
        return e.problems();
    }

    @Test
    void theBlocksAreReadWithTheirDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.conf");
        Files.writeString(file, BASE + """
                cluster { seed-node = "127.0.0.1:2551", nodes = 3 }
                placement.policy = sharing-aware
                migration { bandwidth = 100MiB, max-rounds = 5, links = [ { between = [a, b], bandwidth = 10MiB } ] }
                hotspot { enabled = true, after = 3s }
                events = [ { at = 2s, migrate { guest = web, to = b } }, { at = 1s, migrate { guest = web } } ]
                """);
        Scenario s = ScenarioLoader.load(file, List.of(), null);
        ClusterPlan c = s.cluster();
        assertThat(c.clustered()).isTrue();
        assertThat(c.nodes()).isEqualTo(3);
        assertThat(c.placement()).isEqualTo("sharing-aware");
        assertThat(c.migration().bytesPerSecond()).isEqualTo(100.0 * 1024 * 1024);
        assertThat(c.migration().bandwidth("b", "a")).isEqualTo(10.0 * 1024 * 1024);
        assertThat(c.migration().maxRounds()).isEqualTo(5);
        assertThat(c.migration().stopDirtyPages()).isEqualTo(50);
        assertThat(c.hotspot().enabled()).isTrue();
        assertThat(c.hotspot().states()).containsExactly("hard", "low");
        assertThat(c.events()).containsExactly(new ClusterPlan.MigrateEvent(1.0, "web", ""),
                new ClusterPlan.MigrateEvent(2.0, "web", "b"));
        Path plain = dir.resolve("plain.conf");
        Files.writeString(plain, BASE);
        assertThat(ScenarioLoader.load(plain, List.of(), null).cluster().clustered()).isFalse();
    }

    @Test
    void badValuesAreProblemsAtTheirLines(@TempDir Path dir) throws Exception {
        List<Problem> p = problems(dir, """
                cluster { seed-node = "nowhere", on-node-loss = reboot }
                placement { policy = random }
                migration { max-rounds = 0, links = [ { between = [a, zz], bandwidth = 1MiB } ] }
                hotspot { states = [hot] }
                events = [ { at = 1s, migrate { guest = wbe, to = c } }, { migrate { guest = web } }, { at = 2s } ]
                """);
        assertThat(p).extracting(Problem::path).contains("cluster.seed-node", "cluster.on-node-loss", "placement.policy",
                "migration.max-rounds", "migration.links[0].between", "hotspot.states", "events[0].migrate.guest",
                "events[0].migrate.to", "events[1].at", "events[2]");
        assertThat(p).allSatisfy(x -> assertThat(x.line()).isPositive());
        assertThat(p.stream().filter(x -> x.path().equals("events[0].migrate.guest")).findFirst().orElseThrow().message())
                .contains("did you mean web");
    }

    @Test
    void anUnknownTopLevelKeyIsStillAProblem(@TempDir Path dir) throws Exception {
        assertThat(problems(dir, "migrations { bandwidth = 1GiB }\n")).extracting(Problem::path).contains("migrations");
    }

    @Test
    void theStrategyIsReadFromTheMigrationBlockAndFromEachMigrateEvent(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.conf");
        Files.writeString(file, BASE + """
                migration { strategy = hybrid, hybrid-rounds = 3, prepage-window = 8, link-latency = 1ms, auto-converge = 0.25 }
                events = [ { at = 2s, migrate { guest = web, to = b, strategy = post-copy } }, { at = 3s, migrate { guest = web, to = a } } ]
                """);
        ClusterPlan c = ScenarioLoader.load(file, List.of(), null).cluster();
        assertThat(c.migration().strategy()).isEqualTo(ballast.scheduler.migration.MigrationStrategy.HYBRID);
        assertThat(c.migration().hybridRounds()).isEqualTo(3);
        assertThat(c.migration().prepageWindow()).isEqualTo(8);
        assertThat(c.migration().latencySeconds()).isEqualTo(0.001);
        assertThat(c.migration().autoConverge()).isEqualTo(0.25);
        assertThat(c.events()).extracting(ClusterPlan.MigrateEvent::strategy).containsExactly("post-copy", "");
    }

    @Test
    void theDefaultStrategyIsPreCopy(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.conf");
        Files.writeString(file, BASE);
        assertThat(ScenarioLoader.load(file, List.of(), null).cluster().migration().strategy())
                .isEqualTo(ballast.scheduler.migration.MigrationStrategy.PRE_COPY);
    }

    @Test
    void anUnknownStrategyIsAProblemAtItsLine(@TempDir Path dir) throws Exception {
        List<Problem> p = problems(dir, """
                migration { strategy = lazy-copy, auto-converge = 2 }
                events = [ { at = 1s, migrate { guest = web, to = b, strategy = postcopy } } ]
                """);
        assertThat(p).extracting(Problem::path).contains("migration.strategy", "migration.auto-converge",
                "events[0].migrate.strategy");
        assertThat(p).allSatisfy(x -> assertThat(x.line()).isPositive());
        assertThat(p.stream().filter(x -> x.path().equals("migration.strategy")).findFirst().orElseThrow().message())
                .contains("post-copy");
    }
}
