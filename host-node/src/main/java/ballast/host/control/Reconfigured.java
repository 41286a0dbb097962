package ballast.host.control;

import ballast.wire.WireMessage;

/** A host's answer to {@link Reconfigure}: {@code problem} is null when the change was taken. */
public record Reconfigured(String host, String problem) implements WireMessage {
}
