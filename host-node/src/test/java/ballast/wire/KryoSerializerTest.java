package ballast.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import ballast.abi.Audit;
import ballast.abi.Boot;
import ballast.abi.BootRefused;
import ballast.abi.Booted;
import ballast.abi.GuestCounters;
import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.TickAck;
import ballast.abi.TickResult;
import ballast.abi.TickStart;
import ballast.abi.TickWork;
import ballast.abi.ToGuest;
import ballast.abi.TranslationMode;
import ballast.host.control.HostTickDone;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.internal.adapter.ActorRefAdapter;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every wire message through the real Pekko serializer, and payloads a hostile node could send. */
class KryoSerializerTest {
    static final ActorTestKit testKit = ActorTestKit.create("kryo-test", ConfigFactory.load());
    static final TestProbe<ToGuest> guest = testKit.createTestProbe(ToGuest.class);
    static final TestProbe<HostTickDone> clock = testKit.createTestProbe(HostTickDone.class);
    static final Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));

    static final long MAGIC_LONG = 0x1122_3344_5566_7788L;
    static final int MAGIC_INT = 0x7A5B_3C1D;
    static final long ONE_MIB = 1L << 20;

    /** A wire message nobody registered. */
    record Stray(int x) implements WireMessage {
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    static Map<String, WireMessage> messages() {
        return WireCases.messages(guest.ref(), clock.ref());
    }

    static Stream<Arguments> wireMessages() {
        return messages().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    static Stream<Arguments> components() {
        return WireCases.components().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    static byte[] toBytes(Object message) {
        return serialization.serialize(message).get();
    }

    static Object fromBytes(byte[] bytes) {
        return serialization.deserialize(bytes, KryoSerializer.IDENTIFIER, "").get();
    }

    static KryoSerializer serializer() {
        return (KryoSerializer) serialization.findSerializerFor(new TickStart(0, false));
    }

    static WireRegistry registry() {
        return WireRegistry.fromConfig(testKit.system().settings().config().getConfig("ballast.wire"));
    }

    static Kryo rawKryo() {
        return KryoFactory.create(registry(), ActorRefResolver.get(testKit.system()));
    }

    static byte[] rawBytes(Object o) {
        Output out = new Output(256, -1);
        rawKryo().writeClassAndObject(out, o);
        return out.toBytes();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wireMessages")
    void roundTripsThroughTheRealSerializer(String name, WireMessage message) {
        Serializer s = serialization.findSerializerFor(message);
        assertThat(s).isInstanceOf(KryoSerializer.class);
        assertThat(s.identifier()).isEqualTo(KryoSerializer.IDENTIFIER);
        assertThat(s.includeManifest()).isFalse();

        byte[] bytes = toBytes(message);
        Object back = fromBytes(bytes);

        assertThat(back).isNotSameAs(message).isInstanceOf(message.getClass());
        assertThat(WireEquality.differences(back, message)).as(name).isEmpty();
        assertThat(toBytes(message)).as("deterministic bytes").isEqualTo(bytes);
        assertThat(toBytes(back)).as("stable under a second round trip").isEqualTo(bytes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("components")
    void roundTripsRegisteredComponentsThroughTheSameRegistrations(String name, Object value) {
        Kryo kryo = rawKryo();
        byte[] bytes = rawBytes(value);
        Object back = kryo.readClassAndObject(new Input(bytes));
        assertThat(WireEquality.differences(back, value)).isEmpty();
        // ... and the Pekko serializer refuses them at the top level: they are not messages.
        assertThatThrownBy(() -> serializer().fromBinary(bytes, (Class<?>) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a wire message");
    }

    @Test
    void everyRegisteredClassHasARoundTripCase() {
        Set<Class<?>> covered = new HashSet<>();
        for (WireMessage m : messages().values()) {
            WireEquality.classesIn(m, covered);
        }
        for (Object c : WireCases.components().values()) {
            WireEquality.classesIn(c, covered);
        }
        Map<Integer, Class<?>> registered = registry().classes();
        assertThat(registered).isNotEmpty();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<Integer, Class<?>> e : registered.entrySet()) {
            if (!covered.contains(e.getValue()) && !casedInTheScheduler(e.getValue())) {
                missing.add(e.getKey() + " " + e.getValue().getName());
            }
        }
        assertThat(missing).as("registered classes without a round-trip case in WireCases").isEmpty();
        // The actor references in the cases are the registered adapter class, not something else.
        assertThat(guest.ref()).isInstanceOf(ActorRefAdapter.class);
    }

    @Test
    void everyWireMessageOfTheMainCodeIsRegisteredAndCovered() throws IOException, URISyntaxException {
        Set<Class<?>> registered = new HashSet<>(registry().classes().values());
        Set<Class<?>> cased = new HashSet<>();
        for (WireMessage m : messages().values()) {
            cased.add(m.getClass());
        }
        List<Class<?>> found = new ArrayList<>();
        for (String name : mainClassNames()) {
            Class<?> c;
            try {
                c = Class.forName(name, false, WireMessage.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            if (WireMessage.class.isAssignableFrom(c) && !c.isInterface() && !Modifier.isAbstract(c.getModifiers())) {
                found.add(c);
            }
        }
        assertThat(found).as("wire messages found on the main classpath").hasSizeGreaterThanOrEqualTo(9)
                .contains(TickWork.class, HostTickDone.class);
        assertThat(found).as("every wire message is registered").allSatisfy(c -> assertThat(registered).contains(c));
        assertThat(found).as("every wire message has a round-trip case").filteredOn(c -> !casedInTheScheduler(c))
                .allSatisfy(c -> assertThat(cased).contains(c));
    }

    /**
     * The guest's classes and the host-node process's messages (which carry guest settings and
     * state) have their round-trip cases in the scheduler's ClusterWireTest, where the guest and
     * scheduler sides are built; every other registered class has its case here.
     */
    static boolean casedInTheScheduler(Class<?> c) {
        String name = c.getName();
        return name.startsWith("ballast.guest.") || name.startsWith("ballast.host.node.");
    }

    /** Names of every class of the main code: the protocol module's and the host-node module's. */
    static List<String> mainClassNames() throws IOException, URISyntaxException {
        List<String> names = new ArrayList<>();
        for (Class<?> anchor : List.of(WireMessage.class, ballast.host.Hypervisor.class)) {
            Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.walk(location)) {
                    files.filter(p -> p.toString().endsWith(".class")).forEach(p -> names.add(
                            location.relativize(p).toString().replace(location.getFileSystem().getSeparator(), ".")
                                    .replaceAll("\\.class$", "")));
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class") && !n.contains("module-info"))
                            .forEach(n -> names.add(n.replace('/', '.').replaceAll("\\.class$", "")));
                }
            }
        }
        return names;
    }

    @Test
    void registrationIdsAreFixed() {
        Map<Integer, Class<?>> ids = registry().classes();
        assertThat(ids.keySet()).allSatisfy(id -> assertThat(id).isGreaterThanOrEqualTo(WireRegistry.FIRST_ID));
        Map<Integer, Class<?>> fixed = new TreeMap<>();
        fixed.put(100, Boot.class);
        fixed.put(101, Booted.class);
        fixed.put(102, BootRefused.class);
        fixed.put(104, TickWork.class);
        fixed.put(105, MmuUpdate.class);
        fixed.put(106, TickResult.class);
        fixed.put(107, Refusal.class);
        fixed.put(108, RefusalReason.class);
        fixed.put(109, TickAck.class);
        fixed.put(110, GuestCounters.class);
        fixed.put(111, Audit.class);
        fixed.put(112, TranslationMode.class);
        fixed.put(121, HostTickDone.class);
        fixed.put(130, ActorRefAdapter.class);
        assertThat(ids).as("ids must never change once nodes talk to each other").containsAllEntriesOf(fixed);
        Kryo kryo = rawKryo();
        for (Map.Entry<Integer, Class<?>> e : ids.entrySet()) {
            assertThat(kryo.getRegistration(e.getValue()).getId()).isEqualTo(e.getKey());
        }
        assertThat(kryo.getRegistration(long[].class).getId()).isEqualTo(KryoFactory.LONG_ARRAY_ID);
        assertThat(kryo.getRegistration(int[].class).getId()).isEqualTo(KryoFactory.INT_ARRAY_ID);
        assertThat(kryo.getRegistration(List.of().getClass()).getId()).isEqualTo(KryoFactory.LIST_N_ID);
        assertThat(kryo.getRegistration(List.of(1).getClass()).getId()).isEqualTo(KryoFactory.LIST_12_ID);
    }

    @Test
    void badRegistrationsAreRejected() {
        assertThatThrownBy(() -> WireRegistry.fromConfig(ConfigFactory.parseString(
                "registrations { \"ballast.abi.Boot\" = 99 }")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below");
        assertThatThrownBy(() -> WireRegistry.fromConfig(ConfigFactory.parseString(
                "registrations { \"ballast.abi.Boot\" = 100, \"ballast.abi.Booted\" = 100 }")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given to both");
        assertThatThrownBy(() -> WireRegistry.fromConfig(ConfigFactory.parseString(
                "registrations { \"ballast.abi.NoSuchThing\" = 150 }")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing class");
    }

    @Test
    void anUnregisteredWireMessageIsRefused() {
        assertThat(serialization.findSerializerFor(new Stray(1))).isInstanceOf(KryoSerializer.class);
        assertThatThrownBy(() -> serializer().toBinary(new Stray(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not registered");
        assertThat(serialization.serialize(new Stray(1)).isFailure()).isTrue();
    }

    @Test
    void aRegisteredMessageCarryingAnUnregisteredClassIsRefused() {
        List<MmuUpdate> linked = new LinkedList<>();
        linked.add(new MmuUpdate(new long[0], new int[0]));
        assertThatThrownBy(() -> serializer().toBinary(new TickWork(0, 1, linked, new long[0], new long[0], guest.ref())))
                .isInstanceOf(IllegalArgumentException.class);
        List<Refusal> fixedSize = Arrays.asList(new Refusal(RefusalReason.MALFORMED, 1, "x"));
        assertThatThrownBy(() -> serializer().toBinary(new TickResult(1, 2, 3, fixedSize)))
                .isInstanceOf(IllegalArgumentException.class);
        stillWorks();
    }

    @ParameterizedTest
    @ValueSource(ints = {24, 99, 113, 124, 131, 5000})
    void aPayloadNamingAnUnregisteredClassIdIsRejected(int id) {
        Output out = new Output(16);
        out.writeVarInt(id + 2, true); // Kryo writes class ids shifted by 2 (0 is null, 1 is a name)
        out.writeInt(0);
        byte[] bytes = out.toBytes();
        assertThatThrownBy(() -> fromBytes(bytes)).isInstanceOf(IllegalArgumentException.class);
        stillWorks();
    }

    @Test
    void aClassNamedInThePayloadIsNeverLoaded() {
        // Kryo's "class by name" marker (1) followed by a class name: registration required must refuse it.
        Output out = new Output(64);
        out.writeVarInt(1, true);
        out.writeVarInt(0, true);
        out.writeString("java.util.HashMap");
        byte[] bytes = out.toBytes();
        assertThatThrownBy(() -> fromBytes(bytes)).isInstanceOf(IllegalArgumentException.class);
        stillWorks();
    }

    @Test
    void registeredValuesThatAreNotMessagesAreRejectedAtTheTop() {
        for (Object notAMessage : List.of(new Refusal(RefusalReason.MALFORMED, 1, "x"), RefusalReason.NOT_SENDER,
                GuestCounters.ZERO, "a string", 42L)) {
            byte[] bytes = rawBytes(notAMessage);
            assertThatThrownBy(() -> serializer().fromBinary(bytes, (Class<?>) null))
                    .as(String.valueOf(notAMessage))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a wire message");
        }
        assertThatThrownBy(() -> serializer().fromBinary(new byte[] {0}, (Class<?>) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
        assertThatThrownBy(() -> serializer().fromBinary(new byte[0], (Class<?>) null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyTruncationOfAPayloadIsRejected() {
        TickWork work = new TickWork(1, 5, List.of(new MmuUpdate(new long[] {Ops.key(0, 1), 7}, new int[] {3, -1})),
                new long[] {Ops.op(Ops.WRITE, 0, 1), Ops.op(Ops.READ, 0, 1)}, new long[] {99}, guest.ref());
        byte[] bytes = toBytes(work);
        for (int n = 0; n < bytes.length; n++) {
            byte[] prefix = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> serializer().fromBinary(prefix, (Class<?>) null))
                    .as("prefix of %d of %d bytes", n, bytes.length).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(WireEquality.differences(fromBytes(bytes), work)).isEmpty();
    }

    @Test
    void aTickWorkPutsOnlyItsCountedEntriesOnTheWire() {
        long[] ops = new long[100_000];
        long[] values = new long[50_000];
        Arrays.fill(ops, MAGIC_LONG);
        Arrays.fill(values, MAGIC_LONG);
        ops[0] = Ops.op(Ops.WRITE, 0, 1);
        ops[1] = Ops.op(Ops.READ, 0, 1);
        values[0] = 99;
        TickWork buffered = new TickWork(1, 5, List.of(), ops, 2, values, 1, null, null, guest.ref());
        TickWork exact = new TickWork(1, 5, List.of(), new long[] {ops[0], ops[1]}, new long[] {99}, guest.ref());
        byte[] bytes = toBytes(buffered);
        assertThat(bytes).as("same bytes as the exact-length work").isEqualTo(toBytes(exact));
        assertThat(bytes.length).isLessThan(200);
        TickWork back = (TickWork) fromBytes(bytes);
        assertThat(back.ops()).containsExactly(ops[0], ops[1]);
        assertThat(back.opCount()).isEqualTo(2);
        assertThat(back.values()).containsExactly(99L);
        assertThat(back.valueCount()).isEqualTo(1);
        assertThatThrownBy(() -> indexOf(bytes, littleEndian(MAGIC_LONG, 8))).as("nothing past the counts")
                .isInstanceOf(AssertionError.class);
        TickWork none = (TickWork) fromBytes(toBytes(new TickWork(0, 1, List.of(), null, null, guest.ref())));
        assertThat(none.ops()).isNull();
        assertThat(none.values()).isNull();
    }

    @Test
    void aTickWorkCountOutsideItsStreamCannotBeMade() {
        long[] ops = new long[4];
        assertThatThrownBy(() -> new TickWork(0, 1, List.of(), ops, 5, new long[0], 0, null, null, guest.ref()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TickWork(0, 1, List.of(), ops, -1, new long[0], 0, null, null, guest.ref()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TickWork(0, 1, List.of(), ops, 0, new long[2], 3, null, null, guest.ref()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TickWork(0, 1, List.of(), null, 1, null, 0, null, null, guest.ref()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void trailingBytesAreRejected() {
        for (WireMessage m : List.of(new Booted(1, new int[] {1, 2}), new TickResult(1, 2, 3, List.of()))) {
            byte[] bytes = toBytes(m);
            for (int extra = 1; extra <= 3; extra++) {
                byte[] longer = Arrays.copyOf(bytes, bytes.length + extra);
                assertThatThrownBy(() -> serializer().fromBinary(longer, (Class<?>) null))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
            }
        }
    }

    static Stream<Arguments> hugeArrayPayloads() {
        byte[] audit = toBytes(new TickAck(0, 1, GuestCounters.ZERO,
                new Audit(new long[] {MAGIC_LONG}, new long[0]), guest.ref()));
        byte[] booted = toBytes(new Booted(0, new int[] {MAGIC_INT}));
        byte[] mmu = toBytes(new TickWork(0, 1, List.of(new MmuUpdate(new long[0], new int[] {MAGIC_INT})),
                new long[0], new long[0], guest.ref()));
        byte[] work = toBytes(new TickWork(0, 1, List.of(), new long[] {MAGIC_LONG}, new long[0], guest.ref()));
        List<Arguments> out = new ArrayList<>();
        for (int length : new int[] {1 << 27, Integer.MAX_VALUE - 16, Integer.MAX_VALUE}) {
            out.add(Arguments.of("long[] of " + length, withLength(audit, littleEndian(MAGIC_LONG, 8), length)));
            out.add(Arguments.of("TickWork ops of " + length, withLength(work, littleEndian(MAGIC_LONG, 8), length)));
            out.add(Arguments.of("int[] p2m of " + length, withLength(booted, littleEndian(MAGIC_INT, 4), length)));
            out.add(Arguments.of("int[] mpns of " + length, withLength(mmu, littleEndian(MAGIC_INT, 4), length)));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hugeArrayPayloads")
    void aHugeDeclaredArrayLengthIsRejectedWithoutAllocating(String name, byte[] payload) {
        stillWorks(); // warm the pool so that only the payload's own allocations are measured
        long allocated = allocatedBy(() -> assertThatThrownBy(() -> serializer().fromBinary(payload, (Class<?>) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit"));
        assertThat(allocated).as("bytes allocated while rejecting %s", name).isLessThan(ONE_MIB);
        stillWorks();
    }

    static Stream<Arguments> hugeStringAndListPayloads() {
        String text = "\u00e9t\u00e9"; // non-ASCII: Kryo writes a UTF-8 length prefix
        byte[] refused = toBytes(new BootRefused(0, RefusalReason.MALFORMED, text));
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        Refusal r = new Refusal(RefusalReason.MALFORMED, 0, "x");
        byte[] result = toBytes(new TickResult(0, 0, 0, List.of(r, r, r)));
        List<Arguments> out = new ArrayList<>();
        for (int length : new int[] {1 << 27, Integer.MAX_VALUE - 16}) {
            Output s = new Output(8);
            s.writeVarIntFlag(true, length + 1, true);
            out.add(Arguments.of("String of " + length, replaceBefore(refused, utf8, 1, s.toBytes())));
            Output l = new Output(8);
            l.writeVarInt(length, true);
            // class id of ListN (Kryo writes id + 2), the size 3, then the first element's class (Refusal)
            int at = indexOf(result, new byte[] {(byte) (KryoFactory.LIST_N_ID + 2), 3, 109}) + 1;
            out.add(Arguments.of("List of " + length, splice(result, at, 1, l.toBytes())));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hugeStringAndListPayloads")
    void aHugeDeclaredStringOrListLengthIsRejectedWithoutAllocating(String name, byte[] payload) {
        stillWorks();
        long allocated = allocatedBy(() -> assertThatThrownBy(() -> serializer().fromBinary(payload, (Class<?>) null))
                .isInstanceOf(IllegalArgumentException.class));
        assertThat(allocated).as("bytes allocated while rejecting %s", name).isLessThan(ONE_MIB);
    }

    @Test
    void randomlyCorruptedPayloadsAreRejectedOrDecodedNeverCrash() throws Exception {
        SplittableRandom random = new SplittableRandom(99L);
        List<byte[]> seeds = new ArrayList<>();
        for (WireMessage m : List.of(
                new TickWork(1, 5, List.of(new MmuUpdate(new long[] {1, 2}, new int[] {3, 4})),
                        new long[] {1, 2, 3}, new long[] {4}, guest.ref()),
                new TickResult(1, 2, 3, List.of(new Refusal(RefusalReason.MALFORMED, 1, "x"))),
                new TickAck(0, 1, new GuestCounters(1, 2, 3, 4, 5, 6), new Audit(new long[] {1}, new long[] {2}), guest.ref()),
                new Booted(0, new int[] {1, 2, 3}))) {
            seeds.add(toBytes(m));
        }
        int decoded = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] bytes = seeds.get(random.nextInt(seeds.size())).clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                // Keep declared lengths small: this is about structure, the huge-length cases are above.
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(0x40);
            }
            try {
                Object o = serializer().fromBinary(bytes, (Class<?>) null);
                assertThat(o).isInstanceOf(WireMessage.class);
                decoded++;
            } catch (IllegalArgumentException expected) {
                // rejected: fine
            }
        }
        assertThat(decoded).as("some corruptions still decode (a flipped digit)").isPositive();
        stillWorks();
    }

    @Test
    void messagesOverTheConfiguredLimitAreRefusedBothWays() throws Exception {
        Config small = ConfigFactory.parseString("ballast.wire.max-payload-bytes = 1KiB").withFallback(ConfigFactory.load());
        ActorTestKit kit = ActorTestKit.create("kryo-small", small);
        try {
            Serialization s = SerializationExtension.get(Adapter.toClassic(kit.system()));
            KryoSerializer k = (KryoSerializer) s.findSerializerFor(new TickStart(0, false));
            byte[] fits = k.toBinary(new Booted(0, new int[100]));
            assertThat(fits.length).isLessThanOrEqualTo(1024);
            assertThat(WireEquality.differences(k.fromBinary(fits, (Class<?>) null), new Booted(0, new int[100]))).isEmpty();
            assertThatThrownBy(() -> k.toBinary(new Booted(0, new int[300])))
                    .isInstanceOf(IllegalArgumentException.class);
            byte[] big = toBytes(new Booted(0, new int[300]));
            assertThat(big.length).isGreaterThan(1024);
            assertThatThrownBy(() -> k.fromBinary(big, (Class<?>) null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds");
        } finally {
            kit.shutdownTestKit();
        }
    }

    /** A good round trip after a rejected payload: the pooled Kryo instances are not left broken. */
    static void stillWorks() {
        TickResult m = new TickResult(3, 4, 5, List.of(new Refusal(RefusalReason.WRONG_TICK, -1, "t")));
        assertThat(WireEquality.differences(fromBytes(toBytes(m)), m)).isEmpty();
    }

    static long allocatedBy(Runnable r) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeThat(bean).isInstanceOf(com.sun.management.ThreadMXBean.class);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeThat(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled()).isTrue();
        long before = mx.getCurrentThreadAllocatedBytes();
        r.run();
        return mx.getCurrentThreadAllocatedBytes() - before;
    }

    static byte[] littleEndian(long value, int bytes) {
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            out[i] = (byte) (value >>> (8 * i));
        }
        return out;
    }

    /** Replaces the array length written just before {@code marker} (a 1-byte varint) with {@code length}. */
    static byte[] withLength(byte[] payload, byte[] marker, int length) {
        Output out = new Output(8);
        out.writeVarInt(length, true);
        return replaceBefore(payload, marker, 1, out.toBytes());
    }

    static byte[] replaceBefore(byte[] payload, byte[] marker, int oldBytes, byte[] replacement) {
        int at = indexOf(payload, marker);
        return splice(payload, at - oldBytes, oldBytes, replacement);
    }

    static byte[] splice(byte[] payload, int at, int oldBytes, byte[] replacement) {
        byte[] out = new byte[payload.length - oldBytes + replacement.length];
        System.arraycopy(payload, 0, out, 0, at);
        System.arraycopy(replacement, 0, out, at, replacement.length);
        System.arraycopy(payload, at + oldBytes, out, at + replacement.length, payload.length - at - oldBytes);
        return out;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("marker not found in payload " + Arrays.toString(haystack));
    }
}
