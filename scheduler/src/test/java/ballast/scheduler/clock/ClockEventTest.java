package ballast.scheduler.clock;

import ballast.host.node.GuestChanged;
import ballast.abi.ToHypervisor;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import ballast.host.Hypervisor;
import ballast.host.control.GuestGone;
import ballast.host.control.HostStats;
import ballast.host.control.HostTickDone;
import ballast.host.control.Reconfigure;
import ballast.host.control.Reconfigured;
import ballast.host.control.RunTick;
import ballast.host.reclaim.ReclaimSettings;
import ballast.scheduler.run.RunControl;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.scenario.TimedEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The clock applies timed events between ticks: those due at tick n before RunTick n, one at a
 * time, each waited for; a stopped guest's release and a late guest's "do not wait" reach its
 * host before the tick does; every event is recorded with its result.
 */
class ClockEventTest {
    static final ActorTestKit testKit = ActorTestKit.create();
    static final HostStats STATS = new HostStats(10, 5, 5, 0, 0);
    static final ReclaimSettings TAXED = new ReclaimSettings(true, "idle-tax", 0.75, 0.25, 15, 30, 100, 0.06, 0.04,
            0.02, 0.01, 0.005, 1000, 21_450_000, 4096, 4096, 0.1);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    void eventsLandBeforeTheirTickAndEachIsWaitedFor() throws Exception {
        TestProbe<ToHypervisor> host = testKit.createTestProbe();
        TestProbe<GuestControl> guests = testKit.createTestProbe();
        WorkloadSettings idle = new WorkloadSettings("idle", List.of(Phase.idle(Double.POSITIVE_INFINITY)));
        List<TimedEvent> events = List.of(
                new TimedEvent(0.1, 1, "set hosts.h.policy.tau = 0.75", new TimedEvent.ChangeReclaim(Map.of("h", TAXED))),
                new TimedEvent(0.1, 1, "start late", new TimedEvent.StartGuest("late")),
                new TimedEvent(0.2, 2, "stop early", new TimedEvent.StopGuest("early")),
                new TimedEvent(0.2, 2, "workload early", new TimedEvent.ChangeWorkload("early", idle)));
        Timeline timeline = new Timeline(events, Map.of("early", new Timeline.Place("h", 0),
                "late", new Timeline.Place("h", 1)), List.of("late"), guests.ref());
        CompletableFuture<RunResult> result = new CompletableFuture<>();
        ClockPlan plan = new ClockPlan(4, 1, 0.1, false, Duration.ofSeconds(5), List.of("h"), false, 64);
        testKit.spawn(Clock.create(plan, Map.of("h", host.ref()), result, new RunControl(), timeline, null));

        // Before tick 0, the late guest's host is told not to wait for it.
        assertThat(host.receiveMessage()).isEqualTo(GuestGone.stoppedByScenario(1));
        RunTick t0 = (RunTick) host.receiveMessage();
        assertThat(t0.tick()).isZero();
        guests.expectNoMessage(Duration.ofMillis(50));
        t0.replyTo().tell(new HostTickDone("h", 0, STATS, List.of(), 0, List.of()));

        // Tick 1's events: first the host's new settings, and nothing else until it answers.
        Reconfigure reconfigure = (Reconfigure) host.receiveMessage();
        assertThat(reconfigure.reclaim()).isEqualTo(TAXED);
        guests.expectNoMessage(Duration.ofMillis(50));
        reconfigure.replyTo().tell(new Reconfigured("h", null));
        GuestControl.Start start = (GuestControl.Start) guests.receiveMessage();
        assertThat(start.guest()).isEqualTo("late");
        assertThat(start.tick()).isEqualTo(1);
        host.expectNoMessage(Duration.ofMillis(50)); // the tick waits for the boot
        start.replyTo().tell(new GuestChanged("late", null));
        RunTick t1 = (RunTick) host.receiveMessage();
        assertThat(t1.tick()).isEqualTo(1);
        t1.replyTo().tell(new HostTickDone("h", 1, STATS, List.of(), 0, List.of()));

        // Tick 2's: the stop, then the release is sent by the clock itself, before the tick.
        GuestControl.Stop stop = (GuestControl.Stop) guests.receiveMessage();
        assertThat(stop.guest()).isEqualTo("early");
        stop.replyTo().tell(new GuestChanged("early", null));
        assertThat(host.receiveMessage()).isEqualTo(GuestGone.stoppedByScenario(0));
        GuestControl.ChangeWorkload change = (GuestControl.ChangeWorkload) guests.receiveMessage();
        assertThat(change.workload()).isEqualTo(idle);
        change.replyTo().tell(new GuestChanged("early", "not running"));
        RunTick t2 = (RunTick) host.receiveMessage();
        assertThat(t2.tick()).isEqualTo(2);
        t2.replyTo().tell(new HostTickDone("h", 2, STATS, List.of(), 0, List.of()));
        RunTick t3 = (RunTick) host.receiveMessage();
        t3.replyTo().tell(new HostTickDone("h", 3, STATS, List.of(), 0, List.of()));

        RunResult r = result.get(10, TimeUnit.SECONDS);
        assertThat(r.ok()).isTrue();
        assertThat(r.ticksPlayed()).isEqualTo(4);
        assertThat(r.events()).containsExactly(
                new RunResult.AppliedEvent(0.1, 1, "set hosts.h.policy.tau = 0.75", "ok"),
                new RunResult.AppliedEvent(0.1, 1, "start late", "ok"),
                new RunResult.AppliedEvent(0.2, 2, "stop early", "ok"),
                new RunResult.AppliedEvent(0.2, 2, "workload early", "not running"));
    }

