package ballast.scheduler.clock;

import ballast.abi.ToHypervisor;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.Hypervisor;
import ballast.host.control.HostStats;
import ballast.host.control.HostTickDone;
import ballast.host.control.RunTick;
import ballast.scheduler.run.RunResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The clock never waits forever: a host that stops reporting fails the run, named. */
class ClockTest {
    static final ActorTestKit testKit = ActorTestKit.create();

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    void aSilentHostEndsTheRunAtTheBarrierTimeoutNamingIt() throws Exception {
        TestProbe<ToHypervisor> alive = testKit.createTestProbe();
        TestProbe<ToHypervisor> silent = testKit.createTestProbe();
        CompletableFuture<RunResult> result = new CompletableFuture<>();
        ClockPlan plan = new ClockPlan(10, 1, 0.1, false, Duration.ofMillis(500), List.of("alive", "silent"), false, 64);
        testKit.spawn(Clock.create(plan, Map.of("alive", alive.ref(), "silent", silent.ref()), result,
                new ballast.scheduler.run.RunControl(), Timeline.none(), null));

        // tick 0: both answer
        RunTick t0 = (RunTick) alive.receiveMessage();
        silent.receiveMessage();
        HostStats stats = new HostStats(10, 5, 5, 0, 0);
        t0.replyTo().tell(new HostTickDone("alive", 0, stats, List.of(), 0, List.of()));
        t0.replyTo().tell(new HostTickDone("silent", 0, stats, List.of(), 0, List.of()));
        // tick 1: only one answers
        RunTick t1 = (RunTick) alive.receiveMessage();
        assertThat(t1.tick()).isEqualTo(1);
        t1.replyTo().tell(new HostTickDone("alive", 1, stats, List.of(), 0, List.of()));

        RunResult r = result.get(10, TimeUnit.SECONDS);
        assertThat(r.failure()).contains("tick 1", "silent").doesNotContain("alive");
        assertThat(r.ticksPlayed()).isEqualTo(1);
        assertThat(r.ok()).isFalse();
    }
}
