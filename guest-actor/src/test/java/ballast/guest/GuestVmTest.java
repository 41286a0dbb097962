package ballast.guest;

import ballast.guest.balloon.BalloonDriver;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.guest.os.GuestOs;
import ballast.guest.os.PerfectHost;
import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import ballast.abi.Boot;
import ballast.abi.Booted;
import ballast.abi.GuestCall;
import ballast.abi.GuestCounters;
import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.RemapNotice;
import ballast.abi.Reservation;
import ballast.abi.TickAck;
import ballast.abi.TickResult;
import ballast.abi.TickStart;
import ballast.abi.TickWork;
import ballast.abi.TranslationMode;
import ballast.guest.OsProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A guest VM and its balloon driver against a hand-driven hypervisor (a test probe whose work is
 * applied to a {@link PerfectHost}): balloon targets become inflates and deflates, stalls and
 * workload changes land on the documented tick, and the work is the same whatever the timing, with
 * or without working ahead, with or without an audit every tick.
 */
class GuestVmTest {
    static final ActorTestKit testKit = ActorTestKit.create("guest-vm-test");
    static final int PAGES = 512;
    static final int LAST_TICK = 55;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    static GuestSettings settings(TranslationMode mode, boolean balloon) {
        return new GuestSettings("vm", "h", 0, "linux", mode, PAGES, 2, 31, 0.1,
                new ContentSettings("linux", 0.25, 0.1),
                new WorkloadSettings("hot-cold", List.of(new Phase(Double.POSITIVE_INFINITY, 350, 3_000, 0.3, 0.3, 0.8))),
                OsProfile.NONE, new GuestMemorySettings(balloon, 64, 2, 400, 1.0));
    }

    static int targetAt(long tick) {
        return tick < 5 ? 0 : tick < 20 ? 300 : tick < 35 ? 120 : 0;
    }

    static boolean stallAt(long tick) {
        return tick == 12 || tick == 30;
    }

    static final WorkloadSettings SMALL = new WorkloadSettings("uniform",
            List.of(Phase.uniform(Double.POSITIVE_INFINITY, 100, 2_000, 0.5)));
    static final WorkloadSettings TOO_BIG = new WorkloadSettings("uniform",
            List.of(Phase.uniform(Double.POSITIVE_INFINITY, 10_000, 2_000, 0.5)));

    /** What one run produced: each tick's work, described, and the last acknowledgement. */
    record Run(List<String> works, List<TickWork> raw, TickAck last, PerfectHost host) {
    }

    /**
     * Plays {@link #LAST_TICK} + 1 ticks. Between ticks 25 and 26 a too-big workload is refused and
     * a smaller one taken. The hypervisor refuses the inflate of ticks 8 and 9 and the deflate of
     * tick 37. With {@code jitterSeed >= 0} it waits 0..2 ms at random points.
     */
    static Run play(TranslationMode mode, boolean balloon, boolean workAhead, boolean auditEvery, long jitterSeed)
            throws InterruptedException {
        return play(mode, balloon, workAhead, auditEvery, jitterSeed, 0);
    }

    /** With {@code slowDriverMs > 0} the driver sleeps that long before each step, so TickStarts overtake its replies. */
    static Run play(TranslationMode mode, boolean balloon, boolean workAhead, boolean auditEvery, long jitterSeed,
                    int slowDriverMs) throws InterruptedException {
        return play(mode, balloon, workAhead, auditEvery, jitterSeed, slowDriverMs, Set.of());
    }

