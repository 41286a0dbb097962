package ballast.scheduler.placement;

import java.util.List;

/** The host the guest fits most tightly (least memory left after it): packs hosts full. O(hosts); ignores content. */
public final class BestFit implements PlacementPolicy {
    @Override
    public String place(Candidate guest, List<HostLoad> hosts) {
        HostLoad best = null;
        for (HostLoad h : hosts) {
            if (h.fits(guest) && (best == null || h.freePages() < best.freePages())) {
                best = h;
            }
        }
        return best == null ? null : best.name();
    }

    @Override
    public String name() {
        return "best-fit";
    }
}
