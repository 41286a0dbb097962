package ballast.host;

import ballast.abi.ToHypervisor;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.TestHosts.Stream;
import ballast.abi.Boot;
import ballast.abi.Booted;
import ballast.abi.GuestCounters;
import ballast.abi.Ops;
import ballast.abi.RemapNotice;
import ballast.abi.Reservation;
import ballast.abi.TickAck;
import ballast.abi.TickResult;
import ballast.abi.TickStart;
import ballast.abi.TickWork;
import ballast.abi.ToGuest;
import ballast.abi.TranslationMode;
import ballast.host.control.GuestGone;
import ballast.host.control.GuestStats;
import ballast.host.control.HostTickDone;
import ballast.host.control.Reconfigure;
import ballast.host.control.Reconfigured;
import ballast.host.control.RunFree;
import ballast.host.control.RunTick;
import ballast.host.reclaim.ReclaimSettings;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The Hypervisor actor's reclamation wiring with fake guests (test probes), every message through
 * the Kryo serializer: balloon targets and stalls in each guest's TickStart, balloon calls in
 * TickWork and their remap notice before the result, Reconfigure between ticks, and a guest that
 * was stopped before the run and boots later.
 */
class HypervisorReclaimActorTest {
    static final ActorTestKit testKit = ActorTestKit.create("hypervisor-reclaim-test",
            ConfigFactory.parseString("pekko.actor.serialize-messages = on").withFallback(ConfigFactory.load()));

    /** 1,000 frames, none reserved: the high state needs 65 free, so guests get 935 pages. */
    static final ReclaimSettings RECLAIM = ReclaimHosts.reclaim(true, "shares", 0, 1000, 1000, 100, 100, 0);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    static HostSettings settings(GuestSpec... guests) {
        return ReclaimHosts.host(1000, 0, RECLAIM, false, guests);
    }

    static final class Guest {
        final int index;
        final String name;
        final TestProbe<ToGuest> probe = testKit.createTestProbe(ToGuest.class);
        int[] p2m;

        Guest(int index, String name) {
            this.index = index;
            this.name = name;
        }

        void boot(ActorRef<ToHypervisor> hv) {
            hv.tell(new Boot(index, name, probe.ref()));
            p2m = probe.expectMessageClass(Booted.class).p2m();
        }

        TickWork writes(long tick, int pages, Reservation reservation, int from) {
            Stream s = Stream.of();
            for (int p = from; p < from + pages; p++) {
                s.map(0, 0x1000 + p, p).write(0, 0x1000 + p, 1000 + p);
            }
            return new TickWork(index, tick, List.of(), s.ops(), s.values(), null, reservation, probe.ref());
        }

        TickWork reads(long tick, int pages) {
            Stream s = Stream.of();
            for (int p = 0; p < pages; p++) {
                s.read(0, 0x1000 + p);
            }
            return new TickWork(index, tick, List.of(), s.ops(), s.values(), null, null, probe.ref());
        }

        TickWork idle(long tick, Reservation reservation) {
            return new TickWork(index, tick, List.of(), new long[0], new long[0], null, reservation, probe.ref());
        }

        TickAck ack(long tick) {
            return new TickAck(index, tick, new GuestCounters(1, 1, 0, 0, 0, 0, 3, 4, 5, 0, 77, 2), null, probe.ref());
        }
    }

    static Reservation inflate(int... ppns) {
        return new Reservation(new int[0], ppns, new int[0]);
    }

    static Reservation deflate(int... ppns) {
        return new Reservation(new int[0], new int[0], ppns);
    }