    @Test
    void aRefusedChangeIsRecordedAndTheRunGoesOn() throws Exception {
        TestProbe<ToHypervisor> a = testKit.createTestProbe();
        TestProbe<ToHypervisor> b = testKit.createTestProbe();
        List<TimedEvent> events = List.of(new TimedEvent(0, 0, "set both",
                new TimedEvent.ChangeReclaim(Map.of("a", TAXED, "b", TAXED))));
        CompletableFuture<RunResult> result = new CompletableFuture<>();
        ClockPlan plan = new ClockPlan(1, 1, 0.1, false, Duration.ofSeconds(5), List.of("a", "b"), false, 64);
        testKit.spawn(Clock.create(plan, Map.of("a", a.ref(), "b", b.ref()), result, new RunControl(),
                new Timeline(events, Map.of(), List.of(), null), null));
        ((Reconfigure) a.receiveMessage()).replyTo().tell(new Reconfigured("a", null));
        a.expectNoMessage(Duration.ofMillis(50)); // still waiting for b
        ((Reconfigure) b.receiveMessage()).replyTo().tell(new Reconfigured("b", "tau must be in [0, 1)"));
        RunTick t0 = (RunTick) a.receiveMessage();
        b.receiveMessage();
        t0.replyTo().tell(new HostTickDone("a", 0, STATS, List.of(), 0, List.of()));
        t0.replyTo().tell(new HostTickDone("b", 0, STATS, List.of(), 0, List.of()));
        RunResult r = result.get(10, TimeUnit.SECONDS);
        assertThat(r.ok()).isTrue();
        assertThat(r.events()).containsExactly(new RunResult.AppliedEvent(0, 0, "set both",
                "refused by b: tau must be in [0, 1)"));
    }

    @Test
    void anEventWithoutAnswerEndsTheRunNamingIt() throws Exception {
        TestProbe<ToHypervisor> host = testKit.createTestProbe();
        List<TimedEvent> events = List.of(new TimedEvent(0.1, 1, "set hosts.h.policy.tau = 0.75",
                new TimedEvent.ChangeReclaim(Map.of("h", TAXED))));
        CompletableFuture<RunResult> result = new CompletableFuture<>();
        ClockPlan plan = new ClockPlan(3, 1, 0.1, false, Duration.ofMillis(300), List.of("h"), false, 64);
        testKit.spawn(Clock.create(plan, Map.of("h", host.ref()), result, new RunControl(),
                new Timeline(events, Map.of(), List.of(), null), null));
        RunTick t0 = (RunTick) host.receiveMessage();
        t0.replyTo().tell(new HostTickDone("h", 0, STATS, List.of(), 0, List.of()));
        assertThat(host.receiveMessage()).isInstanceOf(Reconfigure.class);
        RunResult r = result.get(10, TimeUnit.SECONDS);
        assertThat(r.ok()).isFalse();
        assertThat(r.failure()).contains("event at 0.1 s", "set hosts.h.policy.tau = 0.75", "no answer");
        assertThat(r.ticksPlayed()).isEqualTo(1);
        assertThat(r.events()).extracting(RunResult.AppliedEvent::result).containsExactly("no answer");
    }
}
