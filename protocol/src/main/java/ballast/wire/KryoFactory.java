package ballast.wire;

import ballast.abi.KernelActivity;
import ballast.abi.MmuUpdate;
import ballast.abi.FreePageReport;
import ballast.abi.Reservation;
import ballast.abi.TickLoad;
import ballast.abi.TickWork;
import ballast.abi.ToGuest;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;

/** Builds a Kryo instance with the project's registrations; the same ids on every node. */
public final class KryoFactory {
    static final int LONG_ARRAY_ID = 20;
    static final int INT_ARRAY_ID = 21;
    static final int BYTE_ARRAY_ID = 22;
    static final int LIST_N_ID = 24;
    static final int LIST_12_ID = 25;
    static final int ARRAY_LIST_ID = 23;
    static final int DOUBLE_ARRAY_ID = 26;
    static final int PATH_ID = 27;

    private KryoFactory() {
    }

    public static Kryo create(WireRegistry registry, ActorRefResolver resolver) {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.register(String.class, new BoundedStringSerializer(), kryo.getRegistration(String.class).getId());
        kryo.register(long[].class, new LongArraySerializer(), LONG_ARRAY_ID);
        kryo.register(int[].class, new IntArraySerializer(), INT_ARRAY_ID);
        kryo.register(byte[].class, new ByteArraySerializer(), BYTE_ARRAY_ID);
        kryo.register(double[].class, new DoubleArraySerializer(), DOUBLE_ARRAY_ID);
        // A file name (a trace in a guest's settings) travels as its string.
        kryo.register(java.nio.file.Path.of("").getClass(), new PathSerializer(), PATH_ID);
        // Lists in messages: immutable ones (List.of / List.copyOf: ListN and List12) and ArrayList.
        kryo.register(List.of().getClass(), new BoundedListSerializer(), LIST_N_ID);
        kryo.register(List.of(1).getClass(), new BoundedListSerializer(), LIST_12_ID);
        kryo.register(ArrayList.class, new BoundedListSerializer(), ARRAY_LIST_ID);
        if (resolver != null) {
            kryo.addDefaultSerializer(ActorRef.class, new ActorRefSerializer(resolver));
        }
        for (Map.Entry<Integer, Class<?>> e : registry.classes().entrySet()) {
            if (e.getValue() == TickWork.class) {
                kryo.register(TickWork.class, new TickWorkSerializer(), e.getKey());
            } else {
                kryo.register(e.getValue(), e.getKey());
            }
        }
        return kryo;
    }

    /** Rejects a declared length that the remaining payload cannot hold, before allocating. */
    static int checkedLength(Input input, int elementBytes) {
        int length = input.readVarInt(true);
        long remaining = (long) input.limit() - input.position();
        if (length < 0 || (long) length * elementBytes > remaining) {
            throw new IllegalArgumentException("array of " + length + " elements does not fit the " + remaining + " bytes left");
        }
        return length;
    }

    /**
     * Kryo's own string format, but a declared UTF-8 length the payload cannot hold is rejected
     * before Kryo allocates a char array of that length.
     */
    static final class BoundedStringSerializer extends Serializer<String> {
        BoundedStringSerializer() {
            setImmutable(true);
            setAcceptsNull(true);
        }

        @Override
        public void write(Kryo kryo, Output output, String s) {
            output.writeString(s);
        }

        @Override
        public String read(Kryo kryo, Input input, Class<? extends String> type) {
            if (input.readVarIntFlag()) { // null, empty or UTF-8 with a length prefix
                int start = input.position();
                int chars = input.readVarIntFlag(true) - 1;
                long remaining = (long) input.limit() - input.position();
                if (chars > remaining) {
                    throw new IllegalArgumentException("string of " + chars + " characters does not fit the "
                            + remaining + " bytes left");
                }
                input.setPosition(start);
            }
            return input.readString();
        }
    }

    /**
     * A list: its size (checked against the bytes left: each element takes one byte at least), then its
     * elements. Read back as an immutable list (no nulls), or as an ArrayList when one was sent.
     */
    static final class BoundedListSerializer extends Serializer<List<?>> {
        BoundedListSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, List<?> list) {
            output.writeVarInt(list.size(), true);
            for (Object o : list) {
                kryo.writeClassAndObject(output, o);
            }
        }

