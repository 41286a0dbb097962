package ballast.scheduler.placement;

import java.util.List;

/**
 * Where a guest goes: one decision over the hosts as they stand (canonical order). A guest fits a
 * host when its configured memory fits what the host's guests have not taken of memory - reserved
 * (the scenario's admission rule). Deterministic: ties go to the host that comes first.
 */
public interface PlacementPolicy {
    /** The host for {@code guest}, or null when it fits nowhere. */
    String place(Candidate guest, List<HostLoad> hosts);

    /** The policy's name in a scenario. */
    String name();

    /**
     * A guest to place.
     *
     * @param fingerprint its pages' content hashes (a Bloom filter; see {@link Fingerprints})
     */
    record Candidate(String name, long configuredPages, BloomFilter fingerprint) {
    }

    /**
     * A host as it stands.
     *
     * @param capacityPages  memory - reserved, in pages
     * @param committedPages configured pages of the guests placed on it
     * @param residents      the union of its guests' fingerprints
     */
    record HostLoad(String name, long capacityPages, long committedPages, BloomFilter residents) {
        public long freePages() {
            return capacityPages - committedPages;
        }

        public boolean fits(Candidate g) {
            return g.configuredPages() <= freePages();
        }
    }
}
