package ballast.host.migration;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * Destination: how far guest {@code guest}'s post-copy migration is; the reply's
 * {@link MigrationReply#postCopy} says (with {@code pending} 0 once every page arrived).
 */
public record PostCopyStatus(long migration, int guest, ActorRef<MigrationReply> replyTo) implements MigrationCommand {
}
