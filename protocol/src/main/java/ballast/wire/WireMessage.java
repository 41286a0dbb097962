package ballast.wire;

/**
 * Marker for every message that may cross a node boundary. Bound to {@link KryoSerializer} in
 * {@code reference.conf}; each implementing class must also be registered with a fixed id under
 * {@code ballast.wire.registrations}.
 */
public interface WireMessage {
}
