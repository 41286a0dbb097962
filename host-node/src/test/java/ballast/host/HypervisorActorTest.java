package ballast.host;

import ballast.abi.ToHypervisor;
import static ballast.host.TestHosts.guest;
import static ballast.host.TestHosts.mmu;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.TestHosts.Stream;
import ballast.abi.Audit;
import ballast.abi.Boot;
import ballast.abi.BootRefused;
import ballast.abi.Booted;
import ballast.abi.GuestCounters;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.TickAck;
import ballast.abi.TickResult;
import ballast.abi.TickStart;
import ballast.abi.TickWork;
import ballast.abi.ToGuest;
import ballast.abi.TranslationMode;
import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.host.control.HostTickDone;
import ballast.host.control.RunTick;
import ballast.abi.Tokens;
import com.typesafe.config.ConfigFactory;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Hypervisor actor's two-phase tick with fake guests (test probes). Every message, in both
 * directions, goes through the Kryo serializer ({@code serialize-messages = on}).
 */
class HypervisorActorTest {
    static final ActorTestKit testKit = ActorTestKit.create("hypervisor-test",
            ConfigFactory.parseString("pekko.actor.serialize-messages = on").withFallback(ConfigFactory.load()));

    static final HostSettings SETTINGS = new HostSettings("actor-host", 42L, TestHosts.TOTAL_FRAMES,
            TestHosts.RESERVED_FRAMES, TestHosts.TLB_ENTRIES, TestHosts.MAX_BATCH_OPS, TestHosts.MAX_MMU_UPDATE_ENTRIES,
            TestHosts.COSTS, List.of(guest(0, "alpha", TranslationMode.FULL, 64, 2), guest(1, "beta", TranslationMode.PARA, 32, 2)));
    static final int PARA_PAGES = 32;
    static final long T0 = 0xA0A0_0000_0000_0001L;
    static final long T1 = 0xB1B1_0000_0000_0002L;
    static final long T2 = 0xC2C2_0000_0000_0003L;
    static final long K_ALPHA = Ops.key(0, 0x10);
    static final long K_BETA_0 = Ops.key(0, 0x100);
    static final long K_BETA_1 = Ops.key(1, 0x200);

    ActorRef<ToHypervisor> hypervisor;
    TestProbe<ToGuest> alpha;
    TestProbe<ToGuest> beta;
    TestProbe<HostTickDone> clock;
    int[] p2m;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @BeforeEach
    void spawn() {
        hypervisor = testKit.spawn(Hypervisor.create(SETTINGS));
        alpha = testKit.createTestProbe(ToGuest.class);
        beta = testKit.createTestProbe(ToGuest.class);
        clock = testKit.createTestProbe(HostTickDone.class);
    }

    void bootBoth() {
        hypervisor.tell(new Boot(0, "alpha", alpha.ref()));
        Booted a = alpha.expectMessageClass(Booted.class);
        assertThat(a.guest()).isZero();
        assertThat(a.p2m()).isEmpty();
        hypervisor.tell(new Boot(1, "beta", beta.ref()));
        Booted b = beta.expectMessageClass(Booted.class);
        assertThat(b.guest()).isEqualTo(1);
        assertThat(b.p2m()).hasSize(PARA_PAGES);
        Set<Integer> distinct = new HashSet<>();
        for (int mpn : b.p2m()) {
            assertThat(mpn).isBetween(0, TestHosts.TOTAL_FRAMES - 1);
            distinct.add(mpn);
        }
        assertThat(distinct).hasSize(PARA_PAGES);
        p2m = b.p2m();
    }

    void startTick(long tick, boolean sample, boolean audit) {
        hypervisor.tell(new RunTick(tick, sample, audit, clock.ref()));
        assertThat(alpha.expectMessageClass(TickStart.class)).usingRecursiveComparison().ignoringFields("pace").isEqualTo(new TickStart(tick, audit));
        assertThat(beta.expectMessageClass(TickStart.class)).usingRecursiveComparison().ignoringFields("pace").isEqualTo(new TickStart(tick, audit));
    }

    TickWork alphaWork(long tick) {
        Stream s = Stream.of().map(0, 0x10, 3).write(0, 0x10, T0).read(0, 0x10).read(0, 0x99);
        return new TickWork(0, tick, List.of(), s.ops(), s.values(), alpha.ref());
    }

