package ballast.abi;

/**
 * Sent to a para-virtual guest, before its {@link TickResult}, when the hypervisor changed the
 * machine frame behind some of its PPNs during the tick: a merge (the PPN now maps a shared,
 * copy-on-write frame) or a copy-on-write break (the PPN has its own frame again). The guest
 * updates its p2m; an {@code mmu_update} naming a PPN's old MPN is refused with
 * {@link RefusalReason#FRAME_NOT_OWNED}. Arrays of equal length; a record holding arrays compares
 * by identity.
 */
public record RemapNotice(long tick, int[] ppns, int[] mpns) implements ToGuest {
}