    /**
     * With a live migration's stop-and-copy after each tick of {@code migrateAfter} (every tick
     * should then be audited, as for a guest whose host tracks its writes: no work ahead): the VM
     * hands over and stops, and a new incarnation restored from the handover goes on with the same
     * host's memory (the pages travelled), booting with its p2m as it stands.
     */
    static Run play(TranslationMode mode, boolean balloon, boolean workAhead, boolean auditEvery, long jitterSeed,
                    int slowDriverMs, Set<Long> migrateAfter) throws InterruptedException {
        TestProbe<GuestCall> hypervisor = testKit.createTestProbe(GuestCall.class);
        TestProbe<GuestVm.WorkloadSet> replies = testKit.createTestProbe(GuestVm.WorkloadSet.class);
        TestProbe<GuestHandover> handovers = testKit.createTestProbe(GuestHandover.class);
        ActorRef<GuestVm.Command> vm = testKit.spawn(GuestVm.create(settings(mode, balloon), hypervisor.ref(), 64,
                workAhead, GuestVm.NO_CRASH, memory -> slowDriverMs == 0 ? BalloonDriver.create(memory)
                        : Behaviors.intercept(() -> new SlowDown(slowDriverMs), BalloonDriver.create(memory))));
        Boot boot = hypervisor.expectMessageClass(Boot.class);
        PerfectHost host = new PerfectHost(mode, PAGES);
        boot.replyTo().tell(new Booted(0, host.bootP2m()));
        SplittableRandom jitter = jitterSeed >= 0 ? new SplittableRandom(jitterSeed) : null;
        List<String> works = new ArrayList<>();
        List<TickWork> raw = new ArrayList<>();
        TickAck ack = null;
        for (long tick = 0; tick <= LAST_TICK; tick++) {
            if (tick == 26) {
                vm.tell(new GuestVm.SetWorkload(TOO_BIG, replies.ref()));
                GuestVm.WorkloadSet refused = replies.expectMessageClass(GuestVm.WorkloadSet.class);
                assertThat(refused.accepted()).isFalse();
                assertThat(refused.problem()).contains("10000 pages");
                vm.tell(new GuestVm.SetWorkload(SMALL, replies.ref()));
                GuestVm.WorkloadSet taken = replies.expectMessageClass(GuestVm.WorkloadSet.class);
                assertThat(taken.accepted()).isTrue();
                assertThat(taken.fromTick()).isEqualTo(27);
            }
            pause(jitter);
            boot.replyTo().tell(new TickStart(tick, auditEvery || tick == LAST_TICK, targetAt(tick), stallAt(tick)));
            TickWork w = hypervisor.expectMessageClass(TickWork.class);
            assertThat(w.tick()).isEqualTo(tick);
            String received = describe(w);
            works.add(received);
            raw.add(w.exact()); // later ticks reuse the buffers

            pause(jitter);
            host.refuseInflate = tick == 8 || tick == 9;
            host.refuseDeflate = tick == 37;
            // The guest hands over its own buffers and has (mostly) generated tick + 1 ahead by now: what
            // is applied is read from them now, so a buffer reused too early would fail verification.
            TickResult result = host.apply(tick, w.mmuUpdates(), Arrays.copyOf(w.ops(), w.opCount()),
                    Arrays.copyOf(w.values(), w.valueCount()), w.reservation());
            int[][] notice = host.takeNotice();
            if (notice != null) {
                boot.replyTo().tell(new RemapNotice(tick, notice[0], notice[1]));
            }
            boot.replyTo().tell(result);
            ack = hypervisor.expectMessageClass(TickAck.class);
            assertThat(ack.tick()).isEqualTo(tick);
            assertThat(describe(w)).as("tick %d's work, after the guest generated the next", tick).isEqualTo(received);
            assertThat(ack.audit() != null).isEqualTo(auditEvery || tick == LAST_TICK);
            if (migrateAfter.contains(tick)) {
                vm.tell(new GuestVm.Migrate(handovers.ref())); // the driver's step of this tick may not be in yet
                GuestHandover h = handovers.expectMessageClass(GuestHandover.class);
                testKit.createTestProbe().expectTerminated(vm);
                vm = testKit.spawn(GuestVm.restored(settings(mode, balloon), h.snapshot(), hypervisor.ref(), 64,
                        workAhead));
                boot = hypervisor.expectMessageClass(Boot.class);
                boot.replyTo().tell(new Booted(0, host.bootP2m()));
            }
        }
        testKit.stop(vm);
        return new Run(works, raw, ack, host);
    }

