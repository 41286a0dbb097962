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
 */
public record TickStart(long tick, boolean audit, int balloonTargetPages, boolean stall) implements ToGuest {

    /** A tick with an empty balloon target and no stall (no reclamation). */
    public TickStart(long tick, boolean audit) {
        this(tick, audit, 0, false);
    }
}
