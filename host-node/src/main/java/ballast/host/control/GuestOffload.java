package ballast.host.control;

/**
 * One guest's proactive-offload figures at one instant ({@link ballast.host.offload.ColdPageOffload}).
 * Field names are those of {@code summary.json} {@code guests[]} and the time series.
 *
 * @param coldPages      its pages with a frame or in host swap lying in regions cold for at least
 *                       {@code cold-after} now
 * @param offloadedPages pages the controller sent out of it so far
 * @param refaults       offloaded pages it touched again so far (each swapped back in)
 * @param pressure       its memory pressure now: the share of its time waiting for memory, avg10
 */
public record GuestOffload(long coldPages, long offloadedPages, long refaults, double pressure) {
    public static final GuestOffload ZERO = new GuestOffload(0, 0, 0, 0);

    /** A guest that moved: the counters of its past hosts added to the current host's, the levels the current host's. */
    public static GuestOffload carry(GuestOffload past, GuestOffload live) {
        if (past == null) {
            return live;
        }
        return new GuestOffload(live.coldPages, past.offloadedPages + live.offloadedPages,
                past.refaults + live.refaults, live.pressure);
    }
}
