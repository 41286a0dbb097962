package ballast.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.control.GuestStats;
import ballast.scheduler.report.RunWriter;
import ballast.scheduler.scenario.Scenario;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * End to end in one JVM: the quickstart's four guests in the three modes, with every message going
 * through the Kryo serializer and every invariant checked after every tick.
 */
class SimulationTest {

    private static final Simulation.Options CHECKED = new Simulation.Options(true, Duration.ofSeconds(60),
            ConfigFactory.parseString("pekko.actor.serialize-messages = on"));

    @Test
    void quickstartRunsCorrectlyInAllThreeModes() throws Exception {
        Scenario scenario = Quickstart.load(4, null);
        RunResult result = Simulation.run(scenario, CHECKED);

        assertThat(result.failure()).isNull();
        assertThat(result.violations()).isEmpty();
        assertThat(result.ticksPlayed()).isEqualTo(40);
        // every tick audited: 3 host invariants + one integrity audit per guest
        assertThat(result.invariantChecks()).isEqualTo(40L * (3 + 4));
        Map<String, GuestStats> g = result.guests().stream().collect(Collectors.toMap(GuestStats::name, Function.identity()));
        assertThat(g).containsOnlyKeys("batch", "db", "web-1", "web-2");
        for (GuestStats s : g.values()) {
            assertThat(s.readMismatches()).as(s.name()).isZero();
            assertThat(s.readsVerified()).as(s.name()).isPositive().isEqualTo(s.reads());
            assertThat(s.accesses()).as(s.name()).isEqualTo(s.reads() + s.writes());
            assertThat(s.refusedHypercalls()).as(s.name()).isZero();
            assertThat(s.guestFaults()).as(s.name()).isZero();
        }
        // full: every page-table write traps, shadow misses are hidden faults
        for (String web : new String[] {"web-1", "web-2"}) {
            GuestStats s = g.get(web);
            assertThat(s.traps()).isEqualTo(s.pagesTouched());
            assertThat(s.hiddenFaults()).isGreaterThanOrEqualTo(s.pagesTouched());
            assertThat(s.hypercalls()).isZero();
            assertThat(s.allocatedPages()).isEqualTo(s.pagesTouched());
        }
        // para: no traps; one mmu_update hypercall per tick that touched new pages, all entries batched
        GuestStats db = g.get("db");
        assertThat(db.traps()).isZero();
        assertThat(db.hiddenFaults()).isZero();
        assertThat(db.hypercalls()).isPositive().isLessThanOrEqualTo(result.ticksPlayed());
        assertThat(db.mmuUpdateEntries()).isEqualTo(db.pagesTouched());
        assertThat(db.allocatedPages()).isEqualTo(db.configuredPages());
        // nested: page-table writes never trap; first touches are EPT violations (exits)
        GuestStats batch = g.get("batch");
        assertThat(batch.traps()).isZero();
        assertThat(batch.hypercalls()).isZero();
        assertThat(batch.vmExits()).isEqualTo(batch.pagesTouched());
        assertThat(batch.overheadCycles()).isPositive();
        // samples: one per simulated second per guest
        assertThat(result.samples()).hasSize(4 * 4);
    }

    @Test
    void sameSeedGivesTheSameSummaryAndAnotherSeedDoesNot() throws Exception {
        Scenario a = Quickstart.load(2, 7L);
        Scenario b = Quickstart.load(2, 7L);
        Scenario c = Quickstart.load(2, 8L);
        Simulation.Options plain = new Simulation.Options(false, Duration.ofSeconds(60), ConfigFactory.empty());
        Simulation.Options serialized = new Simulation.Options(false, Duration.ofSeconds(60),
                ConfigFactory.parseString("pekko.actor.serialize-messages = on"));
        String first = withoutTiming(RunWriter.summaryJson(a, Simulation.run(a, plain), false));
        // the same run with every message through Kryo gives the same bytes
        String second = withoutTiming(RunWriter.summaryJson(b, Simulation.run(b, serialized), false));
        String third = withoutTiming(RunWriter.summaryJson(c, Simulation.run(c, plain), false));
        assertThat(second).isEqualTo(first);
        assertThat(third).isNotEqualTo(first);
        assertThat(first).contains("\"readMismatches\" : 0");
    }

    /** Drops the "timing" object, the only place wall-clock figures may appear. */
    static String withoutTiming(String json) {
        return json.replaceAll("(?s)\"timing\" : \\{.*?\\},", "");
    }
}
