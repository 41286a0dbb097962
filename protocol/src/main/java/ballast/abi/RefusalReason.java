package ballast.abi;

/** Why the hypervisor refused a guest's call. Nothing changes when a call is refused. */
public enum RefusalReason {
    /** The guest index does not name a guest of this host. */
    UNKNOWN_GUEST,
    /** The call names a guest other than the one that sent it (its reply address differs). */
    NOT_SENDER,
    /** The guest has already booted. */
    ALREADY_BOOTED,
    /** The guest has not booted yet. */
    NOT_BOOTED,
    /** The work is for a tick other than the one being played. */
    WRONG_TICK,
    /** The guest already sent its work for this tick. */
    DUPLICATE_WORK,
    /** A batch longer than the hypervisor accepts. */
    BATCH_TOO_LARGE,
    /** An operation of unknown kind or with stray bits, or a batch whose arrays disagree. */
    MALFORMED,
    /** A process index the guest does not have. */
    PROCESS_OUT_OF_RANGE,
    /** A virtual page number outside the 48-bit address space. */
    VPN_OUT_OF_RANGE,
    /** A guest-physical page number outside the guest's memory. */
    PPN_OUT_OF_RANGE,
    /** A machine frame that is not this guest's own (another guest's, free, or the hypervisor's). */
    FRAME_NOT_OWNED,
    /** The host has too few free machine frames for the call (e.g. populating a para-virtual guest). */
    OUT_OF_MEMORY,
    /** A machine frame number outside the host's memory. */
    FRAME_OUT_OF_RANGE,
    /** The values stream is shorter than the operations need, or longer. */
    VALUES_MISMATCH,
    /** An mmu_update sent by a guest that is not para-virtual. */
    NOT_PARAVIRTUAL,
    /**
     * A balloon inflate names a PPN that is already in the balloon (or twice); or a page-out names
     * a PPN in the balloon (the balloon driver holds it, the guest OS cannot page it).
     */
    ALREADY_BALLOONED,
    /** A balloon deflate names a PPN that is not in the balloon (never inflated, or twice). */
    NOT_BALLOONED,
    /** A balloon inflate would take the balloon beyond its cap (65% of the guest's memory by default). */
    BALLOON_CAP,
    /**
     * A free page report's block does not start at a multiple of its size, its order is outside
     * 0..{@link FreePageReport#MAX_ORDER}, or two of its blocks are the same.
     */
    BLOCK_NOT_ALIGNED,
    /** A free page report from a para-virtual guest, whose page tables hold machine frames (Xen PV has no such call). */
    PARAVIRTUAL_REPORT,
    /** A memory hotplug request from a guest without a hotplug device (or a para-virtual guest). */
    NO_HOTPLUG_DEVICE,
    /** A plug names a block that is plugged already. */
    BLOCK_PLUGGED,
    /** An unplug names a block that is not plugged; or a touch, balloon call or report names an unplugged PPN. */
    BLOCK_UNPLUGGED,
    /** An unplug names a block a guest page table still maps, or one the balloon holds a page of. */
    BLOCK_IN_USE,
    /** A plug would take the device beyond the size the hypervisor requested. */
    OVER_REQUESTED
}
