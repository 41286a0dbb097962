package ballast.scheduler.clock;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.host.control.HostTickDone;
import ballast.scheduler.run.RunResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The run's result built from host reports, without actors. */
class ResultAssemblyTest {

    static ClockPlan plan(boolean freeRunning, String... hosts) {
        return new ClockPlan(4, 2, 0.5, false, Duration.ofSeconds(5), List.of(hosts), freeRunning, 64);
    }

    static GuestStats guest(String name, long allocated) {
        return new GuestStats(name, 100, allocated, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                new long[0], new long[0], 0, 0, new long[0]);
    }

    static HostTickDone done(String host, long tick, long free, List<GuestStats> guests, long checks,
                             List<String> violations) {
        return new HostTickDone(host, tick, new HostStats(10, free, 10 - free, 0, 0), guests, checks, violations);
    }

    @Test
    void samplingPointsMakeTheTimeSeriesAndTheLastFiguresInPlanOrder() {
        ResultAssembly a = new ResultAssembly(plan(false, "b", "a"));
        a.tickPlayed(0, List.of(done("b", 0, 9, List.of(guest("b-1", 1)), 2, List.of()),
                done("a", 0, 8, List.of(guest("a-1", 2)), 3, List.of())), false);
        a.tickPlayed(1, List.of(done("b", 1, 7, List.of(guest("b-1", 3)), 2, List.of()),
                done("a", 1, 6, List.of(guest("a-1", 4)), 3, List.of())), true);
        assertThat(a.violated("headline")).isFalse();
        RunResult r = a.build(2, null, false, 1.0, List.of());
        assertThat(r.invariantChecks()).isEqualTo(10);
        assertThat(r.samples()).extracting(RunResult.Sample::simulatedSeconds).containsExactly(1.0, 1.0);
        assertThat(r.hostSamples()).hasSize(2);
        assertThat(r.hosts()).extracting(HostStats::framesFree).containsExactly(7L, 6L); // plan order: b, a
        assertThat(r.guests()).extracting(GuestStats::allocatedPages).containsExactly(3L, 4L);
        assertThat(r.ticksPlayed()).isEqualTo(2);
    }

    @Test
    void aViolationGoesUnderItsHeadline() {
        ResultAssembly a = new ResultAssembly(plan(false, "a"));
        a.tickPlayed(0, List.of(done("a", 0, 8, List.of(), 1, List.of("frames lost"))), false);
        assertThat(a.violated("invariants violated at tick 0")).isTrue();
        assertThat(a.build(1, null, false, 0, List.of()).violations())
                .containsExactly("invariants violated at tick 0", "frames lost");
    }

    @Test
    void aLostHostKeepsItsFiguresButNotItsGuestRows() {
        ResultAssembly a = new ResultAssembly(plan(false, "a", "b"));
        a.tickPlayed(1, List.of(done("a", 1, 8, List.of(guest("a-1", 2)), 0, List.of()),
                done("b", 1, 9, List.of(guest("b-1", 1)), 0, List.of())), true);
        a.hostsLost(List.of("b"));
        RunResult r = a.build(2, "lost", false, 0, List.of());
        assertThat(r.hosts()).hasSize(2);
        assertThat(r.guests()).extracting(GuestStats::name).containsExactly("a-1");
        assertThat(r.failure()).isEqualTo("lost");
    }

    @Test
    void freeRunningEndsWithEveryHostsFinalReportAtTheFurthestTick() {
        ResultAssembly a = new ResultAssembly(plan(true, "a", "b"));
        assertThat(a.freeReport(done("a", 1, 8, List.of(), 5, List.of()), false)).isEqualTo(0); // b: none yet
        assertThat(a.freeReport(done("b", 0, 8, List.of(), 5, List.of()), false)).isEqualTo(1); // the slowest
        assertThat(a.finalReported("a")).isFalse();
        a.freeReport(done("a", 3, 7, List.of(guest("a-1", 5)), 1, List.of()), false);
        assertThat(a.finalReported("a")).isTrue();
        assertThat(a.allFinal()).isFalse();
        a.freeReport(done("b", 2, 6, List.of(guest("b-1", 6)), 1, List.of()), true); // stopped early
        assertThat(a.allFinal()).isTrue();
        assertThat(a.freeFinish()).isEqualTo(4);
        RunResult r = a.build(4, null, false, 0, List.of());
        assertThat(r.invariantChecks()).isEqualTo(12);
        assertThat(r.samples()).extracting(RunResult.Sample::simulatedSeconds).containsExactly(2.0, 2.0);
        assertThat(r.guests()).extracting(GuestStats::name).containsExactly("a-1", "b-1");
    }
}
