package ballast.scheduler.cluster;

import ballast.host.node.GuestFault;
import ballast.host.node.GuestChanged;
import ballast.host.node.NodeAgent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ballast.guest.ContentSettings;
import ballast.guest.GuestHandover;
import ballast.guest.GuestMemorySettings;
import ballast.guest.balloon.Balloon;
import ballast.guest.GuestOsSnapshot;
import ballast.guest.GuestVmSnapshot;
import ballast.guest.GuestSettings;
import ballast.guest.GuestVm;
import ballast.guest.workload.Phase;
import ballast.guest.workload.TraceFormat;
import ballast.guest.workload.TraceSpec;
import ballast.guest.workload.WorkloadSettings;
import ballast.abi.GuestCounters;
import ballast.abi.TranslationMode;
import ballast.guest.OsProfile;
import ballast.wire.KryoSerializer;
import ballast.wire.WireMessage;
import ballast.wire.WireRegistry;
import com.typesafe.config.ConfigFactory;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every class the guest and scheduler modules register for the wire (ids 200 and up) round-trips
 * through the real serializer inside a message: the settings a host-node process is sent, a
 * migrating guest's state, and the node agents' protocol.
 */
class ClusterWireTest {
    static final ActorTestKit testKit = ActorTestKit.create("cluster-wire", ConfigFactory.load());
    static final TestProbe<Object> probe = testKit.createTestProbe(Object.class);
    static final Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    static GuestSettings guest(WorkloadSettings workload) {
        OsProfile linux = OsProfile.fromConfig(ConfigFactory.defaultReference().getConfig("ballast.os-profiles.linux")
                .withFallback(ConfigFactory.defaultReference().getConfig("ballast.os-profile")));
        return new GuestSettings("web-\u00e9", "host-b", 3, "linux", TranslationMode.NESTED, 65536, 2, -9L, 0.1,
                new ContentSettings("windows", 0.3, 0.1, 0.05, List.of("/boot/vmlinuz")), workload, linux,
                new GuestMemorySettings(true, 256, 10, 42598, 30));
    }