    TickWork betaWork(long tick) {
        Stream s = Stream.of().write(0, 0x100, T1).write(1, 0x200, T2).read(0, 0x100).read(1, 0x200);
        return new TickWork(1, tick, List.of(mmu(new long[] {K_BETA_0, K_BETA_1}, new int[] {p2m[0], p2m[5]})),
                s.ops(), s.values(), beta.ref());
    }

    static long digest(long... tokens) {
        long d = Tokens.EMPTY_DIGEST;
        for (long t : tokens) {
            d = Tokens.fold(d, t);
        }
        return d;
    }

    static final long ALPHA_DIGEST = digest(T0, HypervisorCore.FAULT_TOKEN);
    static final long BETA_DIGEST = digest(T1, T2);

    TickAck alphaAck(long tick, Audit audit) {
        return new TickAck(0, tick, new GuestCounters(4, 2, 1, 1, 1, 0), audit, alpha.ref());
    }

    TickAck betaAck(long tick, Audit audit) {
        return new TickAck(1, tick, new GuestCounters(4, 2, 2, 2, 2, 0), audit, beta.ref());
    }

    static Audit audit(long[] keys, long... tokens) {
        return new Audit(keys, tokens);
    }

    static Refusal onlyRefusal(TickResult r) {
        assertThat(r.refusals()).hasSize(1);
        return r.refusals().get(0);
    }

    /** Plays tick 1 with the standard work and acks; returns the clock's report. */
    HostTickDone playStandardTick() {
        startTick(1, true, true);
        hypervisor.tell(betaWork(1));
        hypervisor.tell(alphaWork(1));
        alpha.expectMessage(new TickResult(1, ALPHA_DIGEST, 2, List.of()));
        beta.expectMessage(new TickResult(1, BETA_DIGEST, 2, List.of()));
        hypervisor.tell(alphaAck(1, audit(new long[] {K_ALPHA}, T0)));
        hypervisor.tell(betaAck(1, audit(new long[] {K_BETA_0, K_BETA_1}, T1, T2)));
        return clock.expectMessageClass(HostTickDone.class);
    }

    @Test
    void playsATickWithWorkArrivingOutOfOrder() {
        bootBoth();
        startTick(1, true, true);
        hypervisor.tell(betaWork(1));
        beta.expectNoMessage();
        alpha.expectNoMessage();

        hypervisor.tell(alphaWork(1));
        alpha.expectMessage(new TickResult(1, ALPHA_DIGEST, 2, List.of()));
        beta.expectMessage(new TickResult(1, BETA_DIGEST, 2, List.of()));

        hypervisor.tell(alphaAck(1, audit(new long[] {K_ALPHA}, T0)));
        clock.expectNoMessage();
        hypervisor.tell(betaAck(1, audit(new long[] {K_BETA_0, K_BETA_1}, T1, T2)));
        HostTickDone done = clock.expectMessageClass(HostTickDone.class);

        assertThat(done.hostName()).isEqualTo("actor-host");
        assertThat(done.tick()).isEqualTo(1);
        assertThat(done.violations()).isEmpty();
        assertThat(done.invariantChecks()).isEqualTo(HostInvariants.CHECKS + 2);
        assertThat(done.host()).extracting(HostStats::framesTotal, HostStats::framesFree, HostStats::framesMapped,
                HostStats::framesReserved, HostStats::framesShared, HostStats::guestPagesBacked)
                .containsExactly(4096L, 4096L - 256 - 1 - PARA_PAGES, 1L + PARA_PAGES, 256L, 0L, 1L + PARA_PAGES);
        assertThat(done.guests()).extracting(GuestStats::name).containsExactly("alpha", "beta");
        GuestStats a = done.guests().get(0);
        assertThat(a.traps()).isEqualTo(1);
        assertThat(a.hiddenFaults()).isEqualTo(1);
        assertThat(a.guestFaults()).isEqualTo(1);
        assertThat(a.allocatedPages()).isEqualTo(1);
        assertThat(a.accesses()).as("the guest's own counters").isEqualTo(4);
        assertThat(a.refusedHypercalls()).isZero();
        GuestStats b = done.guests().get(1);
        assertThat(b.hypercalls()).isEqualTo(1);
        assertThat(b.mmuUpdateEntries()).isEqualTo(2);
        assertThat(b.allocatedPages()).isEqualTo(PARA_PAGES);
        assertThat(b.writes()).isEqualTo(2);

        alpha.expectNoMessage();
        beta.expectNoMessage();
    }

