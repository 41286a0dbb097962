package ballast.host.tick;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.Refusal;
import ballast.abi.TickResult;
import ballast.abi.TickWork;
import ballast.abi.ToGuest;
import ballast.abi.Tokens;
import ballast.abi.TranslationMode;
import ballast.host.GuestSpec;
import ballast.host.HostSettings;
import ballast.host.HypervisorCore;
import ballast.host.TestHosts;
import ballast.host.TestHosts.Stream;
import ballast.host.sharing.SharingResult;
import ballast.host.sharing.SharingSettings;
import ballast.host.sharing.SharingWork;
import ballast.host.sharing.ToDaemon;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order in which applied work is answered, on a real core and without an actor system. */
class WorkApplierTest {
    static final long T0 = 0xA0A0_0000_0000_0001L;
    static final long T1 = 0xB1B1_0000_0000_0002L;

    /** What was sent, in order: {@code "guest G"} or {@code "daemon"} with the message. */
    static final class Recorder implements WorkApplier.Outbox {
        final List<String> to = new ArrayList<>();
        final List<Object> messages = new ArrayList<>();

        @Override
        public void toGuest(int g, ToGuest message) {
            to.add("guest " + g);
            messages.add(message);
        }

        @Override
        public void toDaemon(ToDaemon message) {
            to.add("daemon");
            messages.add(message);
        }
    }

    static HypervisorCore booted(HostSettings settings) {
        HypervisorCore core = new HypervisorCore(settings);
        for (GuestSpec g : settings.guests()) {
            assertThat(core.boot(g.index(), g.name(), new Refusal[1])).isNotNull();
        }
        return core;
    }

    static TickWork writeAndRead(int guest, long tick, long token) {
        Stream s = Stream.of().map(0, 0x10, guest).write(0, 0x10, token).read(0, 0x10);
        return new TickWork(guest, tick, List.of(), s.ops(), s.values(), null);
    }

    @Test
    void aTickIsAppliedAndAnsweredInGuestOrderWhateverOrderTheWorkCameIn() {
        HypervisorCore core = booted(TestHosts.settings(TestHosts.guest(0, "a", TranslationMode.FULL, 64, 1),
                TestHosts.guest(1, "b", TranslationMode.FULL, 64, 1)));
        Recorder out = new Recorder();
        TickBarrier barrier = new TickBarrier(2, false);
        barrier.start(1, new boolean[] {true, true});
        barrier.offerWork(1, writeAndRead(1, 1, T1));
        barrier.offerWork(0, writeAndRead(0, 1, T0));

        new WorkApplier(core, out).applyTick(barrier, 2, false);

        assertThat(out.to).containsExactly("guest 0", "guest 1");
        assertThat(out.messages).containsExactly(new TickResult(1, Tokens.fold(Tokens.EMPTY_DIGEST, T0), 1, List.of()),
                new TickResult(1, Tokens.fold(Tokens.EMPTY_DIGEST, T1), 1, List.of()));
        assertThat(barrier.applied()).isTrue();
        assertThat(barrier.takeWork(0)).as("the work was taken").isNull();
        assertThat(core.checkInvariants()).isEmpty();
    }

    @Test
    void onASharingHostAParaVirtualGuestsResultWaitsForTheDaemonsWork() {
        SharingSettings sharing = new SharingSettings(true, 100, 100, SharingSettings.Order.RANDOM, 16, 0.1);
        HostSettings settings = new HostSettings("h", 3, 512, 16, 64, 1 << 20, 1 << 16, TestHosts.COSTS,
                List.of(new GuestSpec(0, "pv", TranslationMode.PARA, 64, 1), new GuestSpec(1, "full", TranslationMode.FULL, 64, 1)),
                sharing);
        HypervisorCore core = booted(settings);
        Recorder out = new Recorder();
        TickBarrier barrier = new TickBarrier(2, true);
        barrier.start(0, new boolean[] {true, true});
        barrier.offerWork(0, new TickWork(0, 0, List.of(), new long[0], new long[0], null));
        barrier.offerWork(1, new TickWork(1, 0, List.of(), new long[0], new long[0], null));
        barrier.offerDaemonWork(new SharingWork(0, new long[0], new long[0], new int[0], new int[0], new long[0], new int[0],
                null));

        new WorkApplier(core, out).applyTick(barrier, 2, true);

        assertThat(out.to).containsExactly("guest 1", "guest 0", "daemon");
        assertThat(out.messages.get(2)).isInstanceOf(SharingResult.class);
    }

    @Test
    void freeRunningWorkIsAnsweredAtOnce() {
        HypervisorCore core = booted(TestHosts.settings(TestHosts.guest(0, "a", TranslationMode.FULL, 64, 1)));
        Recorder out = new Recorder();
        new WorkApplier(core, out).applyNow(writeAndRead(0, 7, T0));
        assertThat(out.to).containsExactly("guest 0");
        assertThat(out.messages).containsExactly(new TickResult(7, Tokens.fold(Tokens.EMPTY_DIGEST, T0), 1, List.of()));
    }
}
