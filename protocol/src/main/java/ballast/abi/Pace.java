package ballast.abi;

/**
 * How fast a guest's work went in the last tick the hypervisor accounted, for the guest to size the
 * workload's accesses it generates next (it goes with {@link TickStart}; see the time model,
 * {@code ballast.host.time.HostTime}).
 *
 * @param capacity the workload accesses the guest could complete in one tick at the speed its work
 *                 went (its completed accesses scaled to a tick without idle time);
 *                 {@link Long#MAX_VALUE} when nothing limits it (no work yet, or no time model)
 * @param backlog  workload accesses generated but not yet completed at the end of that tick
 */
public record Pace(long capacity, long backlog) {
    /** Nothing limits the guest. */
    public static final Pace FREE = new Pace(Long.MAX_VALUE, 0);

    public Pace {
        if (capacity < 0 || backlog < 0) {
            throw new IllegalArgumentException("pace with capacity " + capacity + " and backlog " + backlog);
        }
    }

    /**
     * The workload accesses a guest may generate for the work after next, given that the work
     * already generated holds {@code generated}: enough to keep about two ticks of work in hand
     * ({@code 2 x capacity - backlog - generated}), at least one (so the guest learns its speed
     * again), unlimited when the capacity is.
     */
    public long allowance(long generated) {
        if (capacity == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long room = 2 * Math.min(capacity, Long.MAX_VALUE / 4) - backlog - Math.max(0, generated);
        return Math.max(1, room);
    }
}
