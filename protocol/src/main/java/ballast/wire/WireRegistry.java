package ballast.wire;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.Map;
import java.util.TreeMap;

/**
 * The classes allowed on the wire and their fixed Kryo ids, read from
 * {@code ballast.wire.registrations} (each module adds its own messages in its
 * {@code reference.conf}). Ids below {@link #FIRST_ID} belong to Kryo and the wire's own types.
 */
public final class WireRegistry {
    public static final int FIRST_ID = 100;

    private final Map<Integer, Class<?>> byId;

    private WireRegistry(Map<Integer, Class<?>> byId) {
        this.byId = byId;
    }

    public static WireRegistry fromConfig(Config wire) {
        Map<Integer, Class<?>> byId = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : wire.getObject("registrations").entrySet()) {
            String className = e.getKey();
            int id = ((Number) e.getValue().unwrapped()).intValue();
            if (id < FIRST_ID) {
                throw new IllegalArgumentException("wire id " + id + " of " + className + " is below " + FIRST_ID);
            }
            Class<?> type;
            try {
                type = Class.forName(className, false, WireRegistry.class.getClassLoader());
            } catch (ClassNotFoundException ex) {
                throw new IllegalArgumentException("wire registration names a missing class: " + className, ex);
            }
            Class<?> previous = byId.put(id, type);
            if (previous != null) {
                throw new IllegalArgumentException("wire id " + id + " given to both " + previous.getName() + " and " + className);
            }
        }
        return new WireRegistry(Map.copyOf(byId));
    }

    /** Registered classes by id, ascending. */
    public Map<Integer, Class<?>> classes() {
        return new TreeMap<>(byId);
    }
}
