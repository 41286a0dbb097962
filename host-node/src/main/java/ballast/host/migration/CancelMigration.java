package ballast.host.migration;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * A migration is given up before its stop-and-copy (a step failed, for instance the destination
 * could not take a batch): on the source ({@code arriving} false) guest {@code guest} stops being
 * tracked and runs on as before; on the destination ({@code arriving} true) the arriving guest
 * {@code guest} is released, every frame it was given going back. Replies when done.
 */
public record CancelMigration(long migration, int guest, boolean arriving, ActorRef<MigrationReply> replyTo)
        implements MigrationCommand {
}
