package ballast.abi;

/**
 * Play tick {@code tick}: generate this tick's work and send it as one {@link TickWork}.
 *
 * <p>It also carries what the hypervisor's reclamation decided at the end of the previous tick,
 * for the guest's balloon driver and scheduler to act on in a later tick (reclamation lags by
 * design, as in a real host):
 *
 * @param audit              whether the guest's {@link TickAck} must carry its full integrity record
 * @param balloonTargetPages the balloon size the hypervisor wants, in pages (0: empty it)
 * @param stall              the host is in the low free-memory state and this guest is above its
 *                           target: the next work the guest generates is empty (its accesses stall)
 * @param pace               how fast the guest's work went in the last tick accounted: the next work
 *                           the guest generates holds at most {@link Pace#allowance} workload accesses
 * @param requestedPages     the size the hypervisor requests of the guest's memory hotplug device, in
 *                           pages ({@code requested_size} of a virtio-mem device); {@link #NO_DEVICE}
 *                           for a guest without one
 */
public record TickStart(long tick, boolean audit, int balloonTargetPages, boolean stall, Pace pace,
                        int requestedPages) implements ToGuest {
    /** {@link #requestedPages} of a guest without a memory hotplug device. */
    public static final int NO_DEVICE = -1;

    /** A tick for a guest without a memory hotplug device. */
    public TickStart(long tick, boolean audit, int balloonTargetPages, boolean stall, Pace pace) {
        this(tick, audit, balloonTargetPages, stall, pace, NO_DEVICE);
    }

    public TickStart {
        pace = pace == null ? Pace.FREE : pace;
    }

    /** A tick whose guest's work nothing limits. */
    public TickStart(long tick, boolean audit, int balloonTargetPages, boolean stall) {
        this(tick, audit, balloonTargetPages, stall, Pace.FREE);
    }

    /** A tick with an empty balloon target and no stall (no reclamation). */
    public TickStart(long tick, boolean audit) {
        this(tick, audit, 0, false);
    }
}
