package ballast.scheduler.placement;

import java.util.List;

/**
 * Memory Buddies (Wood et al., VEE 2009): among the hosts the guest fits, the one whose resident
 * guests share the most pages with it, estimated from Bloom-filter fingerprints of their page
 * hashes. An overlap below {@code minShare} of the guest's pages (a zero page in common, say) counts
 * as none; when no host shares more, the guest goes where most memory is left (so that guests of
 * another image start a host of their own). Cost: O(hosts x filter words) per guest. Ignores how
 * content changes once guests run (fingerprints are of the pages as first filled).
 */
public final class SharingAware implements PlacementPolicy {
    private final double minShare;
    private final Spread fallback = new Spread();

    public SharingAware(double minShare) {
        this.minShare = minShare;
    }

    @Override
    public String place(Candidate guest, List<HostLoad> hosts) {
        double floor = Math.max(1, minShare * guest.fingerprint().cardinality());
        HostLoad best = null;
        double bestOverlap = floor;
        for (HostLoad h : hosts) {
            if (!h.fits(guest)) {
                continue;
            }
            double overlap = guest.fingerprint().overlap(h.residents());
            if (overlap > bestOverlap) {
                best = h;
                bestOverlap = overlap;
            }
        }
        return best != null ? best.name() : fallback.place(guest, hosts);
    }

    @Override
    public String name() {
        return "sharing-aware";
    }
}