        @Override
        public List<?> read(Kryo kryo, Input input, Class<? extends List<?>> type) {
            int size = checkedLength(input, 1);
            Object[] elements = new Object[size];
            for (int i = 0; i < size; i++) {
                elements[i] = kryo.readClassAndObject(input);
            }
            if (ArrayList.class.equals(type)) {
                return new ArrayList<>(Arrays.asList(elements));
            }
            for (Object e : elements) {
                if (e == null) {
                    throw new IllegalArgumentException("null element in an immutable list");
                }
            }
            return List.of(elements);
        }
    }

    static final class LongArraySerializer extends Serializer<long[]> {
        @Override
        public void write(Kryo kryo, Output output, long[] a) {
            output.writeVarInt(a.length, true);
            output.writeLongs(a, 0, a.length);
        }

        @Override
        public long[] read(Kryo kryo, Input input, Class<? extends long[]> type) {
            return input.readLongs(checkedLength(input, Long.BYTES));
        }
    }

    static final class IntArraySerializer extends Serializer<int[]> {
        @Override
        public void write(Kryo kryo, Output output, int[] a) {
            output.writeVarInt(a.length, true);
            output.writeInts(a, 0, a.length);
        }

        @Override
        public int[] read(Kryo kryo, Input input, Class<? extends int[]> type) {
            return input.readInts(checkedLength(input, Integer.BYTES));
        }
    }

    static final class DoubleArraySerializer extends Serializer<double[]> {
        @Override
        public void write(Kryo kryo, Output output, double[] a) {
            output.writeVarInt(a.length, true);
            output.writeDoubles(a, 0, a.length);
        }

        @Override
        public double[] read(Kryo kryo, Input input, Class<? extends double[]> type) {
            return input.readDoubles(checkedLength(input, Double.BYTES));
        }
    }

    static final class PathSerializer extends Serializer<java.nio.file.Path> {
        PathSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, java.nio.file.Path path) {
            output.writeString(path.toString());
        }

        @Override
        public java.nio.file.Path read(Kryo kryo, Input input, Class<? extends java.nio.file.Path> type) {
            String s = input.readString();
            if (s == null) {
                throw new IllegalArgumentException("null file name");
            }
            return java.nio.file.Path.of(s);
        }
    }

    static final class ByteArraySerializer extends Serializer<byte[]> {
        @Override
        public void write(Kryo kryo, Output output, byte[] a) {
            output.writeVarInt(a.length, true);
            output.writeBytes(a);
        }

        @Override
        public byte[] read(Kryo kryo, Input input, Class<? extends byte[]> type) {
            return input.readBytes(checkedLength(input, 1));
        }
    }

    /** A typed actor reference travels as its path string, resolved on arrival. */
    static final class ActorRefSerializer extends Serializer<ActorRef<?>> {
        private final ActorRefResolver resolver;

        ActorRefSerializer(ActorRefResolver resolver) {
            this.resolver = resolver;
        }

        @Override
        public void write(Kryo kryo, Output output, ActorRef<?> ref) {
            output.writeString(resolver.toSerializationFormat(ref));
        }

        @Override
        public ActorRef<?> read(Kryo kryo, Input input, Class<? extends ActorRef<?>> type) {
            return resolver.resolveActorRef(input.readString());
        }
    }
    /**
     * A tick's work as the record serializer would write it, except its two streams: only their
     * first {@code opCount} and {@code valueCount} entries (a guest hands over reused buffers
     * longer than the tick), read back as arrays of exactly that length.
     */
    static final class TickWorkSerializer extends Serializer<TickWork> {
        TickWorkSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, TickWork w) {
            output.writeVarInt(w.guest(), false);
            output.writeVarLong(w.tick(), false);
            kryo.writeClassAndObject(output, w.mmuUpdates());
            writeStream(output, w.ops(), w.opCount());
            writeStream(output, w.values(), w.valueCount());
            kryo.writeObjectOrNull(output, w.kernel(), KernelActivity.class);
            kryo.writeObjectOrNull(output, w.reservation(), Reservation.class);
            kryo.writeClassAndObject(output, w.replyTo());
            kryo.writeObjectOrNull(output, w.load(), TickLoad.class);
            kryo.writeClassAndObject(output, w.reports());
            kryo.writeClassAndObject(output, w.hotplug());
        }

        /** A null stream as 0, else its count + 1, then the entries. */
        private static void writeStream(Output output, long[] a, int count) {
            if (a == null) {
                output.writeVarInt(0, true);
                return;
            }
            output.writeVarInt(count + 1, true);
            output.writeLongs(a, 0, count);
        }

        private static long[] readStream(Input input) {
            int marker = input.readVarInt(true);
            if (marker == 0) {
                return null;
            }
            int length = marker - 1;
            long remaining = (long) input.limit() - input.position();
            if (length < 0 || (long) length * Long.BYTES > remaining) {
                throw new IllegalArgumentException("array of " + length + " elements does not fit the " + remaining + " bytes left");
            }
            return input.readLongs(length);
        }

        @Override
        @SuppressWarnings("unchecked")
        public TickWork read(Kryo kryo, Input input, Class<? extends TickWork> type) {
            int guest = input.readVarInt(false);
            long tick = input.readVarLong(false);
            Object mmu = kryo.readClassAndObject(input);
            if (mmu != null && !(mmu instanceof List<?>)) {
                throw new IllegalArgumentException("mmu_updates is a " + mmu.getClass().getName() + ", not a list");
            }
            long[] ops = readStream(input);
            long[] values = readStream(input);
            KernelActivity kernel = kryo.readObjectOrNull(input, KernelActivity.class);
            Reservation reservation = kryo.readObjectOrNull(input, Reservation.class);
            Object replyTo = kryo.readClassAndObject(input);
            if (replyTo != null && !(replyTo instanceof ActorRef<?>)) {
                throw new IllegalArgumentException("replyTo is a " + replyTo.getClass().getName() + ", not an actor reference");
            }
            TickLoad load = kryo.readObjectOrNull(input, TickLoad.class);
            Object reports = kryo.readClassAndObject(input);
            if (reports != null && !(reports instanceof List<?>)) {
                throw new IllegalArgumentException("free page reports is a " + reports.getClass().getName() + ", not a list");
            }
            Object hotplug = kryo.readClassAndObject(input);
            if (hotplug != null && !(hotplug instanceof List<?>)) {
                throw new IllegalArgumentException("memory hotplug requests is a " + hotplug.getClass().getName()
                        + ", not a list");
            }
            return new TickWork(guest, tick, (List<MmuUpdate>) mmu, ops, ops == null ? 0 : ops.length, values,
                    values == null ? 0 : values.length, kernel, reservation, (ActorRef<ToGuest>) replyTo, load,
                    (List<FreePageReport>) reports, (List<ballast.abi.MemoryHotplug>) hotplug);
        }
    }
}
