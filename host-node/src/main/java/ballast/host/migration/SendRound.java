package ballast.host.migration;

import ballast.abi.ToHypervisor;
import ballast.host.Hypervisor;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Source: send one pre-copy round of guest {@code guest} to {@code destination} (where it is
 * {@code destinationGuest}): every backed page when {@code first}, else the pages written since the
 * last round; in batches of {@code batchPages} with at most {@code window} batches unacknowledged.
 * With {@code last} (stop-and-copy: the guest no longer runs) the page tables follow, the
 * destination installs the guest, and the source releases it and gives back {@code swapPages} of
 * its swap (the swap file it had for the guest; 0 when its swap has a fixed size). Replies with the
 * pages sent. With {@code postCopy} (not null) the last round is a post-copy switch: its pages
 * count at the destination as still at the source ({@link PostCopyBegin}), and arrive as
 * {@link PostCopyArrivals} says; {@code first} and {@code last} together send every page that way.
 */
public record SendRound(long migration, int guest, boolean first, boolean last, ActorRef<ToHypervisor> destination,
                        int destinationGuest, int batchPages, int window, long swapPages, ActorRef<MigrationReply> replyTo,
                        PostCopyTerms postCopy) implements MigrationCommand {

    /** A pre-copy round (no post-copy switch). */
    public SendRound(long migration, int guest, boolean first, boolean last, ActorRef<ToHypervisor> destination,
                     int destinationGuest, int batchPages, int window, long swapPages, ActorRef<MigrationReply> replyTo) {
        this(migration, guest, first, last, destination, destinationGuest, batchPages, window, swapPages, replyTo, null);
    }
}
