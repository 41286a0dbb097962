package ballast.host.offload;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One guest's access monitor, after DAMON (SeongJae Park et al., "Profiling Dynamic Data Access
 * Patterns with Controlled Overhead and Quality", Middleware 2019 industry track; Linux
 * {@code mm/damon}): the guest-physical pages are divided into regions; every sampling interval (one
 * tick here) one random page of each region has its accessed bit cleared (an {@link AccessProbes}
 * probe), and the next sample reads whether it was touched, counting it into the region's
 * {@code nrAccesses}. Every aggregation interval ({@code samplesPerAggregation} samples):
 *
 * <ol>
 *   <li>each region ages: its age grows by one when its count stayed about the same as in the
 *       previous aggregation (within the merge threshold, and zero stayed zero), else it starts
 *       again at 0;</li>
 *   <li>adjacent regions with about the same count merge (within the threshold, {@code max(1,
 *       samplesPerAggregation / 10)} as DAMON's {@code kdamond_merge_regions}, doubled while there
 *       are more than {@code maxRegions}; a region that saw accesses never merges with one that saw
 *       none, a deviation from DAMON that keeps a cold region from absorbing a warm one); the merged
 *       region's count and age are the size-weighted means; no region grows beyond
 *       {@code pages / minRegions};</li>
 *   <li>while there are at most {@code maxRegions / 2}, every region of two pages or more splits in
 *       two at a random point between 10% and 90% of it (DAMON: {@code kdamond_split_regions}); both
 *       halves keep its count and age.</li>
 * </ol>
 *
 * <p>A region is cold when its last complete aggregation saw no access and its age reaches
 * {@code coldAfterAggregations}. Cost per sample: one probe per region, at most
 * {@code maxRegions}, whatever the guest's size; an aggregation is O(regions). Primitive arrays;
 * every random choice from the seed. Not thread-safe.
 */
public final class DamonRegions {
    private final int pages;
    private final int minRegions;
    private final int maxRegions;
    private final int samplesPerAggregation;
    private final SplittableRandom random;
    private int count;
    private int[] start;
    private int[] end;
    private int[] nr;
    private int[] last;
    private int[] age;
    /** The page armed in each region by the last sample, or -1 (always -1 during an aggregation). */
    private int[] probe;
    private int[] scratchStart;
    private int[] scratchEnd;
    private int[] scratchNr;
    private int[] scratchLast;
    private int[] scratchAge;
    private int samples;
    private long aggregations;
    private long probesArmed;

    /**
     * @param pages                 the guest's PPNs (regions tile {@code [0, pages)})
     * @param minRegions            regions at the start, and no region larger than {@code pages / minRegions}
     * @param maxRegions            regions at most (probes per sample at most)
     * @param samplesPerAggregation samples per aggregation interval
     * @param seed                  seeds the probes' and the splits' random choices
     */
    public DamonRegions(int pages, int minRegions, int maxRegions, int samplesPerAggregation, long seed) {
        if (pages < 1 || minRegions < 1 || maxRegions < minRegions || samplesPerAggregation < 1) {
            throw new IllegalArgumentException("need pages >= 1, 1 <= minRegions <= maxRegions, samples >= 1");
        }
        this.pages = pages;
        this.minRegions = minRegions;
        this.maxRegions = maxRegions;
        this.samplesPerAggregation = samplesPerAggregation;
        this.random = new SplittableRandom(seed);
        int capacity = Math.min(maxRegions, pages);
        start = new int[capacity];
        end = new int[capacity];
        nr = new int[capacity];
        last = new int[capacity];
        age = new int[capacity];
        probe = new int[capacity];
        scratchStart = new int[capacity];
        scratchEnd = new int[capacity];
        scratchNr = new int[capacity];
        scratchLast = new int[capacity];
        scratchAge = new int[capacity];
        count = Math.min(minRegions, pages);
        for (int r = 0; r < count; r++) {
            start[r] = (int) ((long) pages * r / count);
            end[r] = (int) ((long) pages * (r + 1) / count);
        }
        Arrays.fill(probe, -1);
    }

    /**
     * One sample: reads last sample's probes into the regions' counts (and forgets them), runs an
     * aggregation when its interval is complete, then arms one random page of every region. Writes
     * the armed PPNs into {@code armed} (at least {@link #maxRegions} long) and returns how many;
     * the caller drops their mappings, so that their next touch misses and is seen.
     */
    public int sample(AccessProbes probes, int[] armed) {
        for (int r = 0; r < count; r++) {
            int p = probe[r];
            if (p >= 0) {
                if (probes.accessed(p)) {
                    nr[r]++;
                }
                probes.disarm(p);
                probe[r] = -1;
            }
        }
        if (++samples >= samplesPerAggregation) {
            aggregate();
        }
        for (int r = 0; r < count; r++) {
            int p = start[r] + random.nextInt(end[r] - start[r]);
            probes.arm(p);
            probe[r] = p;
            armed[r] = p;
        }
        probesArmed += count;
        return count;
    }