    static Map<String, WireMessage> cases() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        ActorRef any = probe.ref();
        @SuppressWarnings({"unchecked", "rawtypes"})
        ActorRef<ballast.abi.ToHypervisor> hyp = (ActorRef) probe.ref();
        @SuppressWarnings({"unchecked", "rawtypes"})
        ActorRef<GuestHandover> handovers = (ActorRef) probe.ref();
        WorkloadSettings phases = new WorkloadSettings("phases", List.of(Phase.uniform(10, 4096, 1e5, 0.3),
                new Phase(Double.POSITIVE_INFINITY, 8192, 2e5, 0.5, 0.1, 0.9)));
        WorkloadSettings trace = WorkloadSettings.trace(List.of(new TraceSpec(TraceFormat.LACKEY,
                Path.of("/tmp/walk.lackey.gz"), 1e6, true, 12345, 678)));
        GuestOsSnapshot os = new GuestOsSnapshot(new int[] {0, -1, 7}, new long[] {1, 0, Long.MIN_VALUE},
                new int[] {0, 2}, 9, new int[] {3, 1}, true, new int[] {2}, new long[] {41}, 100, 60, 40, 59, 1,
                new GuestCounters(100, 60, 40, 2, 59, 1), 0x1234L, 0.75, -5L, 999L, 40,
                new GuestOsSnapshot.Paging(new int[] {3, -1, 2}, new int[] {0, 5, Integer.MIN_VALUE}, 2, 2, 1, 1, 7,
                        8, 3, 2, 0, 0),
                new GuestOsSnapshot.Workload(phases, 17, 1),
                new ballast.guest.workload.TraceWorkload.State(new long[] {120, 0}, new double[] {0.5, 0},
                        new byte[] {0, 1}, new long[] {7, 9}));
        GuestVmSnapshot snapshot = new GuestVmSnapshot(os, new Balloon.State(new int[] {2},
                new Balloon.CallState(41, 4, new int[] {9, 10}, new int[0]), new Balloon.CallState(42, 2, null,
                new int[] {5}), 44, Balloon.Outcome.AGAIN, 1, 2), new Balloon.Orders(41, 2, new int[] {5}, new int[0],
                Balloon.Outcome.AGAIN), 41, 0, 41, new long[] {42, 41}, 1, phases, 43, 41);
        GuestVmSnapshot plain = new GuestVmSnapshot(os, null, null, Long.MIN_VALUE, 0, Long.MIN_VALUE,
                new long[] {Long.MIN_VALUE, Long.MIN_VALUE}, 0, null, 0, Long.MIN_VALUE);
        Map<String, WireMessage> m = new LinkedHashMap<>();
        m.put("GuestFault", new GuestFault("g", "cause", "handling"));
        m.put("StartHosts", new NodeAgent.StartHosts(3, List.of(), List.of(guest(phases), guest(trace)), true,
                List.of("web-1"), new long[] {12}, any, true));
        m.put("HostsStarted", new NodeAgent.HostsStarted(3, "node-1", List.of(new NodeAgent.HostRef("host-a", hyp))));
        m.put("Evacuate", new NodeAgent.Evacuate(5, "web-1", any));
        m.put("Evacuated", new NodeAgent.Evacuated(5, new GuestHandover("web-1", snapshot)));
        m.put("Evacuated nothing", new NodeAgent.Evacuated(5, null));
        m.put("Resume", new NodeAgent.Resume(5, guest(phases), snapshot, any));
        m.put("Resumed", new NodeAgent.Resumed(5, "web-1"));
        m.put("EndRun", new NodeAgent.EndRun(3));
        m.put("Hello", new NodeAgent.Hello(any));
        @SuppressWarnings({"unchecked", "rawtypes"})
        ActorRef<NodeAgent.Command> agent = (ActorRef) probe.ref();
        m.put("Info", new NodeAgent.Info("pekko://ballast@127.0.0.1:2551", 2, agent));
        m.put("GuestVm.Migrate", new GuestVm.Migrate(handovers));
        @SuppressWarnings({"unchecked", "rawtypes"})
        ActorRef<GuestChanged> clock = (ActorRef) probe.ref();
        m.put("GuestChanged", new GuestChanged("web-1", null));
        m.put("GuestChanged refused", new GuestChanged("web-1", "not running"));
        m.put("StartGuest", new NodeAgent.StartGuest(3, guest(phases), 17, clock));
        m.put("StopGuest", new NodeAgent.StopGuest(3, "web-1", clock));
        m.put("ChangeWorkload", new NodeAgent.ChangeWorkload(3, "web-1", phases, clock));
        m.put("GuestHandover", new GuestHandover("web-1", snapshot));
        m.put("GuestHandover without a balloon", new GuestHandover("web-1", plain));
        return m;
    }

    static byte[] toBytes(Object o) {
        return serialization.serialize(o).get();
    }

    @Test
    void everyCaseRoundTripsToTheSameBytes() {
        for (Map.Entry<String, WireMessage> e : cases().entrySet()) {
            assertThat(serialization.findSerializerFor(e.getValue())).as(e.getKey()).isInstanceOf(KryoSerializer.class);
            byte[] bytes = toBytes(e.getValue());
            Object back = serialization.deserialize(bytes, KryoSerializer.IDENTIFIER, "").get();
            assertThat(back).as(e.getKey()).isInstanceOf(e.getValue().getClass());
            assertThat(toBytes(back)).as(e.getKey()).isEqualTo(bytes);
        }
        NodeAgent.Resume back = (NodeAgent.Resume) serialization.deserialize(toBytes(cases().get("Resume")),
                KryoSerializer.IDENTIFIER, "").get();
        assertThat(back.settings()).usingRecursiveComparison().isEqualTo(guest(back.settings().workload()));
        assertThat(back.snapshot()).usingRecursiveComparison().isEqualTo(((NodeAgent.Resume) cases().get("Resume")).snapshot());
        assertThat(back.snapshot().os().expected()).containsExactly(1, 0, Long.MIN_VALUE);
        assertThat(back.snapshot().os().workloadCarry()).isEqualTo(0.75);
        assertThat(back.snapshot().balloon().newer().inflate()).isNull();
        assertThat(back.snapshot().balloon().older().inflate()).containsExactly(9, 10);
    }

    @Test
    void everyRegistrationOfTheGuestAndTheHostNodeProcessHasACase() {
        Set<Class<?>> covered = new HashSet<>();
        cases().values().forEach(v -> classesIn(v, covered));
        List<String> missing = new ArrayList<>();
        for (Map.Entry<Integer, Class<?>> e : WireRegistry.fromConfig(
                testKit.system().settings().config().getConfig("ballast.wire")).classes().entrySet()) {
            String name = e.getValue().getName();
            if (name.startsWith("ballast.guest.") || name.startsWith("ballast.host.node.")
                    || name.startsWith("ballast.scheduler.")) {
                if (!covered.contains(e.getValue())) {
                    missing.add(e.getKey() + " " + e.getValue().getName());
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void aMessageCarryingAnUnregisteredClassIsRefused() {
        record Stray(int x) {
        }
        NodeAgent.HostsStarted bad = new NodeAgent.HostsStarted(1, "n", new ArrayList<>(List.of()));
        assertThat(toBytes(bad)).isNotEmpty();
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<NodeAgent.HostRef> sneaky = (List) new ArrayList<>(List.of(new Stray(1)));
        assertThatThrownBy(() -> toBytes(new NodeAgent.HostsStarted(1, "n", sneaky)))
                .hasMessageContaining("Stray");
    }

    static void classesIn(Object o, Set<Class<?>> out) {
        if (o == null) {
            return;
        }
        out.add(o.getClass());
        if (o instanceof Collection<?> c) {
            c.forEach(x -> classesIn(x, out));
        } else if (o.getClass().isRecord()) {
            for (RecordComponent rc : o.getClass().getRecordComponents()) {
                try {
                    classesIn(rc.getAccessor().invoke(o), out);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        } else if (o instanceof Enum<?> e) {
            out.add(e.getDeclaringClass());
        }
    }
}
