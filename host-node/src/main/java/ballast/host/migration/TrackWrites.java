package ballast.host.migration;

import org.apache.pekko.actor.typed.ActorRef;

/** Source: start tracking guest {@code guest}'s writes (its pre-copy begins); replies when done. */
public record TrackWrites(long migration, int guest, ActorRef<MigrationReply> replyTo) implements MigrationCommand {
}
