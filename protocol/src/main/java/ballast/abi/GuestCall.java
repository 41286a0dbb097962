package ballast.abi;

import ballast.wire.WireMessage;

/**
 * Everything a guest may send its hypervisor: the hypercall ABI (like Xen's public headers).
 * A guest holds only an {@code ActorRef<GuestCall>}, so it cannot send the hypervisor anything
 * else. Every call names the guest and carries the guest's reply address; the hypervisor refuses a
 * call whose guest index does not belong to that address.
 */
public sealed interface GuestCall extends ToHypervisor, WireMessage permits Boot, TickWork, TickAck {
    /** The calling guest's index on its host. */
    int guest();
}
