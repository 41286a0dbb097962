package ballast.host.device;

import java.util.Arrays;

/**
 * A histogram of waits in nanoseconds in one fixed primitive array, for percentiles without an
 * object per sample. Log-linear buckets as in HdrHistogram: values below 128 ns each have their
 * own bucket; above, every power of two is split into 64 equal buckets, so a reported percentile
 * is at most 1/64 (1.6 %) above the true value, and never above the largest value recorded.
 * Owned by its {@link DeviceQueue}; not thread-safe.
 */
final class WaitHistogram {
    private static final int SUB_BITS = 6;                 // 64 buckets per power of two
    private static final int SUB = 1 << SUB_BITS;
    private static final int EXACT = 2 * SUB;              // values 0..127 have their own bucket
    private static final int BUCKETS = EXACT + (62 - SUB_BITS) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;

    void record(long nanos) {
        long v = Math.max(0, nanos);
        counts[index(v)]++;
        total++;
        if (v > max) {
            max = v;
        }
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    /** The smallest bucket bound at or under which {@code percentile} % of the samples lie (0 if none). */
    long valueAtPercentile(double percentile) {
        if (total == 0) {
            return 0;
        }
        double p = Math.min(100, Math.max(0, percentile));
        long needed = Math.max(1, (long) Math.ceil(p / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= needed) {
                return Math.min(max, highestInBucket(i));
            }
        }
        return max;
    }

    void clear() {
        Arrays.fill(counts, 0);
        total = 0;
        max = 0;
    }

    static int index(long v) {
        if (v < EXACT) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);  // >= 7
        int shift = exponent - SUB_BITS;
        int sub = (int) (v >>> shift) - SUB;                 // 0..63
        return EXACT + (exponent - SUB_BITS - 1) * SUB + sub;
    }

    static long highestInBucket(int index) {
        if (index < EXACT) {
            return index;
        }
        int k = index - EXACT;
        int shift = k / SUB + 1;
        long sub = (k % SUB) + SUB;
        return ((sub + 1) << shift) - 1;
    }
}
