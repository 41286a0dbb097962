package ballast.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.KernelEvent;
import ballast.host.control.GuestStats;
import ballast.app.report.RunWriter;
import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The CPU scenarios end to end: forkwait and the system-call loop against Adams and Agesen's
 * published ratios (within a factor of 1.5), binary translation and its absence, and the
 * para-virtual page-table batch.
 */
class CpuVirtualizationTest {
    static final Path SCENARIOS = Path.of("..", "conf", "scenarios");
    static final Simulation.Options PLAIN = new Simulation.Options(false, Duration.ofSeconds(60), ConfigFactory.empty());
    /** Allowed distance from a published ratio, as a factor either way. */
    static final double FACTOR = 1.5;

    // Adams and Agesen, ASPLOS 2006: 40,000 forks in 6.0 s native, 36.9 s under BT, 106.4 s under VT;
    // a system call in 242 cycles native, 2308 under BT, 246 under VT.
    static final double FORKWAIT_BT = 36.9 / 6.0;
    static final double FORKWAIT_VT = 106.4 / 6.0;
    static final double SYSCALL_BT = 2308.0 / 242.0;
    static final double SYSCALL_VT = 246.0 / 242.0;

    record Run(Scenario scenario, RunResult result, Map<String, GuestStats> guests) {
        GuestStats guest(String name) {
            return guests.get(name);
        }
    }

    static Run run(String file, String... sets) throws Exception {
        Scenario scenario = ScenarioLoader.load(SCENARIOS.resolve(file), List.of(sets), null);
        RunResult result = Simulation.run(scenario, PLAIN);
        assertThat(result.failure()).isNull();
        assertThat(result.violations()).isEmpty();
        for (GuestStats g : result.guests()) {
            assertThat(g.readMismatches()).as(g.name()).isZero();
            assertThat(g.refusedHypercalls()).as(g.name()).isZero();
        }
        return new Run(scenario, result,
                result.guests().stream().collect(Collectors.toMap(GuestStats::name, Function.identity())));
    }

    /** Time in units of the native time of the same activity. */
    static double relativeTime(GuestStats g) {
        return (double) (g.nativeCycles() + g.overheadCycles()) / g.nativeCycles();
    }

    static void assertWithinFactor(GuestStats g, double published) {
        assertThat(relativeTime(g)).as(g.name() + " against the published " + published)
                .isBetween(published / FACTOR, published * FACTOR);
    }

    /** Workload accesses a guest generated (its OS's page fills are counted apart). */
    static long workAccesses(GuestStats g) {
        return g.accesses();
    }

    /**
     * Every guest's kernel did the same activity per unit of work (within 1% for each event kind,
     * give or take one event per page first touched: the first touches' faults do not scale with the work):
     * with the time model a guest that virtualization slows gets less work done in the same
     * simulated time, so the totals differ, but not the activity each unit of work carries.
     */
    static void assertSameActivityPerUnitOfWork(Run run) {
        GuestStats first = run.result().guests().get(0);
        for (GuestStats g : run.result().guests()) {
            for (KernelEvent kind : KernelEvent.ALL) {
                double mine = g.eventCount(kind) / (double) workAccesses(g);
                double theirs = first.eventCount(kind) / (double) workAccesses(first);
                double firstTouches = (double) g.pagesTouched() / workAccesses(g) + (double) first.pagesTouched() / workAccesses(first);
                assertThat(mine).as(g.name() + " " + kind).isCloseTo(theirs, Offset.offset(theirs * 0.01 + firstTouches + 1e-9));
            }
        }
    }

    /** Work done per simulated second falls with the overhead: the slower technique completes less. */
    static void assertThroughputFallsWithRelativeTime(Run run) {
        List<GuestStats> byTime = run.result().guests().stream()
                .sorted(java.util.Comparator.comparingDouble(CpuVirtualizationTest::relativeTime)).toList();
        for (int i = 1; i < byTime.size(); i++) {
            GuestStats faster = byTime.get(i - 1);
            GuestStats slower = byTime.get(i);
            assertThat(slower.time().throughput()).as(slower.name() + " against " + faster.name())
                    .isLessThanOrEqualTo(faster.time().throughput());
        }
    }

