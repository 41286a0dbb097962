package ballast.guest.os;

import ballast.abi.KernelActivity;
import ballast.abi.KernelEvent;
import ballast.guest.OsProfile;
import ballast.guest.workload.SeededStream;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The guest kernel's activity for one tick, from its OS profile and the tick's work: each kind of
 * event happens {@code rate * units} times, rounded up or down at random so that the mean is exact;
 * the sensitive blocks that ran are drawn one run at a time from the profile's power-law
 * distribution (block {@code floor(n * u^skew)}, through a 65,536-bucket table, four draws per
 * random long) and sent as distinct blocks with their runs, in the order they first ran.
 *
 * <p>It depends only on the profile, the number of accesses and its own seeded random stream,
 * never on the guest's mode or on a tick's result: guests with the same seed and profile generate
 * the same activity whatever their mode. Owned by one guest, not thread-safe; the bucket table
 * (256 KiB) depends only on the number of blocks and the skew, and is shared, read-only, by every
 * generator with the same two (thousands of guests of one OS keep one table, not one each).
 */
public final class KernelActivityGenerator {
    private static final int BUCKET_BITS = 16;
    private static final int BUCKETS = 1 << BUCKET_BITS;

    private final OsProfile profile;
    private final boolean active;
    private SeededStream random;
    private final int[] blockOfBucket;
    private final int[] runs;
    private final int[] order;
    /** Work cycles carried over: the remainder of workCycles * accesses / ACCESSES_PER_UNIT. */
    private long workRemainder;

    public KernelActivityGenerator(OsProfile profile, long seed) {
        this.profile = profile;
        this.active = profile.isActive();
        this.random = new SeededStream(seed);
        int n = profile.totalBlocks();
        this.runs = new int[n];
        this.order = new int[n];
        this.blockOfBucket = n == 0 ? new int[0] : TABLES.computeIfAbsent(new TableKey(n, profile.blockSkew()),
                KernelActivityGenerator::bucketTable);
    }

    /** The blocks a table is made for: their number and the skew. */
    private record TableKey(int blocks, double skew) {
    }

    /** Bucket tables by blocks and skew; each is written once, before it is published, and only read after. */
    private static final ConcurrentHashMap<TableKey, int[]> TABLES = new ConcurrentHashMap<>();

    /** Bucket b holds block floor(n * u^skew) for u at the bucket's middle. */
    private static int[] bucketTable(TableKey key) {
        int n = key.blocks();
        int[] table = new int[BUCKETS];
        for (int b = 0; b < BUCKETS; b++) {
            double u = (b + 0.5) / BUCKETS;
            table[b] = (int) Math.min(n - 1, Math.floor(n * Math.pow(u, key.skew())));
        }
        return table;
    }

    /** The activity of a tick whose workload made {@code accesses} accesses; null when there is none. */
    public KernelActivity next(long accesses) {
        if (accesses <= 0 || !active) {
            return null;
        }
        long perUnit = OsProfile.ACCESSES_PER_UNIT;
        long partial = profile.workCycles() * (accesses % perUnit) + workRemainder;
        long work = profile.workCycles() * (accesses / perUnit) + partial / perUnit;
        workRemainder = partial % perUnit;

        double units = accesses / (double) perUnit;
        long[] events = new long[KernelEvent.COUNT];
        for (KernelEvent kind : KernelEvent.ALL) {
            double rate = profile.rate(kind);
            if (rate > 0) {
                double exact = rate * units;
                long whole = (long) Math.floor(exact);
                events[kind.ordinal()] = whole + (random.nextDouble() < exact - whole ? 1 : 0);
            }
        }
        long sensitive = events[KernelEvent.SENSITIVE_BLOCK.ordinal()];
        long[] blockRuns;
        if (sensitive == 0 || runs.length == 0) {
            events[KernelEvent.SENSITIVE_BLOCK.ordinal()] = 0;
            blockRuns = new long[0];
        } else {
            blockRuns = drawBlocks(sensitive);
        }
        return new KernelActivity(work, events, blockRuns);
    }

    /** The stream's state (see {@link SeededStream#state()}). */
    public long randomState() {
        return random.state();
    }

    /** Work cycles carried over to the next tick. */
    public long workRemainder() {
        return workRemainder;
    }

    /** Continues from a saved state. */
    public void restore(long randomState, long workRemainder) {
        this.random = new SeededStream(randomState);
        this.workRemainder = workRemainder;
    }

    private long[] drawBlocks(long count) {
        int seen = 0;
        long left = count;
        while (left > 0) {
            long r = random.nextLong();
            int draws = (int) Math.min(4, left);
            for (int i = 0; i < draws; i++) {
                int block = blockOfBucket[(int) (r >>> (i * BUCKET_BITS)) & (BUCKETS - 1)];
                if (runs[block]++ == 0) {
                    order[seen++] = block;
                }
            }
            left -= draws;
        }
        long[] packed = new long[seen];
        for (int i = 0; i < seen; i++) {
            int block = order[i];
            packed[i] = KernelActivity.blockRun(block, runs[block]);
            runs[block] = 0;
        }
        return packed;
    }
}