    @Test
    void aNonAuditNonSampleTickReportsHostFiguresOnly() {
        bootBoth();
        startTick(4, false, false);
        hypervisor.tell(alphaWork(4));
        hypervisor.tell(betaWork(4));
        alpha.expectMessageClass(TickResult.class);
        beta.expectMessageClass(TickResult.class);
        hypervisor.tell(alphaAck(4, null));
        hypervisor.tell(betaAck(4, null));
        HostTickDone done = clock.expectMessageClass(HostTickDone.class);
        assertThat(done.tick()).isEqualTo(4);
        assertThat(done.guests()).isEmpty();
        assertThat(done.invariantChecks()).isZero();
        assertThat(done.violations()).isEmpty();
        assertThat(done.host().framesMapped()).isEqualTo(1 + PARA_PAGES);
    }

    @Test
    void anAuditThatDisagreesIsReportedAsAViolation() {
        bootBoth();
        playStandardTick();
        startTick(2, false, true);
        hypervisor.tell(new TickWork(0, 2, List.of(), new long[0], new long[0], alpha.ref()));
        hypervisor.tell(new TickWork(1, 2, List.of(), new long[0], new long[0], beta.ref()));
        alpha.expectMessage(new TickResult(2, Tokens.EMPTY_DIGEST, 0, List.of()));
        beta.expectMessage(new TickResult(2, Tokens.EMPTY_DIGEST, 0, List.of()));
        hypervisor.tell(alphaAck(2, audit(new long[] {K_ALPHA}, T0 + 1)));
        hypervisor.tell(betaAck(2, audit(new long[] {K_BETA_0, K_BETA_1}, T1, T2)));
        HostTickDone done = clock.expectMessageClass(HostTickDone.class);
        assertThat(done.violations()).singleElement().asString()
                .contains("integrity").contains("alpha").contains("1 of 1");
    }

    @Test
    void workFromAnImpostorIsRefusedNotSenderAndChangesNothing() {
        bootBoth();
        TestProbe<ToGuest> impostor = testKit.createTestProbe(ToGuest.class);
        startTick(1, true, true);
        Stream evil = Stream.of().map(0, 0x10, 7).write(0, 0x10, 0xE711L);
        hypervisor.tell(new TickWork(0, 1, List.of(), evil.ops(), evil.values(), impostor.ref()));
        TickResult refused = impostor.expectMessageClass(TickResult.class);
        assertThat(onlyRefusal(refused).reason()).isEqualTo(RefusalReason.NOT_SENDER);
        assertThat(refused.tick()).isEqualTo(1);
        alpha.expectNoMessage();

        // The real guest's work is still expected and applied; the impostor's never was.
        hypervisor.tell(betaWork(1));
        hypervisor.tell(alphaWork(1));
        alpha.expectMessage(new TickResult(1, ALPHA_DIGEST, 2, List.of()));
        beta.expectMessage(new TickResult(1, BETA_DIGEST, 2, List.of()));

        hypervisor.tell(new TickAck(0, 1, GuestCounters.ZERO, null, impostor.ref()));
        assertThat(onlyRefusal(impostor.expectMessageClass(TickResult.class)).reason()).isEqualTo(RefusalReason.NOT_SENDER);
        hypervisor.tell(alphaAck(1, audit(new long[] {K_ALPHA}, T0)));
        hypervisor.tell(betaAck(1, audit(new long[] {K_BETA_0, K_BETA_1}, T1, T2)));
        HostTickDone done = clock.expectMessageClass(HostTickDone.class);
        assertThat(done.violations()).isEmpty();
        assertThat(done.guests().get(0).refusedHypercalls()).as("an impostor is not charged to its victim").isZero();
        assertThat(done.guests().get(0).traps()).isEqualTo(1);
    }

