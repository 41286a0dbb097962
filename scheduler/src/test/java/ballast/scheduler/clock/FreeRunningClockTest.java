package ballast.scheduler.clock;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.ToHypervisor;
import ballast.host.control.HostStats;
import ballast.host.control.HostTickDone;
import ballast.host.control.RunFree;
import ballast.host.migration.FreeMigration;
import ballast.scheduler.run.RunControl;
import ballast.scheduler.run.RunResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The free-running clock's boundaries (where live migrations take their steps) follow the slowest
 * guest of every host of the run, including a host not heard from yet: its free run may not have
 * started (its guests still booting), and a migration's step reaching it then would find the
 * leaving guest not running at its source, or admit the arriving guest before the destination's run
 * knows it. The hosts are probes; their reports are sent by hand in a fixed order.
 */
class FreeRunningClockTest {
    static final ActorTestKit testKit = ActorTestKit.create();

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    /** {@code silent}: "a" is a migration's source, "b" its destination. */
    @ParameterizedTest
    @ValueSource(strings = {"a", "b"})
    void noBoundaryIsPlayedBeforeEveryHostHasReportedProgress(String silent) {
        String heard = silent.equals("a") ? "b" : "a";
        TestProbe<ToHypervisor> a = testKit.createTestProbe();
        TestProbe<ToHypervisor> b = testKit.createTestProbe();
        TestProbe<TickEnded> boundary = testKit.createTestProbe();
        ClockPlan plan = new ClockPlan(10, 1, 0.1, false, Duration.ofSeconds(60), List.of("a", "b"), true, 64);
        testKit.spawn(Clock.create(plan, Map.of("a", a.ref(), "b", b.ref()), new CompletableFuture<RunResult>(),
                new RunControl(), Timeline.none(), boundary.ref()));
        a.expectMessageClass(FreeMigration.HoldEnd.class);
        RunFree run = a.expectMessageClass(RunFree.class);
        b.expectMessageClass(FreeMigration.HoldEnd.class);
        b.expectMessageClass(RunFree.class);
        HostStats stats = new HostStats(10, 5, 5, 0, 0);

        // one host's guests play three ticks while the other host has not reported at all
        for (long tick = 0; tick < 3; tick++) {
            run.replyTo().tell(new HostTickDone(heard, tick, stats, List.of(), 0, List.of()));
        }
        run.replyTo().tell(new HostTickDone(silent, 2, stats, List.of(), 0, List.of()));

        // the first boundary comes with the silent host's report, not before it (ticks 1 or 2)
        TickEnded first = boundary.receiveMessage();
        assertThat(first.nextTick()).isEqualTo(3);
    }
}
