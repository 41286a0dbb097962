package ballast.abi;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * A guest announces itself to its hypervisor. The hypervisor knows the guest's configured size and
 * mode from its own settings: a guest cannot claim more memory than it was given.
 *
 * @param guest   the guest's index on this host
 * @param name    the guest's name, checked against the host's settings
 * @param replyTo where boot replies, tick starts and tick results go
 */
public record Boot(int guest, String name, ActorRef<ToGuest> replyTo) implements GuestCall {
}
