package ballast.host.node;

import ballast.wire.WireMessage;

/**
 * A node agent's answer to a timed event's request to start, stop or change a guest: the guest was
 * started, stopped or changed ({@code problem} null), or why not. Sent to the scheduler's clock.
 */
public record GuestChanged(String guest, String problem) implements WireMessage {
}
