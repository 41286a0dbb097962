package ballast.guest.os;

import ballast.abi.Tokens;
import java.util.Arrays;

/**
 * The guest's independent record of what it wrote, so that every read can be checked: the token
 * it last wrote to each workload page (which is also the copy of a page on its virtual disk), the
 * fold of the tokens the tick being generated expects its reads to return, in order, and the
 * digests of the ticks generated but not yet verified (at most two, because a guest may generate
 * tick n + 1 while the hypervisor applies tick n; kept by the tick's parity).
 *
 * <p>The hypervisor folds the tokens its reads return the same way ({@link Tokens#fold}); a
 * tick's reads verify when the digests and the read counts agree. Owned by one {@link GuestOs},
 * not thread-safe.
 */
final class IntegrityRecord {
    private long[] expected;
    /** The tick being generated: the fold of the tokens its reads must return, and how many reads. */
    private long tickDigest;
    private int tickReads;
    /** By tick parity: the unverified tick (-1: none), its digest and its reads. */
    private final long[] pendingTick = {-1, -1};
    private final long[] pendingDigest = new long[2];
    private final int[] pendingReads = new int[2];
    private long readsVerified;
    private long readMismatches;

    IntegrityRecord(int pages) {
        this.expected = new long[pages];
    }

    /** The token the guest last wrote to {@code page}. */
    long expected(int page) {
        return expected[page];
    }

    /** The guest wrote {@code token} to {@code page}. */
    void wrote(int page, long token) {
        expected[page] = token;
    }

    /** A read of {@code page} in the tick being generated must return what the guest last wrote there. */
    void expectRead(int page) {
        tickDigest = Tokens.fold(tickDigest, expected[page]);
        tickReads++;
    }

    /**
     * The expected token of each page itself, for the tick builder's access loop, which records its
     * writes there and folds its reads from there (as {@link #wrote} and {@link #expectRead}); the
     * same array until {@link #resize} or {@link #restore}.
     */
    long[] expectedTokens() {
        return expected;
    }

    /** The digest of the tick being generated so far. */
    long tickDigest() {
        return tickDigest;
    }

    /** The access loop folded {@code reads} more reads into the tick's digest, which is now {@code digest}. */
    void folded(long digest, int reads) {
        tickDigest = digest;
        tickReads += reads;
    }

    /** Starts the digest of a new tick. */
    void beginTick() {
        tickDigest = Tokens.EMPTY_DIGEST;
        tickReads = 0;
    }

    /** Reads in the tick being generated so far. */
    int tickReads() {
        return tickReads;
    }

    /** The unverified tick of {@code tick}'s parity, or -1 when that slot is free. */
    long unverified(long tick) {
        return pendingTick[(int) (tick & 1)];
    }

    /** The unverified tick generated ahead, or -1 when every generated tick has been verified. */
    long anyUnverified() {
        return pendingTick[0] >= 0 ? pendingTick[0] : pendingTick[1];
    }

    /** Keeps the generated tick's digest until its result comes (its slot must be free). */
    void seal(long tick) {
        int slot = (int) (tick & 1);
        pendingTick[slot] = tick;
        pendingDigest[slot] = tickDigest;
        pendingReads[slot] = tickReads;
    }

    /**
     * Checks the hypervisor's digest and read count of tick {@code tick} (an unverified tick of
     * this guest) against the record, counts its reads as verified or mismatched, and frees its slot.
     */
    boolean check(long tick, long readDigest, int reads) {
        int slot = (int) (tick & 1);
        boolean ok = readDigest == pendingDigest[slot] && reads == pendingReads[slot];
        if (ok) {
            readsVerified += pendingReads[slot];
        } else {
            readMismatches += pendingReads[slot];
        }
        pendingTick[slot] = -1;
        return ok;
    }

    long readsVerified() {
        return readsVerified;
    }

    long readMismatches() {
        return readMismatches;
    }

    /** Grows the record to {@code size} pages. */
    void resize(int size) {
        expected = Arrays.copyOf(expected, size);
    }

    long[] expectedCopy() {
        return expected.clone();
    }

    void restore(long[] expected, long readsVerified, long readMismatches) {
        this.expected = expected.clone();
        this.readsVerified = readsVerified;
        this.readMismatches = readMismatches;
    }
}
