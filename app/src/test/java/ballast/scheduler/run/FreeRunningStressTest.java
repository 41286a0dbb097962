package ballast.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioLoader;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The free-running stress scenario: 240 guests on one overcommitted hypervisor (3840 MiB configured
 * on 2 GiB) and 8 on a second one, with reclamation, page sharing in every mode, timed events, a live
 * migration from the first host to the second and no tick barrier, every message through Kryo.
 * Every invariant must hold at every check, every read must verify, the frames must add up on both
 * hosts; balloons, host paging, para-virtual sharing, the events and the migration must have been at
 * work. The short version runs in {@code mvn verify}; the full one with {@code mvn -Pstress verify}.
 */
class FreeRunningStressTest {
    static final Path FILE = Path.of("..", "conf", "scenarios", "stress-free-running.conf");
    static final int GUESTS = 248;

    static RunResult run(List<String> sets) throws Exception {
        Scenario scenario = ScenarioLoader.load(FILE, sets, null);
        assertThat(scenario.mode()).isEqualTo(Scenario.FREE_RUNNING);
        assertThat(scenario.guests()).hasSize(GUESTS);
        assertThat(scenario.hosts()).extracting(h -> h.name()).containsExactly("big", "spare");
        assertThat(scenario.hosts().get(0).guests()).hasSize(240);
        long configured = scenario.hosts().get(0).guests().stream().mapToLong(g -> g.configuredPages()).sum();
        long host = scenario.hosts().get(0).totalFrames();
        assertThat((double) configured / host).as("memory overcommitted by 50% or more").isGreaterThanOrEqualTo(1.5);
        return Simulation.run(scenario, new Simulation.Options(false, Duration.ofSeconds(120),
                ConfigFactory.parseString("pekko.actor.serialize-messages = on")));
    }

    static void assertClean(RunResult result, long ticks) {
        assertThat(result.failure()).isNull();
        assertThat(result.violations()).isEmpty();
        assertThat(result.ticksPlayed()).isEqualTo(ticks);
        assertThat(result.invariantChecks()).isGreaterThan(3 + 240); // periodic checks plus the final audit
        assertThat(result.guests()).hasSize(GUESTS);
        long reads = 0;
        for (GuestStats g : result.guests()) {
            assertThat(g.readMismatches()).as(g.name()).isZero();
            assertThat(g.readsVerified()).as(g.name()).isEqualTo(g.reads()).isPositive();
            // the only refusal an overcommitted host may give a well-behaved guest: a deflate with no frame free
            assertThat(g.refusedHypercallsByReason().keySet()).as(g.name()).isSubsetOf("OUT_OF_MEMORY");
            reads += g.reads();
        }
        HostStats big = result.hosts().get(0);
        assertThat(result.hosts()).hasSize(2).allSatisfy(h -> assertThat(
                h.framesFree() + h.framesMapped() + h.framesReserved()).as("frames conserved").isEqualTo(h.framesTotal()));
        // the migration happened: the guest ended on the other host, its pages verified there
        assertThat(result.migrations()).as("migrations").singleElement().satisfies(m -> {
            assertThat(m.guest()).isEqualTo("f-mover");
            assertThat(m.from()).isEqualTo("big");
            assertThat(m.to()).isEqualTo("spare");
            assertThat(m.rounds()).isBetween(1, 3);
            assertThat(m.pagesSent()).isPositive();
        });
        assertThat(result.guestHosts()).containsEntry("f-mover", "spare");
        assertThat(result.faults()).isEmpty();
        GuestStats mover = result.guests().stream().filter(g -> g.name().equals("f-mover")).findFirst().orElseThrow();
        assertThat(mover.readsVerified()).isPositive();
        assertThat(mover.allocatedPages()).as("its memory is on spare now").isPositive();

        assertThat(big.mergeCount()).as("pages merged by the sharing daemon").isPositive();
        assertThat(result.guests().stream().mapToLong(GuestStats::cowBreaks).sum()).as("copy-on-write breaks").isPositive();
        assertThat(result.guests().stream().filter(g -> g.name().startsWith("p-")).mapToLong(GuestStats::cowBreaks).sum())
                .as("para-virtual pages merged (and their copies broken)").isPositive();
        assertThat(big.reclaim().balloonedPages()).as("ballooned pages").isPositive();
        assertThat(big.reclaim().swapOuts()).as("pages swapped out by the host").isPositive();
        assertThat(big.reclaim().swapIns()).as("pages swapped back in").isPositive();
        assertThat(result.events()).as("timed events applied during the run").hasSize(3)
                .allSatisfy(e -> assertThat(e.result()).isEqualTo("ok"));
        System.out.println("free-running: " + result.guests().size() + " guests on 2 hosts, " + reads
                + " reads verified, " + result.invariantChecks() + " invariant checks, migration "
                + result.migrations() + " in " + result.wallSeconds() + " s");
    }

    @Test
    void twoHundredFortyGuestsWithoutABarrierKeepEveryInvariant() throws Exception {
        RunResult result = run(List.of("scenario.duration=2s",
                "guest-templates.small.workload.accesses-per-second=10000"));
        assertClean(result, 20);
    }

    @Test
    @Tag("stress")
    void theFullStressScenario() throws Exception {
        assertClean(run(List.of()), 600);
    }
}
