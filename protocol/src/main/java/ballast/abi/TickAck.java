package ballast.abi;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * The guest has checked its {@link TickResult}: its counters after the tick, and its integrity
 * record when the tick asked for an audit (else null).
 */
public record TickAck(int guest, long tick, GuestCounters counters, Audit audit,
                      ActorRef<ToGuest> replyTo) implements GuestCall {
}
