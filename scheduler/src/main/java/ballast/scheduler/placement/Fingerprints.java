package ballast.scheduler.placement;

import ballast.guest.ContentModel;
import ballast.guest.ContentSettings;
import ballast.host.sharing.ContentHash;

/**
 * A guest's content fingerprint: a Bloom filter of the 64-bit content hashes of the pages its OS
 * fills first (pages 0 .. working set - 1 of its content model: OS image, duplicate, zero and
 * private pages), derived from its settings alone, so every deployment computes the same. A
 * file-backed guest's pages are not known before it boots: its fingerprint is empty.
 */
public final class Fingerprints {
    /** 2^20 bits (128 KiB) and 3 hashes: about 2% false positives at 120k distinct pages per host. */
    public static final int LOG2_BITS = 20;
    public static final int HASHES = 3;

    private Fingerprints() {
    }

    public static BloomFilter empty() {
        return new BloomFilter(LOG2_BITS, HASHES);
    }

    public static BloomFilter of(ContentSettings content, long guestSeed, int workingSetPages) {
        BloomFilter f = empty();
        if (content.fileBacked()) {
            return f;
        }
        ContentModel model = new ContentModel(content, guestSeed, workingSetPages);
        for (int page = 0; page < workingSetPages; page++) {
            f.add(ContentHash.of(model.initialToken(page), 64));
        }
        return f;
    }
}