    @Test
    void balloonTargetsStallsAndBalloonCallsTravelThroughTheTick() {
        // shares in proportion to size: targets 660 and 275 of the 935 pages; balloon targets 60 and 25
        ActorRef<ToHypervisor> hv = testKit.spawn(Hypervisor.create(settings(
                new GuestSpec(0, "a", TranslationMode.FULL, 720, 1), new GuestSpec(1, "b", TranslationMode.PARA, 300, 1))));
        TestProbe<HostTickDone> clock = testKit.createTestProbe(HostTickDone.class);
        Guest a = new Guest(0, "a");
        Guest b = new Guest(1, "b");
        a.boot(hv);
        b.boot(hv);

        hv.tell(new RunTick(0, true, false, clock.ref()));
        assertThat(a.probe.expectMessageClass(TickStart.class)).usingRecursiveComparison().ignoringFields("pace").isEqualTo(new TickStart(0, false, 0, false));
        b.probe.expectMessageClass(TickStart.class);
        hv.tell(a.writes(0, 670, null, 0)); // 300 + 670 frames used: 30 free, below 4%: the soft state
        hv.tell(b.idle(0, null));
        a.probe.expectMessageClass(TickResult.class);
        b.probe.expectMessageClass(TickResult.class);
        hv.tell(a.ack(0));
        hv.tell(b.ack(0));
        HostTickDone done = clock.expectMessageClass(HostTickDone.class);
        assertThat(done.host().reclaim().state()).isEqualTo("soft");
        GuestStats sa = done.guests().get(0);
        GuestStats sb = done.guests().get(1);
        assertThat(sa.reclaim().targetPages()).isEqualTo(660);
        assertThat(sb.reclaim().targetPages()).isEqualTo(275);
        assertThat(sa.reclaim().balloonTargetPages()).isEqualTo(60);
        assertThat(sb.reclaim().balloonTargetPages()).isEqualTo(25);
        // the guest's own counters go into its reclamation figures
        assertThat(sa.reclaim().guestSwappedPages()).isEqualTo(3);
        assertThat(sa.reclaim().guestPageIns()).isEqualTo(4);
        assertThat(sa.reclaim().guestPageOuts()).isEqualTo(5);
        assertThat(sa.reclaim().workingSetTruePages()).isEqualTo(77);
        assertThat(sa.reclaim().stalledTicks()).isEqualTo(2);
        assertThat(sa.reclaim().maxPages()).isEqualTo(720);

        // tick 1: the targets arrive; b hands 30 pages over, a writes 30 pages, 20 of them new (40 free: still soft,
        // since leaving soft needs 6% and the hysteresis)
        hv.tell(new RunTick(1, false, false, clock.ref()));
        assertThat(a.probe.expectMessageClass(TickStart.class)).usingRecursiveComparison().ignoringFields("pace").isEqualTo(new TickStart(1, false, 60, false));
        assertThat(b.probe.expectMessageClass(TickStart.class)).usingRecursiveComparison().ignoringFields("pace").isEqualTo(new TickStart(1, false, 25, false));
        int[] thirty = new int[30];
        for (int i = 0; i < 30; i++) {
            thirty[i] = i;
        }
        hv.tell(b.idle(1, inflate(thirty)));
        hv.tell(a.writes(1, 30, null, 660));
        assertThat(a.probe.expectMessageClass(TickResult.class).refusals()).isEmpty();
        TickResult rb = b.probe.expectMessageClass(TickResult.class);
        assertThat(rb.balloonStatus()).isZero();
        assertThat(rb.refusals()).isEmpty();
        hv.tell(a.ack(1));
        hv.tell(b.ack(1));
        assertThat(clock.expectMessageClass(HostTickDone.class).host().reclaim().balloonedPages()).isEqualTo(30);

        // tick 2: b takes 3 pages back: its frames come at once, with a notice before the result (37 free: soft)
        hv.tell(new RunTick(2, false, false, clock.ref()));
        a.probe.expectMessageClass(TickStart.class);
        b.probe.expectMessageClass(TickStart.class);
        hv.tell(b.idle(2, deflate(0, 1, 2)));
        hv.tell(a.idle(2, null));
        RemapNotice notice = b.probe.expectMessageClass(RemapNotice.class);
        assertThat(notice.ppns()).containsExactly(0, 1, 2);
        assertThat(b.probe.expectMessageClass(TickResult.class).balloonStatus()).isZero();
        a.probe.expectMessageClass(TickResult.class);
        hv.tell(a.ack(2));
        hv.tell(b.ack(2));
        assertThat(clock.expectMessageClass(HostTickDone.class).host().reclaim().state()).isEqualTo("soft");

        // tick 3: a uses its last 30 pages: 7 free, the low state; a (720 > 660) stalls next tick, b (273 < 275) not
        hv.tell(new RunTick(3, false, false, clock.ref()));
        a.probe.expectMessageClass(TickStart.class);
        b.probe.expectMessageClass(TickStart.class);
        hv.tell(a.writes(3, 30, null, 690));
        hv.tell(b.idle(3, deflate(0))); // refused: not in the balloon any more
        a.probe.expectMessageClass(TickResult.class);
        TickResult refused = b.probe.expectMessageClass(TickResult.class);
        assertThat(refused.balloonStatus()).isEqualTo(TickResult.DEFLATE_REFUSED);
        b.probe.expectNoMessage(java.time.Duration.ofMillis(50)); // no notice for a refused call
        hv.tell(a.ack(3));
        hv.tell(b.ack(3));
        assertThat(clock.expectMessageClass(HostTickDone.class).host().reclaim().state()).isEqualTo("low");
        hv.tell(new RunTick(4, true, false, clock.ref()));
        assertThat(a.probe.expectMessageClass(TickStart.class)).usingRecursiveComparison().ignoringFields("pace").isEqualTo(new TickStart(4, false, 60, true));
        assertThat(b.probe.expectMessageClass(TickStart.class).stall()).isFalse();
        hv.tell(a.idle(4, null));
        hv.tell(b.idle(4, null));
        a.probe.expectMessageClass(TickResult.class);
        b.probe.expectMessageClass(TickResult.class);
        hv.tell(a.ack(4));
        hv.tell(b.ack(4));
        HostTickDone end = clock.expectMessageClass(HostTickDone.class);
        assertThat(end.violations()).isEmpty();
        assertThat(end.guests().get(1).reclaim().balloonPages()).isEqualTo(27);
        assertThat(end.guests().get(1).refusedHypercallsByReason()).containsEntry("NOT_BALLOONED", 1L);
        assertThat(end.host().reclaim().secondsLow()).isGreaterThan(0);
    }

