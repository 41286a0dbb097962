package ballast.host.migration;

import org.apache.pekko.actor.typed.ActorRef;

/** Source: how many pages guest {@code guest} wrote since the last round (the reply's {@code dirtyPages}). */
public record DirtyPages(long migration, int guest, ActorRef<MigrationReply> replyTo) implements MigrationCommand {
}
