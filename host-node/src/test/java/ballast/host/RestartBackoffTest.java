package ballast.host;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.Boot;
import ballast.abi.Booted;
import ballast.abi.GuestCounters;
import ballast.abi.TickAck;
import ballast.abi.TickResult;
import ballast.abi.TickStart;
import ballast.abi.TickWork;
import ballast.abi.ToGuest;
import ballast.abi.ToHypervisor;
import ballast.host.TestHosts.Stream;
import ballast.host.control.GuestGone;
import ballast.host.control.HostTickDone;
import ballast.host.control.RunTick;
import java.util.List;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A failed guest restarted after a backoff: its hypervisor plays on without it for that many ticks,
 * then tells its node agent (a probe here) that the restart is due, and the tick it starts waits for
 * the fresh incarnation's boot, which joins that tick. Every message goes through Kryo.
 */
class RestartBackoffTest {
    static final ActorTestKit testKit = ActorTestKit.create("restart-backoff-test",
            ConfigFactory.parseString("pekko.actor.serialize-messages = on").withFallback(ConfigFactory.load()));

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final ActorRef<ToHypervisor> hypervisor = testKit.spawn(
            Hypervisor.create(HypervisorActorTest.SETTINGS));
    private final TestProbe<ToGuest> alpha = testKit.createTestProbe(ToGuest.class);
    private final TestProbe<ToGuest> beta = testKit.createTestProbe(ToGuest.class);
    private final TestProbe<HostTickDone> clock = testKit.createTestProbe(HostTickDone.class);
    private final TestProbe<GuestGone.RestartDue> agent =
            testKit.createTestProbe(GuestGone.RestartDue.class);

    private void betaPlays(long tick) {
        Stream s = Stream.of();
        hypervisor.tell(new TickWork(1, tick, List.of(), s.ops(), s.values(), beta.ref()));
        beta.expectMessageClass(TickResult.class);
        hypervisor.tell(new TickAck(1, tick, new GuestCounters(0, 0, 0, 0, 0, 0), null, beta.ref()));
    }

    @Test
    void aGuestRestartedAfterTwoTicksIsToldToBootAtTheSecondTickAfterItFailedAndJoinsIt() {
        hypervisor.tell(new Boot(0, "alpha", alpha.ref()));
        alpha.expectMessageClass(Booted.class);
        hypervisor.tell(new Boot(1, "beta", beta.ref()));
        beta.expectMessageClass(Booted.class);

        hypervisor.tell(new RunTick(0, false, false, clock.ref()));
        alpha.expectMessageClass(TickStart.class);
        beta.expectMessageClass(TickStart.class);
        hypervisor.tell(GuestGone.restartAfter(0, 2, agent.ref())); // alpha fails in tick 0
        betaPlays(0);
        assertThat(clock.expectMessageClass(HostTickDone.class).tick()).isZero();

        hypervisor.tell(new RunTick(1, false, false, clock.ref())); // its backoff: tick 1 without it
        assertThat(beta.expectMessageClass(TickStart.class).tick()).isEqualTo(1);
        betaPlays(1);
        assertThat(clock.expectMessageClass(HostTickDone.class).tick()).isEqualTo(1);
        agent.expectNoMessage();

        hypervisor.tell(new RunTick(2, false, false, clock.ref())); // due: told, and tick 2 waits for its boot
        assertThat(agent.expectMessageClass(GuestGone.RestartDue.class)).isEqualTo(new GuestGone.RestartDue(0, "alpha"));
        beta.expectNoMessage();

        TestProbe<ToGuest> fresh = testKit.createTestProbe(ToGuest.class);
        hypervisor.tell(new Boot(0, "alpha", fresh.ref()));
        fresh.expectMessageClass(Booted.class);
        assertThat(fresh.expectMessageClass(TickStart.class).tick()).isEqualTo(2);
        assertThat(beta.expectMessageClass(TickStart.class).tick()).isEqualTo(2);
        alpha.expectNoMessage(); // the failed incarnation hears nothing more
    }

    @Test
    void aRestartThatFailsAgainAtBootLetsTheTickGoOnWithoutIt() {
        hypervisor.tell(new Boot(0, "alpha", alpha.ref()));
        alpha.expectMessageClass(Booted.class);
        hypervisor.tell(new Boot(1, "beta", beta.ref()));
        beta.expectMessageClass(Booted.class);

        hypervisor.tell(new RunTick(0, false, false, clock.ref()));
        alpha.expectMessageClass(TickStart.class);
        beta.expectMessageClass(TickStart.class);
        hypervisor.tell(GuestGone.restartAfter(0, 1, agent.ref()));
        betaPlays(0);
        clock.expectMessageClass(HostTickDone.class);

        hypervisor.tell(new RunTick(1, false, false, clock.ref()));
        agent.expectMessageClass(GuestGone.RestartDue.class);
        beta.expectNoMessage();
        hypervisor.tell(new GuestGone(0, false)); // the fresh incarnation failed at boot, for good
        assertThat(beta.expectMessageClass(TickStart.class).tick()).isEqualTo(1);
        betaPlays(1);
        assertThat(clock.expectMessageClass(HostTickDone.class).tick()).isEqualTo(1);
    }
}
