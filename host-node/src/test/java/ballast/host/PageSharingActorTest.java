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
import ballast.abi.TranslationMode;
import ballast.host.TestHosts.Stream;
import ballast.host.control.HostTickDone;
import ballast.host.control.RunFree;
import ballast.host.control.RunTick;
import ballast.host.sharing.DaemonCall;
import ballast.host.sharing.SharingAck;
import ballast.host.sharing.SharingResult;
import ballast.host.sharing.SharingSettings;
import ballast.host.sharing.SharingTickStart;
import ballast.host.sharing.SharingWork;
import ballast.host.sharing.ToDaemon;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The page-sharing daemon actor with a fake hypervisor (a test probe), and a sharing host's
 * hypervisor with its real daemon and fake guests, deterministic and free-running; every message
 * through the Kryo serializer.
 */
class PageSharingActorTest {
    static final ActorTestKit testKit = ActorTestKit.create("page-sharing-test",
            ConfigFactory.parseString("pekko.actor.serialize-messages = on").withFallback(ConfigFactory.load()));

    static final HostSettings SETTINGS = new HostSettings("sharing-host", 5, 512, 16, 64, 1 << 20, 1 << 16,
            TestHosts.COSTS, List.of(new GuestSpec(0, "a", TranslationMode.FULL, 64, 1),
                    new GuestSpec(1, "b", TranslationMode.NESTED, 64, 1)),
            new SharingSettings(true, 1000, 1000, SharingSettings.Order.RANDOM, 16, 0.1));

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    void theDaemonSendsItsWorkForATickAndAcknowledgesTheResult() {
        TestProbe<DaemonCall> hypervisor = testKit.createTestProbe(DaemonCall.class);
        ActorRef<ToDaemon> daemon = testKit.spawn(PageSharingDaemon.create(SETTINGS, hypervisor.ref()));
        daemon.tell(new SharingTickStart(0));
        SharingWork work = hypervisor.expectMessageClass(SharingWork.class);
        assertThat(work.tick()).isZero();
        assertThat(work.replyTo()).isEqualTo(daemon);
        assertThat(work.scanPages()).as("at 1000 pages a second it scans").isNotEmpty();
        int scanned = work.scanPages().length;
        daemon.tell(new SharingResult(0, new byte[scanned], new int[scanned], new long[scanned], new byte[0], new int[0],
                new int[0], new long[0]));
        SharingAck ack = hypervisor.expectMessageClass(SharingAck.class);
        assertThat(ack.tick()).isZero();
        assertThat(ack.replyTo()).isEqualTo(daemon);
        assertThat(ack.counters().pagesScanned()).isEqualTo(scanned);
    }

    static void boot(ActorRef<ToHypervisor> hv, int index, String name, TestProbe<ToGuest> guest) {
        hv.tell(new Boot(index, name, guest.ref()));
        guest.expectMessageClass(Booted.class);
    }

    static TickWork work(int guest, long tick, TestProbe<ToGuest> probe) {
        Stream s = Stream.of().map(0, 0x10, guest).write(0, 0x10, 0x5A5AL + guest).read(0, 0x10);
        return new TickWork(guest, tick, List.of(), s.ops(), s.values(), probe.ref());
    }

    static TickAck ack(int guest, long tick, TestProbe<ToGuest> probe) {
        return new TickAck(guest, tick, GuestCounters.ZERO, null, probe.ref());
    }

    @Test
    void aSharingHostWaitsForItsDaemonInEveryDeterministicTick() {
        ActorRef<ToHypervisor> hv = testKit.spawn(Hypervisor.create(SETTINGS));
        TestProbe<ToGuest> a = testKit.createTestProbe(ToGuest.class);
        TestProbe<ToGuest> b = testKit.createTestProbe(ToGuest.class);
        TestProbe<HostTickDone> clock = testKit.createTestProbe(HostTickDone.class);
        boot(hv, 0, "a", a);
        boot(hv, 1, "b", b);
        for (long tick = 0; tick < 3; tick++) {
            hv.tell(new RunTick(tick, true, true, clock.ref()));
            a.expectMessageClass(TickStart.class);
            b.expectMessageClass(TickStart.class);
            hv.tell(work(1, tick, b));
            hv.tell(work(0, tick, a));
            assertThat(a.expectMessageClass(TickResult.class).refusals()).isEmpty();
            assertThat(b.expectMessageClass(TickResult.class).refusals()).isEmpty();
            hv.tell(ack(0, tick, a));
            hv.tell(ack(1, tick, b));
            HostTickDone done = clock.expectMessageClass(HostTickDone.class);
            assertThat(done.tick()).isEqualTo(tick);
            assertThat(done.violations()).as("a missing audit is reported: the rest holds").allSatisfy(
                    v -> assertThat(v).contains("sent no integrity record"));
            assertThat(done.host().pagesScanned()).as("the daemon's counters of the tick").isPositive();
        }
        // a daemon's call forged by someone else is not one of its private messages: ignored
        hv.tell(new SharingAck(3, ballast.host.sharing.SharingCounters.ZERO, null));
        hv.tell(new RunTick(3, false, false, clock.ref()));
        a.expectMessageClass(TickStart.class);
        b.expectMessageClass(TickStart.class);
    }

    @Test
    void aFreeRunningSharingHostEndsWhenTheGuestsAndTheDaemonPlayedEveryTick() {
        ActorRef<ToHypervisor> hv = testKit.spawn(Hypervisor.create(SETTINGS));
        TestProbe<ToGuest> a = testKit.createTestProbe(ToGuest.class);
        TestProbe<ToGuest> b = testKit.createTestProbe(ToGuest.class);
        TestProbe<HostTickDone> clock = testKit.createTestProbe(HostTickDone.class);
        boot(hv, 0, "a", a);
        boot(hv, 1, "b", b);
        hv.tell(new RunFree(2, 1000, clock.ref()));
        for (long tick = 0; tick < 2; tick++) {
            assertThat(a.expectMessageClass(TickStart.class).tick()).isEqualTo(tick);
            hv.tell(work(0, tick, a));
            a.expectMessageClass(TickResult.class);
            hv.tell(ack(0, tick, a));
        }
        clock.expectNoMessage();
        for (long tick = 0; tick < 2; tick++) {
            TickStart start = b.expectMessageClass(TickStart.class);
            assertThat(start.audit()).as("told on its last tick").isEqualTo(tick == 1);
            hv.tell(work(1, tick, b));
            b.expectMessageClass(TickResult.class);
            hv.tell(ack(1, tick, b));
        }
        HostTickDone done = clock.expectMessageClass(HostTickDone.class);
        assertThat(done.tick()).isEqualTo(1);
        assertThat(done.guests()).hasSize(2);
        assertThat(done.host().pagesScanned()).as("the daemon played its ticks").isPositive();
    }
}
