package ballast.host.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers;
import java.util.ArrayList;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;

/** Builds a Kryo instance with the project's registrations; the same ids on every node. */
public final class KryoFactory {
    static final int LONG_ARRAY_ID = 20;
    static final int INT_ARRAY_ID = 21;
    static final int BYTE_ARRAY_ID = 22;
    static final int ARRAY_LIST_ID = 23;

    private KryoFactory() {
    }

    public static Kryo create(WireRegistry registry, ActorRefResolver resolver) {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        ImmutableCollectionsSerializers.registerSerializers(kryo);
        kryo.register(long[].class, new LongArraySerializer(), LONG_ARRAY_ID);
        kryo.register(int[].class, new IntArraySerializer(), INT_ARRAY_ID);
        kryo.register(byte[].class, new ByteArraySerializer(), BYTE_ARRAY_ID);
        kryo.register(ArrayList.class, ARRAY_LIST_ID);
        if (resolver != null) {
            kryo.addDefaultSerializer(ActorRef.class, new ActorRefSerializer(resolver));
        }
        for (Map.Entry<Integer, Class<?>> e : registry.classes().entrySet()) {
            kryo.register(e.getValue(), e.getKey());
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
}