    @Test
    void aReconfigureIsAnsweredAndTakesEffectAtOnce() {
        ActorRef<ToHypervisor> hv = testKit.spawn(Hypervisor.create(settings(
                new GuestSpec(0, "a", TranslationMode.FULL, 700, 1), new GuestSpec(1, "b", TranslationMode.NESTED, 700, 1))));
        TestProbe<HostTickDone> clock = testKit.createTestProbe(HostTickDone.class);
        TestProbe<Reconfigured> events = testKit.createTestProbe(Reconfigured.class);
        Guest a = new Guest(0, "a");
        Guest b = new Guest(1, "b");
        a.boot(hv);
        b.boot(hv);
        hv.tell(new RunTick(0, true, false, clock.ref()));
        a.probe.expectMessageClass(TickStart.class);
        b.probe.expectMessageClass(TickStart.class);
        hv.tell(a.writes(0, 500, null, 0));
        hv.tell(b.writes(0, 465, null, 0)); // 35 free: soft
        a.probe.expectMessageClass(TickResult.class);
        b.probe.expectMessageClass(TickResult.class);
        hv.tell(a.ack(0));
        hv.tell(b.ack(0));
        HostTickDone done = clock.expectMessageClass(HostTickDone.class);
        assertThat(done.guests().get(0).reclaim().balloonTargetPages()).isEqualTo(700 - 468);
        assertThat(done.host().reclaim().policy()).isEqualTo("shares");

        ReclaimSettings bad = new ReclaimSettings(true, "idle-tax", 0.5, 0.25, 1000, 1000, 100, 0.06, 0.04, 0.02,
                0.01, 0.005, 100, 1, 0, 0, 1.0);
        hv.tell(new Reconfigure(bad, events.ref()));
        Reconfigured no = events.expectMessageClass(Reconfigured.class);
        assertThat(no.host()).isEqualTo("reclaim-host");
        assertThat(no.problem()).contains("tick");

        // tick 1: a reads its 500 pages, b 100 of its 450: the sampling sees it
        hv.tell(new RunTick(1, false, false, clock.ref()));
        a.probe.expectMessageClass(TickStart.class);
        b.probe.expectMessageClass(TickStart.class);
        hv.tell(a.reads(1, 500));
        hv.tell(b.reads(1, 100));
        a.probe.expectMessageClass(TickResult.class);
        b.probe.expectMessageClass(TickResult.class);
        hv.tell(a.ack(1));
        hv.tell(b.ack(1));
        clock.expectMessageClass(HostTickDone.class);

        // the working-set policy from now on: a's demand is about 500 pages, b's about 100
        hv.tell(new Reconfigure(RECLAIM.withPolicy("working-set", 0), events.ref()));
        assertThat(events.expectMessageClass(Reconfigured.class)).isEqualTo(new Reconfigured("reclaim-host", null));
        hv.tell(new RunTick(2, true, false, clock.ref()));
        int targetA = a.probe.expectMessageClass(TickStart.class).balloonTargetPages();
        int targetB = b.probe.expectMessageClass(TickStart.class).balloonTargetPages();
        assertThat(targetA).isNotEqualTo(700 - 468);
        assertThat(targetA).isLessThan(targetB); // a uses more, so it is asked for less
        assertThat(targetB).isEqualTo(455); // b's demand is small: its balloon target is capped at 65%
        hv.tell(a.idle(2, null));
        hv.tell(b.idle(2, null));
        a.probe.expectMessageClass(TickResult.class);
        b.probe.expectMessageClass(TickResult.class);
        hv.tell(a.ack(2));
        hv.tell(b.ack(2));
        assertThat(clock.expectMessageClass(HostTickDone.class).host().reclaim().policy()).isEqualTo("working-set");
    }

