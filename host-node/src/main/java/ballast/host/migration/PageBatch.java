package ballast.host.migration;

import ballast.abi.ToHypervisor;
import ballast.host.Hypervisor;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Source to destination: pages of a migrating guest, PPN and content token each (a shared page
 * goes as its content, a page in host swap as the content read from it), then the PPNs that are in
 * the guest's balloon and those that have no frame (see {@code GuestTransfer.Pages}).
 * Acknowledged with a {@link PageBatchAck} of the same {@code seq}.
 * A record holding arrays compares by identity; tests compare contents.
 */
public record PageBatch(long migration, int guest, int seq, int[] ppns, long[] tokens, int[] ballooned, int[] unbacked,
                        ActorRef<ToHypervisor> replyTo) implements MigrationCommand {
}
