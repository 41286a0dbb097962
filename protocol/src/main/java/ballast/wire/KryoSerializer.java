package ballast.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import com.typesafe.config.Config;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.JSerializer;

/**
 * Pekko serializer for every {@link WireMessage}, written on Kryo with registration required:
 * only classes listed under {@code ballast.wire.registrations} (each with a fixed id, the same on
 * every node) can be written or read, so no arbitrary class is ever instantiated from the wire.
 * Payloads over {@code ballast.wire.max-payload-bytes}, truncated payloads and payloads with
 * trailing bytes are rejected with an {@link IllegalArgumentException}.
 *
 * <p>Kryo instances are not thread-safe: each call borrows one from a pool.
 */
public final class KryoSerializer extends JSerializer {
    /** Pekko's id for this serializer; must not change once nodes talk to each other. */
    public static final int IDENTIFIER = 1_741_320;

    private final Pool<Kryo> pool;
    private final int maxPayloadBytes;

    public KryoSerializer(ExtendedActorSystem system) {
        Config config = system.settings().config().getConfig("ballast.wire");
        WireRegistry registry = WireRegistry.fromConfig(config);
        this.maxPayloadBytes = (int) Math.min(Integer.MAX_VALUE - 8, config.getBytes("max-payload-bytes"));
        ActorRefResolver resolver = ActorRefResolver.get(Adapter.toTyped(system));
        this.pool = new Pool<>(true, false, 64) {
            @Override
            protected Kryo create() {
                return KryoFactory.create(registry, resolver);
            }
        };
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public boolean includeManifest() {
        return false;
    }

    @Override
    public byte[] toBinary(Object o) {
        Kryo kryo = pool.obtain();
        try {
            Output output = new Output(Math.min(4096, maxPayloadBytes), maxPayloadBytes);
            kryo.writeClassAndObject(output, o);
            return output.toBytes();
        } catch (KryoException e) {
            throw new IllegalArgumentException("cannot serialize " + o.getClass().getName() + ": " + e.getMessage(), e);
        } finally {
            pool.free(kryo);
        }
    }

    @Override
    public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
        if (bytes.length > maxPayloadBytes) {
            throw new IllegalArgumentException("payload of " + bytes.length + " bytes exceeds " + maxPayloadBytes);
        }
        Kryo kryo = pool.obtain();
        try {
            Input input = new Input(bytes);
            Object o = kryo.readClassAndObject(input);
            if (input.position() != bytes.length) {
                throw new IllegalArgumentException("payload has " + (bytes.length - input.position()) + " trailing bytes");
            }
            if (!(o instanceof WireMessage)) {
                throw new IllegalArgumentException("payload is not a wire message: " + (o == null ? "null" : o.getClass().getName()));
            }
            return o;
        } catch (KryoException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("rejected payload: " + e.getMessage(), e);
        } finally {
            pool.free(kryo);
        }
    }
}
