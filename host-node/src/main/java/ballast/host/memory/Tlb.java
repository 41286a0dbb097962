package ballast.host.memory;

import java.util.Arrays;

/**
 * A guest's translation lookaside buffer: a set-associative cache of (process, VPN) -> MPN with a
 * write-permission bit. Four ways per set (as x86 data TLBs; fewer when the TLB has fewer than
 * four entries), the set chosen by a Fibonacci hash of the key, a new entry replacing the set's
 * oldest fill (FIFO). Hits, misses and flushes are counted by the caller (the hypervisor charges
 * them to the guest).
 *
 * <p>The key is {@code process << 36 | vpn} (see {@code ballast.host.abi.Ops}); a tag holds
 * {@code key + 1} so that 0 means empty, with {@link #READ_ONLY} set for entries that must fault
 * on write (shared, copy-on-write frames). A set's ways are adjacent in the arrays, so a probe
 * touches one or two cache lines.
 *
 * <p>Owned by one hypervisor, not thread-safe.
 */
public final class Tlb {
    /** Tag bit: the cached translation is read-only. */
    public static final long READ_ONLY = 1L << 62;
    private static final long KEY_BITS = READ_ONLY - 1;
    /** Ways per set when the TLB has at least this many entries. */
    public static final int WAYS = 4;

    private final long[] tags;
    private final int[] mpns;
    /** Per set, the way the next fill replaces. */
    private final byte[] next;
    private final int ways;
    private final int shift;
    private final int setMask;

    /** @param entries number of entries, a power of two >= 1 */
    public Tlb(int entries) {
        if (entries < 1 || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("TLB entries must be a power of two: " + entries);
        }
        this.ways = Math.min(WAYS, entries);
        int sets = entries / ways;
        this.tags = new long[entries];
        this.mpns = new int[entries];
        this.next = new byte[sets];
        this.setMask = sets - 1;
        this.shift = 64 - Integer.numberOfTrailingZeros(sets);
    }

    public int entries() {
        return tags.length;
    }

    public int ways() {
        return ways;
    }

    /** First slot of the set {@code key} belongs to. */
    private int base(long key) {
        return setMask == 0 ? 0 : (int) ((key * 0x9E3779B97F4A7C15L) >>> shift) * ways;
    }

    /** The slot holding {@code key}, or -1. */
    private int find(long key) {
        long tag = key + 1;
        int b = base(key);
        for (int w = b, end = b + ways; w < end; w++) {
            if ((tags[w] & KEY_BITS) == tag) {
                return w;
            }
        }
        return -1;
    }

    /** The cached MPN for {@code key}, or {@link FramePool#NO_FRAME} on a miss. */
    public int lookup(long key) {
        long tag = key + 1;
        int b = base(key);
        for (int w = b, end = b + ways; w < end; w++) {
            if ((tags[w] & KEY_BITS) == tag) {
                return mpns[w];
            }
        }
        return FramePool.NO_FRAME;
    }

    /** The cached MPN for {@code key} if present and writable, else {@link FramePool#NO_FRAME}. */
    public int lookupWritable(long key) {
        long tag = key + 1;
        int b = base(key);
        for (int w = b, end = b + ways; w < end; w++) {
            if (tags[w] == tag) {
                return mpns[w];
            }
        }
        return FramePool.NO_FRAME;
    }

    public void fill(long key, int mpn, boolean readOnly) {
        int slot = find(key);
        if (slot < 0) {
            int b = base(key);
            int set = b / ways;
            slot = b + next[set];
            next[set] = (byte) ((next[set] + 1) % ways);
        }
        tags[slot] = (key + 1) | (readOnly ? READ_ONLY : 0L);
        mpns[slot] = mpn;
    }

    /** Drops the entry for {@code key} if cached (INVLPG). */
    public void invalidate(long key) {
        int slot = find(key);
        if (slot >= 0) {
            tags[slot] = 0;
        }
    }

    /** Drops every entry that maps machine frame {@code mpn}, whatever its key; returns how many. */
    public int invalidateFrame(int mpn) {
        int dropped = 0;
        for (int s = 0; s < tags.length; s++) {
            if (mpns[s] == mpn && tags[s] != 0) {
                tags[s] = 0;
                dropped++;
            }
        }
        return dropped;
    }

    /**
     * Drops every entry that maps one of the frames {@code sortedMpns[0 .. count - 1]} (ascending),
     * in one pass over the TLB; returns how many.
     */
    public int invalidateFrames(int[] sortedMpns, int count) {
        if (count == 0) {
            return 0;
        }
        int dropped = 0;
        for (int s = 0; s < tags.length; s++) {
            if (tags[s] != 0 && Arrays.binarySearch(sortedMpns, 0, count, mpns[s]) >= 0) {
                tags[s] = 0;
                dropped++;
            }
        }
        return dropped;
    }

    /** Calls {@code visitor} with every cached (key, MPN, read-only) entry. */
    public void forEach(EntryConsumer visitor) {
        for (int s = 0; s < tags.length; s++) {
            long t = tags[s];
            if (t != 0) {
                visitor.accept((t & KEY_BITS) - 1, mpns[s], (t & READ_ONLY) != 0);
            }
        }
    }

    /** Receives TLB entries without boxing. */
    @FunctionalInterface
    public interface EntryConsumer {
        void accept(long key, int mpn, boolean readOnly);
    }

    /** Drops every entry (a CR3 write without tagged TLBs). */
    public void flush() {
        Arrays.fill(tags, 0L);
    }
}