    /** The end of an aggregation interval: ages, merges, splits, and starts counting again. */
    void aggregate() {
        int threshold = Math.max(1, samplesPerAggregation / 10);
        for (int r = 0; r < count; r++) {
            boolean same = (nr[r] == 0) == (last[r] == 0) && Math.abs(nr[r] - last[r]) <= threshold;
            age[r] = same ? age[r] + 1 : 0;
        }
        long sizeLimit = Math.max(1, pages / minRegions);
        merge(threshold, sizeLimit);
        while (count > maxRegions && threshold < samplesPerAggregation) {
            threshold *= 2;
            merge(threshold, sizeLimit);
        }
        if (count <= maxRegions / 2) {
            split();
        }
        for (int r = 0; r < count; r++) {
            last[r] = nr[r];
            nr[r] = 0;
        }
        samples = 0;
        aggregations++;
    }

    private void merge(int threshold, long sizeLimit) {
        int kept = 0;
        for (int r = 1; r < count; r++) {
            int a = kept;
            long sa = end[a] - start[a];
            long sb = end[r] - start[r];
            boolean similar = (nr[a] == 0) == (nr[r] == 0) && Math.abs(nr[a] - nr[r]) <= threshold;
            if (similar && sa + sb <= sizeLimit) {
                long total = sa + sb;
                nr[a] = (int) ((nr[a] * sa + nr[r] * sb + total / 2) / total);
                last[a] = (int) ((last[a] * sa + last[r] * sb + total / 2) / total);
                age[a] = (int) ((age[a] * sa + age[r] * sb + total / 2) / total);
                end[a] = end[r];
            } else {
                kept++;
                copy(r, kept);
            }
        }
        count = Math.min(count, kept + 1);
    }

    private void split() {
        int room = maxRegions - count;
        int w = 0;
        for (int r = 0; r < count; r++) {
            int size = end[r] - start[r];
            if (room > 0 && size >= 2) {
                int cut = start[r] + Math.max(1, Math.min(size - 1, (int) ((long) size * (1 + random.nextInt(9)) / 10)));
                put(w++, start[r], cut, r);
                put(w++, cut, end[r], r);
                room--;
            } else {
                put(w++, start[r], end[r], r);
            }
        }
        int[][] swap = {start, end, nr, last, age};
        start = scratchStart;
        end = scratchEnd;
        nr = scratchNr;
        last = scratchLast;
        age = scratchAge;
        scratchStart = swap[0];
        scratchEnd = swap[1];
        scratchNr = swap[2];
        scratchLast = swap[3];
        scratchAge = swap[4];
        count = w;
    }

    /** Writes region {@code [s, e)} with region {@code r}'s count and age at scratch slot {@code w}. */
    private void put(int w, int s, int e, int r) {
        scratchStart[w] = s;
        scratchEnd[w] = e;
        scratchNr[w] = nr[r];
        scratchLast[w] = last[r];
        scratchAge[w] = age[r];
    }

    private void copy(int from, int to) {
        if (from == to) {
            return;
        }
        start[to] = start[from];
        end[to] = end[from];
        nr[to] = nr[from];
        last[to] = last[from];
        age[to] = age[from];
    }

    /** Whether region {@code r} is cold: no access in its last aggregation, for at least {@code aggregations} of them. */
    public boolean cold(int r, int aggregations) {
        return last[r] == 0 && age[r] >= aggregations;
    }

    /**
     * The cold regions ({@link #cold}), the oldest first (ties: the lower address first), written
     * into {@code out} (at least {@link #count} long); returns how many.
     */
    public int coldestFirst(int aggregations, int[] out) {
        long[] keys = new long[count];
        int n = 0;
        for (int r = 0; r < count; r++) {
            if (cold(r, aggregations)) {
                keys[n++] = ((long) (Integer.MAX_VALUE - age[r]) << 32) | r;
            }
        }
        Arrays.sort(keys, 0, n);
        for (int i = 0; i < n; i++) {
            out[i] = (int) keys[i];
        }
        return n;
    }

    public int count() {
        return count;
    }

    public int start(int r) {
        return start[r];
    }

    public int end(int r) {
        return end[r];
    }

    public int age(int r) {
        return age[r];
    }

    /** Accesses region {@code r} saw in its last complete aggregation. */
    public int lastAccesses(int r) {
        return last[r];
    }

    /** Aggregations so far. */
    public long aggregations() {
        return aggregations;
    }

    /** Probes armed so far (one per region per sample). */
    public long probesArmed() {
        return probesArmed;
    }

    /** The most probes one sample arms: {@code min(maxRegions, pages)}. */
    public int capacity() {
        return start.length;
    }

    /** Forgets every probe of {@code probes} this monitor armed (the guest is gone). */
    public void disarm(AccessProbes probes) {
        for (int r = 0; r < count; r++) {
            if (probe[r] >= 0) {
                probes.disarm(probe[r]);
                probe[r] = -1;
            }
        }
    }
}
