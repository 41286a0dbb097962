package ballast.host.abi;

/** The guest's own account of its activity, as the guest OS counts it. */
public record GuestCounters(long accesses, long reads, long writes, long pagesTouched,
                            long readsVerified, long readMismatches) {
    public static final GuestCounters ZERO = new GuestCounters(0, 0, 0, 0, 0, 0);
}
