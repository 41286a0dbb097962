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
 */
public record TickStart(long tick, boolean audit, int balloonTargetPages, boolean stall, Pace pace) implements ToGuest {

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