    @ParameterizedTest
    @EnumSource(TranslationMode.class)
    void aGuestRestoredFromItsHandoverGoesOnExactlyAsIfItHadNotMoved(TranslationMode mode) throws Exception {
        Run base = play(mode, true, true, true, -1, 5);
        // after 7: an inflate in flight and the next one asked for (its pages pinned by the new incarnation);
        // after 12: a stall decided for tick 13; after 25: a workload change comes to the new incarnation
        // before its first tick (timed from the last tick its predecessor started); after 26: a workload
        // change taken, in force from 27; after 36: the changed workload, and a deflate the host refuses at 37
        Run moved = play(mode, true, true, true, -1, 5, Set.of(7L, 12L, 25L, 26L, 36L));
        for (int t = 0; t < base.works().size(); t++) {
            assertThat(moved.works().get(t)).as("%s tick %d", mode, t).isEqualTo(base.works().get(t));
        }
        assertThat(moved.last().counters()).isEqualTo(base.last().counters());
        assertThat(moved.last().counters().readMismatches()).isZero();
        assertThat(moved.last().counters().balloonPages()).isEqualTo(base.last().counters().balloonPages());
        assertThat(moved.last().audit().tokens()).isEqualTo(base.last().audit().tokens());
    }

    /** Delays each of the driver's steps (blocking its thread: a test device only). */
    static final class SlowDown extends BehaviorInterceptor<BalloonDriver.Command, BalloonDriver.Command> {
        private final int ms;

        SlowDown(int ms) {
            super(BalloonDriver.Command.class);
            this.ms = ms;
        }

