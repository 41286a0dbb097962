package ballast.host.migration;

import ballast.host.GuestSpec;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Destination: make room for an arriving guest (its {@code spec}'s index is ignored: the host gives
 * it the next one, in the reply's {@code guest}). Its pages arrive in later {@link PageBatch}es. The
 * host's swap grows by {@code swapPages} (a swap file for the guest; 0 when the host's swap has a
 * fixed size).
 */
public record AdmitGuest(long migration, GuestSpec spec, long swapPages, ActorRef<MigrationReply> replyTo)
        implements MigrationCommand {
}
