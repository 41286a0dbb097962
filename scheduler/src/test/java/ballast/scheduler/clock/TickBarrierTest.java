package ballast.scheduler.clock;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.control.HostStats;
import ballast.host.control.HostTickDone;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tick barrier without an actor system: who has reported, when the clock may move, what a tick is. */
class TickBarrierTest {
    static final HostStats STATS = new HostStats(10, 5, 5, 0, 0);

    static ClockPlan plan(long ticks, long sampleEvery, boolean auditEveryTick, String... hosts) {
        return new ClockPlan(ticks, sampleEvery, 0.1, auditEveryTick, Duration.ofSeconds(5), List.of(hosts), false, 64);
    }

    static HostTickDone done(String host, long tick) {
        return new HostTickDone(host, tick, STATS, List.of(), 0, List.of());
    }

    @Test
    void theClockMovesOnlyOnceEveryHostReportedThisTick() {
        TickBarrier b = new TickBarrier(plan(3, 1, false, "a", "b"));
        b.start(false);
        assertThat(b.report(done("a", 0))).isTrue();
        assertThat(b.complete()).isFalse();
        assertThat(b.missing()).containsExactly("b");
        assertThat(b.report(done("b", 0))).isTrue();
        assertThat(b.complete()).isTrue();
        assertThat(b.reports()).extracting(HostTickDone::hostName).containsExactly("a", "b");
        b.advance();
        assertThat(b.tick()).isEqualTo(1);
        assertThat(b.over()).isFalse();
    }

    @Test
    void aReportOfAnotherTickAStrangerOrASecondReportIsRefused() {
        TickBarrier b = new TickBarrier(plan(3, 1, false, "a", "b"));
        b.start(false);
        assertThat(b.report(done("a", 1))).isFalse();
        assertThat(b.report(done("z", 0))).isFalse();
        assertThat(b.report(done("a", 0))).isTrue();
        assertThat(b.report(done("a", 0))).isFalse();
        assertThat(b.complete()).isFalse();
    }

    @Test
    void aLostHostIsNoLongerWaitedFor() {
        TickBarrier b = new TickBarrier(plan(3, 1, false, "a", "b", "c"));
        b.start(false);
        b.report(done("a", 0));
        b.report(done("b", 0));
        assertThat(b.lose(List.of("b", "c"))).isFalse();
        assertThat(b.complete()).isTrue();
        assertThat(b.live()).containsExactly("a");
        assertThat(b.reports()).extracting(HostTickDone::hostName).containsExactly("a");
        assertThat(b.lose(List.of("a"))).isTrue();
    }

    @Test
    void samplingPointsAuditsAndTheLastTickFollowThePlan() {
        TickBarrier b = new TickBarrier(plan(4, 2, false, "a"));
        TickBarrier.TickKind t0 = b.start(false);
        assertThat(t0.sampling()).isFalse();
        assertThat(t0.audit()).isFalse();
        b.advance();
        TickBarrier.TickKind t1 = b.start(false);
        assertThat(t1.sampling()).isTrue(); // every second tick
        assertThat(t1.last()).isFalse();
        b.advance();
        b.advance();
        TickBarrier.TickKind t3 = b.start(false);
        assertThat(t3.last()).isTrue();
        assertThat(t3.audit()).isTrue();
        assertThat(t3.interrupted()).isFalse();
        b.advance();
        assertThat(b.over()).isTrue();
    }

    @Test
    void aStopRequestMakesTheNextTickTheLastSampledAndAuditedOne() {
        TickBarrier b = new TickBarrier(plan(10, 5, false, "a"));
        TickBarrier.TickKind t0 = b.start(true);
        assertThat(t0.last()).isTrue();
        assertThat(t0.sampling()).isTrue();
        assertThat(t0.audit()).isTrue();
        assertThat(b.interrupted()).isTrue();
        b.advance();
        assertThat(b.over()).isTrue();
    }

    @Test
    void aTimeoutNamesTheTickAndTheMissingHosts() {
        TickBarrier b = new TickBarrier(plan(3, 1, false, "a", "b", "c"));
        b.start(false);
        b.report(done("b", 0));
        assertThat(b.timedOut(Duration.ofSeconds(7)))
                .isEqualTo("tick 0 barrier timed out after 7 s waiting for host(s) a, c");
    }
}