    private static Run forkwait;

    /** One simulated second of forkwait (4000 iterations), shared by the tests that read it. */
    static synchronized Run forkwait() throws Exception {
        if (forkwait == null) {
            forkwait = run("forkwait.conf", "scenario.duration=1s");
        }
        return forkwait;
    }

    @Test
    void forkwaitFollowsThePublishedOrderingAndRatios() throws Exception {
        Run run = forkwait();
        assertSameActivityPerUnitOfWork(run);
        assertThroughputFallsWithRelativeTime(run);
        GuestStats bt = run.guest("fw-bt");
        GuestStats vt = run.guest("fw-vt");
        GuestStats ept = run.guest("fw-ept");
        GuestStats pv = run.guest("fw-pv");
        // one unit of work (1,000 accesses) per fork-wait iteration; the workload asks for 4000 in a
        // simulated second, and a guest on its own core gets that done only if virtualization does not slow it
        assertThat(ept.time().demand()).isEqualTo(4_000_000);
        assertThat(ept.time().workUnits()).isEqualTo(4_000_000);
        assertThat(bt.time().workUnits()).isLessThan(4_000_000 / 2);
        assertThat(bt.eventCount(KernelEvent.SYSCALL)).isCloseTo(6 * workAccesses(bt) / 1000, Offset.offset(2L));

        // native fastest, binary translation about 6 times native, hardware (shadow paging) slowest
        assertWithinFactor(bt, FORKWAIT_BT);
        assertWithinFactor(vt, FORKWAIT_VT);
        assertThat(relativeTime(vt)).isGreaterThan(relativeTime(bt)).isGreaterThan(relativeTime(pv))
                .isGreaterThan(relativeTime(ept)).isGreaterThan(1.0);
        // with nested paging page-table writes and faults do not exit: near native
        assertThat(relativeTime(ept)).isLessThan(1.1);
        // where the time goes under VT with shadow paging: page-table writes exit
        assertThat(vt.overheadCyclesByEvent()[KernelEvent.PT_WRITE.ordinal()]).isGreaterThan(vt.overheadCycles() / 2);
        assertThat(vt.vmExits()).isGreaterThanOrEqualTo(vt.eventCount(KernelEvent.PT_WRITE) + vt.eventCount(KernelEvent.PAGE_FAULT));
        assertThat(vt.traps()).isZero();
        assertThat(ept.vmExits()).isEqualTo(ept.pagesTouched()); // only the EPT violations of first touches
    }

    @Test
    void aParavirtualGuestMakesOneHypercallPerPageTableBatchAndNeverTrapsForPageTables() throws Exception {
        Run run = forkwait();
        GuestStats pv = run.guest("fw-pv");
        long ticks = run.result().ticksPlayed();
        // 300 page-table writes and 30 TLB flushes per iteration: one batch per tick, which in the first
        // tick also carries the first touches' mmu_update entries
        assertThat(pv.eventCount(KernelEvent.PT_WRITE)).isEqualTo(300 * workAccesses(pv) / 1000 + pv.pagesTouched());
        assertThat(pv.mmuUpdateEntries()).isEqualTo(pv.eventCount(KernelEvent.PT_WRITE));
        assertThat(pv.hypercalls()).isEqualTo(ticks + pv.eventCount(KernelEvent.CONTEXT_SWITCH));
        // the only traps are page faults bounced through Xen
        assertThat(pv.traps()).isEqualTo(pv.eventCount(KernelEvent.PAGE_FAULT));
        assertThat(pv.vmExits()).isZero();
        assertThat(pv.silentFailures()).isZero();
        assertThat(pv.overheadCyclesByEvent()[KernelEvent.PT_WRITE.ordinal()])
                .isEqualTo(ticks * 937 + pv.mmuUpdateEntries() * 40);
    }