    @Test
    void aDuplicateTickWorkIsRefusedAndNotApplied() {
        bootBoth();
        startTick(1, true, false);
        hypervisor.tell(alphaWork(1));
        Stream again = Stream.of().write(0, 0x10, 0xD0D0L);
        hypervisor.tell(new TickWork(0, 1, List.of(), again.ops(), again.values(), alpha.ref()));
        TickResult refused = alpha.expectMessageClass(TickResult.class);
        assertThat(onlyRefusal(refused).reason()).isEqualTo(RefusalReason.DUPLICATE_WORK);

        hypervisor.tell(betaWork(1));
        alpha.expectMessage(new TickResult(1, ALPHA_DIGEST, 2, List.of()));
        beta.expectMessage(new TickResult(1, BETA_DIGEST, 2, List.of()));

        // A duplicate after the results went out is refused too.
        hypervisor.tell(new TickWork(1, 1, List.of(), new long[0], new long[0], beta.ref()));
        assertThat(onlyRefusal(beta.expectMessageClass(TickResult.class)).reason()).isEqualTo(RefusalReason.DUPLICATE_WORK);

        hypervisor.tell(alphaAck(1, null));
        hypervisor.tell(alphaAck(1, null));
        assertThat(onlyRefusal(alpha.expectMessageClass(TickResult.class)).reason()).isEqualTo(RefusalReason.DUPLICATE_WORK);
        clock.expectNoMessage();
        hypervisor.tell(betaAck(1, null));
        HostTickDone done = clock.expectMessageClass(HostTickDone.class);
        assertThat(done.guests().get(0).refusedHypercalls()).isEqualTo(2);
        assertThat(done.guests().get(1).refusedHypercalls()).isEqualTo(1);

        // The next tick reads what the first work wrote, not the duplicate's token.
        startTick(2, false, true);
        Stream read = Stream.of().read(0, 0x10);
        hypervisor.tell(new TickWork(0, 2, List.of(), read.ops(), read.values(), alpha.ref()));
        hypervisor.tell(new TickWork(1, 2, List.of(), new long[0], new long[0], beta.ref()));
        alpha.expectMessage(new TickResult(2, digest(T0), 1, List.of()));
        beta.expectMessageClass(TickResult.class);
        hypervisor.tell(alphaAck(2, audit(new long[] {K_ALPHA}, T0)));
        hypervisor.tell(betaAck(2, audit(new long[] {K_BETA_0, K_BETA_1}, T1, T2)));
        assertThat(clock.expectMessageClass(HostTickDone.class).violations()).isEmpty();
    }

    @Test
    void callsForTheWrongTickOrGuestAreRefused() {
        bootBoth();
        // No tick is being played yet.
        hypervisor.tell(alphaWork(1));
        assertThat(onlyRefusal(alpha.expectMessageClass(TickResult.class)).reason()).isEqualTo(RefusalReason.WRONG_TICK);

        startTick(1, true, false);
        hypervisor.tell(alphaWork(2));
        assertThat(onlyRefusal(alpha.expectMessageClass(TickResult.class)).reason()).isEqualTo(RefusalReason.WRONG_TICK);
        hypervisor.tell(new TickWork(7, 1, List.of(), new long[0], new long[0], alpha.ref()));
        assertThat(onlyRefusal(alpha.expectMessageClass(TickResult.class)).reason()).isEqualTo(RefusalReason.UNKNOWN_GUEST);
        // An ack before every guest's work is in.
        hypervisor.tell(alphaAck(1, null));
        assertThat(onlyRefusal(alpha.expectMessageClass(TickResult.class)).reason()).isEqualTo(RefusalReason.WRONG_TICK);

        hypervisor.tell(alphaWork(1));
        hypervisor.tell(betaWork(1));
        alpha.expectMessage(new TickResult(1, ALPHA_DIGEST, 2, List.of()));
        beta.expectMessage(new TickResult(1, BETA_DIGEST, 2, List.of()));
        hypervisor.tell(alphaAck(1, null));
        hypervisor.tell(betaAck(1, null));
        HostTickDone done = clock.expectMessageClass(HostTickDone.class);
        assertThat(done.guests().get(0).refusedHypercalls()).isEqualTo(3);
    }

    @Test
    void bootsOfUnknownOrWrongGuestsAreRefused() {
        TestProbe<ToGuest> stranger = testKit.createTestProbe(ToGuest.class);
        hypervisor.tell(new Boot(7, "ghost", stranger.ref()));
        BootRefused refused = stranger.expectMessageClass(BootRefused.class);
        assertThat(refused.guest()).isEqualTo(7);
        assertThat(refused.reason()).isEqualTo(RefusalReason.UNKNOWN_GUEST);
        assertThat(refused.detail()).contains("7");

        hypervisor.tell(new Boot(0, "beta", stranger.ref()));
        assertThat(stranger.expectMessageClass(BootRefused.class).reason()).isEqualTo(RefusalReason.UNKNOWN_GUEST);

        bootBoth();
        hypervisor.tell(new Boot(0, "alpha", stranger.ref()));
        assertThat(stranger.expectMessageClass(BootRefused.class).reason()).isEqualTo(RefusalReason.ALREADY_BOOTED);

        // The host is unharmed and the first booter stays the guest.
        HostTickDone done = playStandardTick();
        assertThat(done.violations()).isEmpty();
        assertThat(done.host().framesMapped()).isEqualTo(1 + PARA_PAGES);
        stranger.expectNoMessage();
    }