    /** The guests send empty work for {@code tick}, get their results, and acknowledge. */
    static void play(ActorRef<ToHypervisor> hv, long tick, List<Guest> guests) {
        for (Guest g : guests) {
            hv.tell(g.idle(tick, null));
        }
        for (Guest g : guests) {
            g.probe.expectMessageClass(TickResult.class);
            hv.tell(g.ack(tick));
        }
    }

    @Test
    void aGuestStoppedBeforeTheRunBootsLaterAndJoinsTheNextTick() {
        ActorRef<ToHypervisor> hv = testKit.spawn(Hypervisor.create(settings(
                new GuestSpec(0, "a", TranslationMode.FULL, 100, 1), new GuestSpec(1, "b", TranslationMode.PARA, 100, 1),
                new GuestSpec(2, "c", TranslationMode.NESTED, 100, 1))));
        TestProbe<HostTickDone> clock = testKit.createTestProbe(HostTickDone.class);
        Guest a = new Guest(0, "a");
        Guest b = new Guest(1, "b");
        Guest c = new Guest(2, "c");
        hv.tell(new GuestGone(1, false)); // b starts later, by a timed event
        a.boot(hv);
        hv.tell(new RunTick(0, true, false, clock.ref()));
        a.probe.expectNoMessage(); // c has not booted yet
        b.boot(hv); // the late guest boots early: the run still waits for c
        a.probe.expectNoMessage();
        c.boot(hv);
        a.probe.expectMessageClass(TickStart.class);
        b.probe.expectMessageClass(TickStart.class);
        c.probe.expectMessageClass(TickStart.class);
        play(hv, 0, List.of(a, b, c));
        clock.expectMessageClass(HostTickDone.class);

        // b is gone again before tick 1, and boots during it: it joins at tick 2
        hv.tell(new GuestGone(1, false));
        hv.tell(new RunTick(1, false, false, clock.ref()));
        a.probe.expectMessageClass(TickStart.class);
        c.probe.expectMessageClass(TickStart.class);
        b.boot(hv);
        b.probe.expectNoMessage();
        play(hv, 1, List.of(a, c));
        clock.expectMessageClass(HostTickDone.class);
        hv.tell(new RunTick(2, true, false, clock.ref()));
        for (Guest g : List.of(a, b, c)) {
            assertThat(g.probe.expectMessageClass(TickStart.class).tick()).isEqualTo(2);
        }
        play(hv, 2, List.of(a, b, c));
        HostTickDone done = clock.expectMessageClass(HostTickDone.class);
        assertThat(done.guests().get(1).allocatedPages()).isEqualTo(100);
        assertThat(done.guests().get(1).reclaim().targetPages()).isPositive();
    }

    @Test
    void aFreeRunningHostReclaimsOnceATicksWorthOfWorkIsApplied() {
        ActorRef<ToHypervisor> hv = testKit.spawn(Hypervisor.create(settings(
                new GuestSpec(0, "a", TranslationMode.FULL, 1200, 1))));
        TestProbe<HostTickDone> clock = testKit.createTestProbe(HostTickDone.class);
        Guest a = new Guest(0, "a");
        a.boot(hv);
        hv.tell(new RunFree(3, 1000, clock.ref()));
        assertThat(a.probe.expectMessageClass(TickStart.class)).usingRecursiveComparison().ignoringFields("pace").isEqualTo(new TickStart(0, false, 0, false));
        hv.tell(a.writes(0, 970, null, 0)); // 30 free: hard; a is above its 935-page target
        a.probe.expectMessageClass(TickResult.class);
        hv.tell(a.ack(0));
        TickStart next = a.probe.expectMessageClass(TickStart.class);
        assertThat(next.tick()).isEqualTo(1);
        assertThat(next.balloonTargetPages()).isEqualTo(1200 - 935);
        hv.tell(a.idle(1, inflate(0, 1, 2, 3, 4)));
        assertThat(a.probe.expectMessageClass(TickResult.class).balloonStatus()).isZero();
        hv.tell(a.ack(1));
        a.probe.expectMessageClass(TickStart.class);
        hv.tell(a.idle(2, null));
        a.probe.expectMessageClass(TickResult.class);
        hv.tell(new TickAck(0, 2, GuestCounters.ZERO, new ballast.abi.Audit(new long[] {Ops.key(0, 0x1000 + 900)},
                new long[] {1900}), a.probe.ref()));
        HostTickDone done = clock.expectMessageClass(HostTickDone.class);
        assertThat(done.violations()).isEmpty();
        assertThat(done.host().reclaim().balloonedPages()).isEqualTo(5);
        assertThat(done.host().reclaim().rebalances()).isPositive();
    }
}
