package ballast.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ballast.abi.KernelActivity;
import ballast.abi.KernelEvent;
import ballast.abi.MmuUpdate;
import ballast.abi.TickWork;
import ballast.abi.ToGuest;
import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.host.control.HostTickDone;
import ballast.host.cpu.CpuAccount;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The messages the CPU work changed, through the real Kryo serializer and back. */
class CpuWireRoundTripTest {
    private static ActorTestKit testKit;
    private static KryoSerializer serializer;

    @BeforeAll
    static void start() {
        testKit = ActorTestKit.create();
        serializer = new KryoSerializer((ExtendedActorSystem) Adapter.toClassic(testKit.system()));
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T message) {
        byte[] bytes = serializer.toBinary(message);
        return (T) serializer.fromBinaryJava(bytes, null);
    }

    @Test
    void tickWorkKeepsItsKernelActivity() {
        TestProbe<ToGuest> guest = testKit.createTestProbe();
        long[] events = new long[KernelEvent.COUNT];
        for (int i = 0; i < events.length; i++) {
            events[i] = 1000L * (i + 1);
        }
        events[KernelEvent.SENSITIVE_BLOCK.ordinal()] = 12;
        KernelActivity kernel = new KernelActivity(123_456_789L, events,
                new long[] {KernelActivity.blockRun(3, 10), KernelActivity.blockRun(299, 2)});
        TickWork work = new TickWork(2, 17, List.of(new MmuUpdate(new long[] {5, 6}, new int[] {7, 8})),
                new long[] {1, 2, 3}, new long[] {4}, kernel, guest.getRef());

        TickWork back = roundTrip(work);

        assertThat(back.guest()).isEqualTo(2);
        assertThat(back.tick()).isEqualTo(17);
        assertThat(back.ops()).containsExactly(1, 2, 3);
        assertThat(back.values()).containsExactly(4);
        assertThat(back.mmuUpdates().get(0).keys()).containsExactly(5, 6);
        assertThat(back.replyTo()).isEqualTo(guest.getRef());
        assertThat(back.kernel().workCycles()).isEqualTo(123_456_789L);
        assertThat(back.kernel().events()).containsExactly(events);
        assertThat(back.kernel().blockRuns()).containsExactly(kernel.blockRuns());
        assertThat(KernelActivity.block(back.kernel().blockRuns()[1])).isEqualTo(299);
        assertThat(KernelActivity.runs(back.kernel().blockRuns()[1])).isEqualTo(2);
    }

    @Test
    void tickWorkWithoutKernelActivityTravelsToo() {
        TestProbe<ToGuest> guest = testKit.createTestProbe();
        TickWork back = roundTrip(new TickWork(0, 1, List.of(), new long[0], new long[0], guest.getRef()));
        assertThat(back.kernel()).isNull();
        assertThat(back.replyTo()).isEqualTo(guest.getRef());
    }

    @Test
    void guestStatsKeepEveryCpuFigure() {
        long[] events = {1, 2, 3, 4, 5, 6, 7, 8};
        long[] overhead = new long[CpuAccount.OVERHEAD_KINDS.size()];
        for (int i = 0; i < overhead.length; i++) {
            overhead[i] = 10L * i;
        }
        GuestStats stats = new GuestStats("web-1", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
                20, 21, 22, 23, 24, events, overhead, 25, 26, new long[ballast.abi.RefusalReason.values().length]);
        HostTickDone done = new HostTickDone("host-a", 9, new HostStats(1, 2, 3, 4, 5), List.of(stats), 3, List.of());

        HostTickDone back = roundTrip(done);

        GuestStats s = back.guests().get(0);
        assertThat(s.name()).isEqualTo("web-1");
        assertThat(s.overheadCycles()).isEqualTo(19);
        assertThat(s.translations()).isEqualTo(20);
        assertThat(s.translationCacheHits()).isEqualTo(21);
        assertThat(s.translationCacheEvictions()).isEqualTo(22);
        assertThat(s.silentFailures()).isEqualTo(23);
        assertThat(s.nativeCycles()).isEqualTo(24);
        assertThat(s.eventCounts()).containsExactly(events);
        assertThat(s.overheadCyclesByEvent()).containsExactly(overhead);
    }

    @Test
    void kernelActivityIsRegisteredWithAFixedId() {
        WireRegistry registry = WireRegistry.fromConfig(testKit.system().settings().config().getConfig("ballast.wire"));
        assertThat(registry.classes()).containsEntry(113, KernelActivity.class);
        // a kernel activity alone is not a message
        assertThatThrownBy(() -> serializer.fromBinaryJava(serializer.toBinary(new KernelActivity(0, new long[0], new long[0])),
                null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a wire message");
    }
}
