package ballast.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.app.scenario.ScenarioLoader;
import ballast.scheduler.migration.PreCopy;
import ballast.scheduler.scenario.Scenario;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The library's {@code migration-strategies.conf}, played once with every invariant checked after
 * every tick: the directions the strategies are expected to show for a write-heavy and an idle guest.
 */
class MigrationStrategiesTest {
    static RunResult result;
    static Map<String, PreCopy.Outcome> by;

    @BeforeAll
    static void play() throws Exception {
        Scenario scenario = ScenarioLoader.load(Path.of("..", "conf", "scenarios", "migration-strategies.conf"),
                List.of(), null);
        result = Simulation.run(scenario, new Simulation.Options(true, Duration.ofSeconds(120), ConfigFactory.empty()));
        by = result.migrations().stream().collect(Collectors.toMap(PreCopy.Outcome::guest, Function.identity()));
    }

    @Test
    void everyStrategyKeepsEveryReadAndEveryInvariantWithChecksAfterEveryTick() {
        assertThat(result.failure()).isNull();
        assertThat(result.faults()).isEmpty();
        assertThat(by).hasSize(8);
        assertThat(result.violations()).isEmpty();
        assertThat(result.invariantChecks()).isGreaterThan(140);
        long mismatches = result.guests().stream().mapToLong(g -> g.readMismatches()).sum();
        long verified = result.guests().stream().mapToLong(g -> g.readsVerified()).sum();
        assertThat(mismatches).isZero();
        assertThat(verified).isPositive();
    }

    @Test
    void forTheWriteHeavyGuestPostCopySendsEachPageOnceAndStopsItForLessThanPreCopy() {
        PreCopy.Outcome pre = by.get("writer-pre");
        PreCopy.Outcome post = by.get("writer-post");
        long guestPages = 64L * 1024 * 1024 / 4096;
        assertThat(post.strategy()).isEqualTo("post-copy");
        assertThat(post.rounds()).isZero();
        assertThat(post.pagesSent()).isEqualTo(post.postCopyPages()).isLessThanOrEqualTo(guestPages);
        assertThat(pre.pagesSent()).isGreaterThan(guestPages); // sent again and again
        assertThat(post.downtimeMs()).isLessThan(pre.downtimeMs());
        assertThat(post.networkFaults()).isPositive();
        assertThat(post.degradedMs()).isPositive();
        assertThat(pre.networkFaults()).isZero();
    }

    @Test
    void forTheIdleGuestPreCopyWinsOnDegradationAndTotalTime() {
        PreCopy.Outcome pre = by.get("idle-pre");
        PreCopy.Outcome post = by.get("idle-post");
        assertThat(pre.rounds()).isEqualTo(1);
        assertThat(pre.degradedMs()).isZero();
        assertThat(post.degradedMs()).isPositive();
        assertThat(pre.totalMs()).isLessThanOrEqualTo(post.totalMs());
        assertThat(pre.throughput()).isGreaterThanOrEqualTo(post.throughput());
    }

    @Test
    void hybridSwitchesAfterItsRoundsAndAutoPicksPostCopyForTheWriterAndPreCopyForTheIdleGuest() {
        PreCopy.Outcome hybrid = by.get("writer-hybrid");
        assertThat(hybrid.rounds()).isEqualTo(2);
        assertThat(hybrid.postCopyPages()).isPositive();
        assertThat(hybrid.pagesSent()).isLessThan(by.get("writer-pre").pagesSent());
        assertThat(hybrid.downtimeMs()).isLessThan(by.get("writer-pre").downtimeMs());
        assertThat(by.get("writer-auto").postCopyPages()).isPositive();
        assertThat(by.get("writer-auto").rounds()).isEqualTo(1);
        assertThat(by.get("idle-auto").postCopyPages()).isZero();
        assertThat(by.get("idle-hybrid").postCopyPages()).isZero(); // converged in its first round
    }
}
