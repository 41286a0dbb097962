package ballast.abi;

/**
 * Everything a hypervisor accepts: the guest ABI ({@link GuestCall}) and the host side's own
 * messages (the clock's tick, page sharing, reclamation control, live migration), which the
 * host-node module declares. Not sealed: Java allows a sealed interface's subtypes in other
 * packages only inside a named module, and each mechanism keeps its messages in its own package.
 */
public interface ToHypervisor {
}
