package ballast.scheduler.placement;

/**
 * A Bloom filter of 64-bit page hashes on a {@code long[]} bit set, with the cardinality estimates
 * Memory Buddies (Wood et al., VEE 2009) places guests by: how many distinct pages a filter holds
 * ({@code n = -m/k ln(1 - X/m)} for X bits set of m, k hashes), and how many two filters share
 * ({@code |A| + |B| - |A u B|}). Plain data, not thread-safe.
 */
public final class BloomFilter {
    private final long[] bits;
    private final int mask;
    private final int hashes;

    /** A filter of {@code 2^log2Bits} bits and {@code hashes} hash functions. */
    public BloomFilter(int log2Bits, int hashes) {
        if (log2Bits < 6 || log2Bits > 30 || hashes < 1) {
            throw new IllegalArgumentException("2^" + log2Bits + " bits and " + hashes + " hashes");
        }
        this.bits = new long[1 << (log2Bits - 6)];
        this.mask = (1 << log2Bits) - 1;
        this.hashes = hashes;
    }

    private BloomFilter(long[] bits, int mask, int hashes) {
        this.bits = bits;
        this.mask = mask;
        this.hashes = hashes;
    }

    /** Adds a page hash (already a strong 64-bit hash: its halves give the k positions, Kirsch-Mitzenmacher). */
    public void add(long hash) {
        int h1 = (int) hash;
        int h2 = (int) (hash >>> 32) | 1;
        for (int i = 0; i < hashes; i++) {
            int bit = (h1 + i * h2) & mask;
            bits[bit >>> 6] |= 1L << bit;
        }
    }

    public boolean mightContain(long hash) {
        int h1 = (int) hash;
        int h2 = (int) (hash >>> 32) | 1;
        for (int i = 0; i < hashes; i++) {
            int bit = (h1 + i * h2) & mask;
            if ((bits[bit >>> 6] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** The union of this filter and {@code other} (same size and hashes), as a new filter. */
    public BloomFilter union(BloomFilter other) {
        check(other);
        long[] u = bits.clone();
        for (int i = 0; i < u.length; i++) {
            u[i] |= other.bits[i];
        }
        return new BloomFilter(u, mask, hashes);
    }

    /** Adds every element of {@code other} to this filter. */
    public void addAll(BloomFilter other) {
        check(other);
        for (int i = 0; i < bits.length; i++) {
            bits[i] |= other.bits[i];
        }
    }

    /** Estimated distinct elements. */
    public double cardinality() {
        return estimate(bitsSet());
    }

    /** Estimated elements in both this filter and {@code other}. */
    public double overlap(BloomFilter other) {
        check(other);
        long union = 0;
        for (int i = 0; i < bits.length; i++) {
            union += Long.bitCount(bits[i] | other.bits[i]);
        }
        return Math.max(0, cardinality() + other.cardinality() - estimate(union));
    }

    public BloomFilter copy() {
        return new BloomFilter(bits.clone(), mask, hashes);
    }

    private long bitsSet() {
        long n = 0;
        for (long w : bits) {
            n += Long.bitCount(w);
        }
        return n;
    }

    private double estimate(long set) {
        double m = mask + 1.0;
        if (set >= m) {
            return m; // saturated: at least this many
        }
        return -m / hashes * Math.log(1 - set / m);
    }

    private void check(BloomFilter other) {
        if (other.mask != mask || other.hashes != hashes) {
            throw new IllegalArgumentException("filters of different shapes");
        }
    }
}
