package ballast.wire;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.MmuUpdate;
import ballast.abi.RemapNotice;
import ballast.abi.TickWork;
import ballast.abi.ToGuest;
import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.host.control.HostTickDone;
import ballast.host.sharing.SharingAck;
import ballast.host.sharing.SharingCounters;
import ballast.host.sharing.SharingResult;
import ballast.host.sharing.SharingTickStart;
import ballast.host.sharing.SharingWork;
import ballast.host.sharing.ToDaemon;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every message of the page-sharing work (ids 140-179) and the figures it adds survive the real serializer. */
class SharingWireTest {
    private static final ActorTestKit KIT = ActorTestKit.create(ConfigFactory.load());
    private static final KryoSerializer SERIALIZER =
            new KryoSerializer((ExtendedActorSystem) Adapter.toClassic(KIT.system()));
    private static final ActorRef<ToDaemon> DAEMON = KIT.<ToDaemon>createTestProbe().ref();
    private static final ActorRef<ToGuest> GUEST = KIT.<ToGuest>createTestProbe().ref();

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    static Stream<Object> messages() {
        return Stream.of(
                new SharingTickStart(12),
                new SharingWork(12, new long[] {SharingWork.page(1, 5), SharingWork.page(0, 7)}, new long[] {-3L, 99L},
                        new int[] {-1, 17}, new int[] {2, 3}, new long[] {1L, 2L, SharingWork.page(2, 0)},
                        new int[] {-1, 8, 9}, DAEMON),
                new SharingWork(0, new long[0], new long[0], new int[0], new int[0], new long[0], new int[0], DAEMON),
                new SharingResult(12, new byte[] {0, 1, 2, 3}, new int[] {-1, 4, 5, -1}, new long[] {0, Long.MIN_VALUE, 7, 0},
                        new byte[] {0, 1, 2, 3, 4, 5}, new int[] {17, -1}, new int[] {3}, new long[] {44L}),
                new SharingAck(12, new SharingCounters(1000, 20, 3, 2), DAEMON),
                new RemapNotice(12, new int[] {1, 2}, new int[] {30, 31}),
                new TickWork(0, 3, List.of(new MmuUpdate(new long[] {1, 2}, new int[] {3, 4}, new int[] {5, 6}),
                        new MmuUpdate(new long[] {7}, new int[] {8})), new long[] {1}, new long[] {2}, GUEST),
                new HostTickDone("h", 3, new HostStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17),
                        List.of(new GuestStats("g", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 0, 0, 0, 0, 0,
                                new long[ballast.abi.KernelEvent.COUNT],
                                new long[ballast.host.cpu.CpuAccount.OVERHEAD_KINDS.size()], 20, 21,
                                new long[ballast.abi.RefusalReason.values().length])),
                        3, List.of()));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void roundTrips(Object message) {
        byte[] bytes = SERIALIZER.toBinary(message);
        Object back = SERIALIZER.fromBinaryJava(bytes, null);
        assertThat(back).isExactlyInstanceOf(message.getClass());
        assertThat(back).usingRecursiveComparison().isEqualTo(message);
    }
}
