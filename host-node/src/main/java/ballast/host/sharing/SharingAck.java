package ballast.host.sharing;

import org.apache.pekko.actor.typed.ActorRef;

/** The daemon has taken in a {@link SharingResult}; its figures after the tick. */
public record SharingAck(long tick, SharingCounters counters, ActorRef<ToDaemon> replyTo) implements DaemonCall {
}