    @Test
    void systemCallsAreNearNativeWithHardwareAssistanceAndAboutTenTimesUnderBinaryTranslation() throws Exception {
        Run run = run("syscall.conf", "scenario.duration=1s");
        assertSameActivityPerUnitOfWork(run);
        assertThroughputFallsWithRelativeTime(run);
        GuestStats bt = run.guest("sc-bt");
        assertThat(bt.eventCount(KernelEvent.SYSCALL)).isCloseTo(workAccesses(bt), Offset.offset(2L));
        // near native guests get all their work done; binary translation's traps cost it some
        assertThat(run.guest("sc-ept").time().slowdown()).isCloseTo(1.0, Offset.offset(0.01));
        assertThat(bt.time().slowdown()).isGreaterThan(1.1);
        assertWithinFactor(bt, SYSCALL_BT);
        for (String name : List.of("sc-vt", "sc-ept")) {
            assertWithinFactor(run.guest(name), SYSCALL_VT);
            assertThat(relativeTime(run.guest(name))).as(name).isLessThan(1.05);
        }
        assertThat(relativeTime(run.guest("sc-pv"))).isCloseTo(1.0, Offset.offset(0.01));
        assertThat(relativeTime(bt)).isGreaterThan(relativeTime(run.guest("sc-vt")));
        assertThat(bt.traps()).isGreaterThanOrEqualTo(bt.eventCount(KernelEvent.SYSCALL));
        assertThat(run.guest("sc-vt").vmExits()).isLessThan(1000); // first touches only: system calls never exit
    }

    @Test
    void withoutBinaryTranslationSensitiveInstructionsFailSilentlyAndWithItTheCacheHitsAfterWarmUp() throws Exception {
        Run run = run("binary-translation.conf", "scenario.duration=5s");
        GuestStats on = run.guest("linux-bt");
        GuestStats off = run.guest("linux-nobt");

        assertThat(off.eventCounts()).containsExactly(on.eventCounts());
        long runs = on.eventCount(KernelEvent.SENSITIVE_BLOCK);
        assertThat(runs).isPositive();
        assertThat(off.silentFailures()).isEqualTo(runs);
        assertThat(off.correct()).isFalse();
        assertThat(off.translations()).isZero();
        assertThat(off.readMismatches()).isZero(); // the failures are in its CPU state, not its memory

        assertThat(on.silentFailures()).isZero();
        assertThat(on.correct()).isTrue();
        assertThat(on.translations()).isPositive().isLessThanOrEqualTo(301);
        assertThat(on.translationCacheHits() + on.translations()).isEqualTo(runs);
        assertThat(on.translationCacheEvictions()).isZero();
        // after the first simulated second (warm-up), the hit rate is above 99%
        GuestStats warm = run.result().samples().stream().filter(s -> s.guest().name().equals("linux-bt"))
                .filter(s -> s.simulatedSeconds() == 1.0).findFirst().orElseThrow().guest();
        long hits = on.translationCacheHits() - warm.translationCacheHits();
        long misses = on.translations() - warm.translations();
        assertThat((double) hits / (hits + misses)).isGreaterThan(0.99);

        // a cache smaller than the kernel's blocks evicts and translates again, at a cost
        GuestStats tiny = run.guest("linux-tiny");
        assertThat(tiny.translationCacheEvictions()).isPositive();
        assertThat(tiny.translations()).isGreaterThan(on.translations());
        assertThat(tiny.overheadCycles()).isGreaterThan(on.overheadCycles());
        assertThat(tiny.correct()).isTrue();

        // the run succeeds; the summary marks the incorrect guest
        JsonNode summary = new ObjectMapper().readTree(RunWriter.summaryJson(run.scenario(), run.result(), false));
        assertThat(summary.get("status").asText()).isEqualTo("ok");
        for (JsonNode g : summary.get("guests")) {
            boolean nobt = g.get("name").asText().equals("linux-nobt");
            assertThat(g.get("correct").asBoolean()).as(g.get("name").asText()).isEqualTo(!nobt);
            assertThat(g.get("technique").asText()).isEqualTo(nobt ? "trap-and-emulate" : "binary-translation");
            assertThat(g.get("eventCounts").get("sensitiveBlock").asLong()).isPositive();
        }
    }
}
