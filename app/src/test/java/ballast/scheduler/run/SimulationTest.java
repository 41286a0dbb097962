package ballast.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.KernelEvent;
import ballast.host.control.GuestStats;
import ballast.app.report.RunWriter;
import ballast.scheduler.scenario.Scenario;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Arrays;
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
        // full: every page-table write traps, and so does every other kernel event; shadow misses are hidden faults
        for (String web : new String[] {"web-1", "web-2"}) {
            GuestStats s = g.get(web);
            assertThat(s.traps()).isEqualTo(kernelEvents(s) - s.eventCount(KernelEvent.SENSITIVE_BLOCK));
            assertThat(s.eventCount(KernelEvent.PT_WRITE)).isGreaterThan(s.pagesTouched());
            assertThat(s.hiddenFaults()).isGreaterThanOrEqualTo(s.pagesTouched());
            assertThat(s.hypercalls()).isZero();
            assertThat(s.vmExits()).isZero();
            assertThat(s.allocatedPages()).isEqualTo(s.pagesTouched());
            // binary translation: the linux kernel's sensitive blocks are translated once each, then hit
            assertThat(s.silentFailures()).isZero();
            assertThat(s.correct()).isTrue();
            assertThat(s.translations()).isPositive().isLessThanOrEqualTo(301);
            assertThat(s.translationCacheHits() + s.translations()).isEqualTo(s.eventCount(KernelEvent.SENSITIVE_BLOCK));
        }
        // para: no traps but page faults bounced through Xen; hypercalls for process switches, the one
        // mmu_update batch per tick (first touches and the kernel's page-table writes together) and I/O
        // notifications; every page-table write is a batch entry
        GuestStats db = g.get("db");
        assertThat(db.traps()).isEqualTo(db.eventCount(KernelEvent.PAGE_FAULT));
        assertThat(db.hiddenFaults()).isZero();
        assertThat(db.hypercalls()).isPositive()
                .isLessThanOrEqualTo(db.eventCount(KernelEvent.CONTEXT_SWITCH) + 2 * result.ticksPlayed());
        assertThat(db.mmuUpdateEntries()).isEqualTo(db.eventCount(KernelEvent.PT_WRITE)).isGreaterThan(db.pagesTouched());
        assertThat(db.allocatedPages()).isEqualTo(db.configuredPages());
        // nested: page-table writes never trap; first touches are EPT violations and I/O exits
        GuestStats batch = g.get("batch");
        assertThat(batch.traps()).isZero();
        assertThat(batch.hypercalls()).isZero();
        assertThat(batch.vmExits()).isEqualTo(batch.pagesTouched() + batch.eventCount(KernelEvent.IO_ACCESS));
        assertThat(batch.overheadCycles()).isPositive();
        for (GuestStats s : g.values()) {
            assertThat(s.nativeCycles()).as(s.name()).isPositive();
            assertThat(Arrays.stream(s.overheadCyclesByEvent()).sum()).as(s.name()).isEqualTo(s.overheadCycles());
        }
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

    static long kernelEvents(GuestStats s) {
        return Arrays.stream(s.eventCounts()).sum();
    }

    /** Drops the "timing" object, the only place wall-clock figures may appear. */
    static String withoutTiming(String json) {
        return json.replaceAll("(?s)\"timing\" : \\{.*?\\},", "");
    }
}
