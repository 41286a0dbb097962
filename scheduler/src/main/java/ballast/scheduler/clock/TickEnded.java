package ballast.scheduler.clock;

import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Sent by the {@link Clock} to the boundary actor (when there is one) after every tick but the
 * last: tick {@code nextTick} starts when it answers {@link Clock.Proceed}. Migrations happen
 * here, between ticks. The clock and the boundary actor share a JVM: never serialized.
 *
 * @param hosts  every host's figures after the tick just played
 * @param guests every host's guests' figures at the last sampling point
 */
public record TickEnded(long nextTick, Map<String, HostStats> hosts, Map<String, List<GuestStats>> guests,
                        ActorRef<Clock.Command> clock)
        implements org.apache.pekko.actor.NoSerializationVerificationNeeded {
}
