package ballast.host.control;

/**
 * Large-page figures of one guest, or summed over a host's guests.
 *
 * @param largePages        large pages standing now (2 MiB each)
 * @param largePagesBacked  large pages backed so far (first touches of a wholly unbacked 2 MiB run
 *                          given one aligned run of 512 frames)
 * @param largePagesBroken  large pages broken so far (one of their pieces merged, swapped out,
 *                          ballooned or given back; its pieces stay mapped as 4 KiB pages)
 * @param tlbReachPages     memory the TLB's valid entries cover now, in 4 KiB pages (512 per 2 MiB entry)
 * @param largeWalks        TLB misses whose nested walk ended on a host large page (shorter walks)
 * @param shareRefusals     merges refused because the page was a piece of a standing large page
 *                          (host figures only: the merges are the host's)
 */
public record LargePageStats(long largePages, long largePagesBacked, long largePagesBroken, long tlbReachPages,
                             long largeWalks, long shareRefusals) {

    public static final LargePageStats ZERO = new LargePageStats(0, 0, 0, 0, 0, 0);

    /** What a guest that moved between hosts shows: counters added up, levels the current host's. */
    public static LargePageStats carry(LargePageStats past, LargePageStats live) {
        if (past == null) {
            return live;
        }
        return new LargePageStats(live.largePages(), past.largePagesBacked() + live.largePagesBacked(),
                past.largePagesBroken() + live.largePagesBroken(), live.tlbReachPages(),
                past.largeWalks() + live.largeWalks(), past.shareRefusals() + live.shareRefusals());
    }

    /** The sum of two (a host's guests). */
    public LargePageStats plus(LargePageStats o) {
        return new LargePageStats(largePages + o.largePages, largePagesBacked + o.largePagesBacked,
                largePagesBroken + o.largePagesBroken, tlbReachPages + o.tlbReachPages, largeWalks + o.largeWalks,
                shareRefusals + o.shareRefusals);
    }
}
