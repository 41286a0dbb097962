package ballast.host.migration;

import ballast.abi.ToHypervisor;
import ballast.host.Hypervisor;
import ballast.host.control.GuestStats;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Source to destination, after the last round: the guest's page tables as (key, PPN) pairs, and
 * its figures so far on the hosts it left ({@code history}: the hypervisor-side counters go on
 * adding up where it runs now), and its working-set averages (null for a guest that starts afresh).
 * The destination installs the guest, which may boot from now on.
 */
public record InstallGuest(long migration, int guest, long[] keys, int[] ppns, GuestStats history,
                           ballast.host.reclaim.WorkingSetEstimator.Averages workingSet,
                           ActorRef<ToHypervisor> replyTo) implements MigrationCommand {
}