        @Override
        public Behavior<BalloonDriver.Command> aroundReceive(TypedActorContext<BalloonDriver.Command> ctx,
                                                             BalloonDriver.Command msg,
                                                             ReceiveTarget<BalloonDriver.Command> target) {
            if (msg instanceof BalloonDriver.Tick) {
                try {
                    Thread.sleep(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return target.apply(ctx, msg);
        }
    }

    private static void pause(SplittableRandom jitter) throws InterruptedException {
        if (jitter != null) {
            int ms = jitter.nextInt(3);
            if (ms > 0) {
                Thread.sleep(ms);
            }
        }
    }

    static String describe(TickWork w) {
        StringBuilder s = new StringBuilder(Arrays.toString(Arrays.copyOf(w.ops(), w.opCount())))
                .append(Arrays.toString(Arrays.copyOf(w.values(), w.valueCount())));
        for (MmuUpdate u : w.mmuUpdates()) {
            s.append(Arrays.toString(u.keys())).append(Arrays.toString(u.mpns())).append(Arrays.toString(u.ppns()));
        }
        Reservation r = w.reservation();
        if (r != null) {
            s.append(" out").append(Arrays.toString(r.pageOuts())).append(" in").append(Arrays.toString(r.inflate()))
                    .append(" de").append(Arrays.toString(r.deflate()));
        }
        return s.append(w.kernel()).toString();
    }

    @ParameterizedTest
    @EnumSource(TranslationMode.class)
    void theSameSeedAndTargetsGiveTheSameWorkWhateverTheTiming(TranslationMode mode) throws Exception {
        Run base = play(mode, true, true, false, -1);
        Run jittered = play(mode, true, true, false, 5);
        Run audited = play(mode, true, true, true, 6);
        Run notAhead = play(mode, true, false, false, 7);
        Run slowDriver = play(mode, true, true, false, -1, 5); // TickStart(n + 1) comes before the step of n
        assertThat(slowDriver.works()).isEqualTo(base.works());
        assertThat(jittered.works()).isEqualTo(base.works());
        assertThat(audited.works()).isEqualTo(base.works());
        assertThat(notAhead.works()).isEqualTo(base.works());
        assertThat(jittered.last().counters()).isEqualTo(base.last().counters());
        assertThat(audited.last().counters()).isEqualTo(base.last().counters());
        assertThat(notAhead.last().counters()).isEqualTo(base.last().counters());

        GuestCounters c = base.last().counters();
        assertThat(c.readMismatches()).isZero();
        assertThat(c.readsVerified()).isEqualTo(c.reads());
        assertThat(c.guestPageOuts()).isPositive();
        assertThat(c.stalledTicks()).isEqualTo(2);
        // the balloon went up to 300, down to 120 and back to empty, in the guest's count and the host's
        int maxBalloon = 0;
        for (int t = 0; t <= LAST_TICK; t++) {
            maxBalloon = Math.max(maxBalloon, inflated(base.raw(), t));
        }
        assertThat(maxBalloon).isEqualTo(300);
        assertThat(c.balloonPages()).isZero();
        assertThat(base.host().balloonSize()).isZero();
        // the final audit is what the perfect memory holds
        var audit = base.last().audit();
        for (int i = 0; i < audit.keys().length; i++) {
            assertThat(base.host().read(audit.keys()[i])).isEqualTo(audit.tokens()[i]);
        }
    }

    /** Pages the host holds ballooned after tick t, replayed from the works' calls (refusals as in {@link #play}). */
    static int inflated(List<TickWork> works, int upTo) {
        Set<Integer> b = new HashSet<>();
        for (int t = 0; t <= upTo; t++) {
            Reservation r = works.get(t).reservation();
            if (r == null) {
                continue;
            }
            if (t != 8 && t != 9) {
                for (int p : r.inflate()) {
                    b.add(p);
                }
            }
            if (t != 37) {
                for (int p : r.deflate()) {
                    b.remove(p);
                }
            }
        }
        return b.size();
    }

    @Test
    void targetsStallsAndTheWorkloadChangeLandOnTheDocumentedTicks() throws Exception {
        Run run = play(TranslationMode.FULL, true, true, false, -1);
        List<TickWork> w = run.raw();
        // TickStart(5) asks for 300: the driver's step goes into the work of tick 6, 64 pages at most
        assertThat(w.get(5).reservation() == null || w.get(5).reservation().inflate().length == 0).isTrue();
        assertThat(w.get(6).reservation().inflate()).hasSize(64);
        // the inflates of ticks 8 and 9 were refused: the driver hears with TickStart(9) and (10), backs off
        // two ticks after its step of TickStart(9), and its pages go back to the guest
        assertThat(w.get(10).reservation() == null || w.get(10).reservation().inflate().length == 0).isTrue();
        // a stall in TickStart(12) and (30) empties the work of ticks 13 and 31 of workload accesses
        for (int t : new int[] {13, 31}) {
            assertThat(Arrays.stream(w.get(t).ops()).noneMatch(op -> Ops.kind(op) == Ops.READ || Ops.kind(op) == Ops.WRITE))
                    .as("tick %d", t).isTrue();
        }
        assertThat(Arrays.stream(w.get(14).ops()).anyMatch(op -> Ops.kind(op) == Ops.READ)).isTrue();
        // the workload taken between ticks 25 and 26 runs from the work of tick 27: pages 0..99 only
        GuestOs keys = new GuestOs(settings(TranslationMode.FULL, true));
        Set<Long> small = new HashSet<>();
        for (int p = 0; p < 100; p++) {
            small.add(keys.keyOf(p));
        }
        assertThat(touched(w.get(26))).isNotEmpty().matches(k -> !small.containsAll(k));
        for (int t = 27; t <= LAST_TICK; t++) {
            assertThat(small).containsAll(touched(w.get(t)));
        }
    }

    static Set<Long> touched(TickWork w) {
        Set<Long> keys = new HashSet<>();
        for (long op : w.ops()) {
            if (Ops.kind(op) == Ops.READ || Ops.kind(op) == Ops.WRITE) {
                keys.add(Ops.keyOf(op));
            }
        }
        return keys;
    }

    @Test
    void withoutABalloonDriverTargetsChangeNothing() throws Exception {
        Run run = play(TranslationMode.NESTED, false, true, false, -1);
        for (TickWork w : run.raw()) {
            assertThat(w.reservation()).isNull();
        }
        assertThat(run.last().counters().balloonPages()).isZero();
        assertThat(run.last().counters().stalledTicks()).isEqualTo(2);
        assertThat(run.last().counters().readMismatches()).isZero();
    }
}