    @Test
    void aTickAskedBeforeEveryGuestBootedStartsOnTheLastBoot() {
        hypervisor.tell(new Boot(0, "alpha", alpha.ref()));
        alpha.expectMessageClass(Booted.class);
        // A guest that has not booted cannot send work.
        hypervisor.tell(new TickWork(1, 1, List.of(), new long[0], new long[0], beta.ref()));
        assertThat(onlyRefusal(beta.expectMessageClass(TickResult.class)).reason()).isEqualTo(RefusalReason.NOT_BOOTED);

        hypervisor.tell(new RunTick(1, false, false, clock.ref()));
        alpha.expectNoMessage();
        hypervisor.tell(new Boot(1, "beta", beta.ref()));
        p2m = beta.expectMessageClass(Booted.class).p2m();
        assertThat(alpha.expectMessageClass(TickStart.class)).usingRecursiveComparison().ignoringFields("pace").isEqualTo(new TickStart(1, false));
        assertThat(beta.expectMessageClass(TickStart.class)).usingRecursiveComparison().ignoringFields("pace").isEqualTo(new TickStart(1, false));
    }

    @Test
    void resultsGoOutInGuestOrderWhateverOrderTheWorkCameIn() {
        // Both guests answer to one probe, so the order in which results are sent is visible.
        TestProbe<ToGuest> both = testKit.createTestProbe(ToGuest.class);
        hypervisor.tell(new Boot(0, "alpha", both.ref()));
        both.expectMessageClass(Booted.class);
        hypervisor.tell(new Boot(1, "beta", both.ref()));
        p2m = both.expectMessageClass(Booted.class).p2m();
        hypervisor.tell(new RunTick(1, false, false, clock.ref()));
        assertThat(both.expectMessageClass(TickStart.class)).usingRecursiveComparison().ignoringFields("pace").isEqualTo(new TickStart(1, false));
        assertThat(both.expectMessageClass(TickStart.class)).usingRecursiveComparison().ignoringFields("pace").isEqualTo(new TickStart(1, false));
        Stream b = Stream.of().write(0, 0x100, T1).read(0, 0x100);
        hypervisor.tell(new TickWork(1, 1, List.of(mmu(new long[] {K_BETA_0}, new int[] {p2m[0]})), b.ops(), b.values(),
                both.ref()));
        Stream a = Stream.of().map(0, 0x10, 3).write(0, 0x10, T0).read(0, 0x10);
        hypervisor.tell(new TickWork(0, 1, List.of(), a.ops(), a.values(), both.ref()));
        both.expectMessage(new TickResult(1, digest(T0), 1, List.of()));
        both.expectMessage(new TickResult(1, digest(T1), 1, List.of()));
    }

    @Test
    void aBootWithoutAReplyAddressDoesNotKillTheHost() {
        hypervisor.tell(new Boot(0, "alpha", null));
        hypervisor.tell(new Boot(7, "ghost", null));
        bootBoth();
        assertThat(playStandardTick().violations()).isEmpty();
    }

    @Test
    void anAuditWithMissingArraysDoesNotKillTheHost() {
        bootBoth();
        startTick(1, true, true);
        hypervisor.tell(alphaWork(1));
        hypervisor.tell(betaWork(1));
        alpha.expectMessageClass(TickResult.class);
        beta.expectMessageClass(TickResult.class);
        hypervisor.tell(alphaAck(1, new Audit(null, null)));
        hypervisor.tell(betaAck(1, new Audit(new long[] {K_BETA_0}, null)));
        HostTickDone done = clock.expectMessageClass(HostTickDone.class);
        assertThat(done.violations()).anySatisfy(l -> assertThat(l).contains("integrity").contains("beta"));
        // Still alive: the next tick plays.
        startTick(2, false, false);
    }

    @Test
    void messagesReallyGoThroughTheSerializer() {
        assertThat(testKit.system().settings().config().getBoolean("pekko.actor.serialize-messages")).isTrue();
        TestProbe<ToGuest> probe = testKit.createTestProbe(ToGuest.class);
        int[] sent = {1, 2, 3};
        probe.ref().tell(new Booted(0, sent));
        Booted received = probe.expectMessageClass(Booted.class);
        assertThat(received.p2m()).as("a copy made by the serializer").isNotSameAs(sent).containsExactly(1, 2, 3);
    }
}
