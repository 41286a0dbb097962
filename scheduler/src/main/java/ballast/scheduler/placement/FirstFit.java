package ballast.scheduler.placement;

import java.util.List;

/** The first host (in canonical order) the guest fits. O(hosts); ignores content and balance. */
public final class FirstFit implements PlacementPolicy {
    @Override
    public String place(Candidate guest, List<HostLoad> hosts) {
        for (HostLoad h : hosts) {
            if (h.fits(guest)) {
                return h.name();
            }
        }
        return null;
    }

    @Override
    public String name() {
        return "first-fit";
    }
}
