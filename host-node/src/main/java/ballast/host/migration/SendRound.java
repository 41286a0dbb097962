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
 * pages sent.
 */
public record SendRound(long migration, int guest, boolean first, boolean last, ActorRef<ToHypervisor> destination,
                        int destinationGuest, int batchPages, int window, long swapPages, ActorRef<MigrationReply> replyTo)
        implements MigrationCommand {
}
