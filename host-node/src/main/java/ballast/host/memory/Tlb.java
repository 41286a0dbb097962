package ballast.host.memory;

import java.util.Arrays;

/**
 * A guest's translation lookaside buffer: a set-associative cache of (process, VPN) -> MPN with a
 * write-permission bit. Four ways per set (as x86 data TLBs; fewer when the TLB has fewer than
 * four entries), the set chosen by a Fibonacci hash of the key, a new entry replacing the set's
 * oldest fill (FIFO). Hits, misses and flushes are counted by the caller (the hypervisor charges
 * them to the guest).
 *
 * <p>The key is {@code process << 36 | vpn} (see {@code ballast.abi.Ops}); a tag holds
 * {@code key + 1} so that 0 means empty, with {@link #READ_ONLY} set for entries that must fault
 * on write (shared, copy-on-write frames).
 *
 * <p>Layout: one {@code long[]} of (tag, MPN) pairs, a set's ways adjacent, so a set of four
 * ways is 64 bytes, one cache line (or two when the array does not start on a line boundary), and
 * a hit reads its MPN next to its tag. The set's FIFO replacement pointer lives in the upper half
 * of its first way's MPN word, so a fill after a miss touches no other line either.
 *
 * <p>Large pages ({@link #enableLarge}): a second, fully associative set of entries, each mapping
 * an aligned 2 MiB block of a process's virtual pages ({@code key >>> 9}) onto an aligned run of
 * 512 machine frames (its first MPN), always writable (a large page is private to its guest),
 * replaced first in, first out. The 4 KiB entries are looked up first; the caller asks the large
 * entries only on a 4 KiB miss ({@link #lookupLarge}). Every invalidation drops the large entries
 * that cover the key or frame too, and a flush empties them.
 *
 * <p>Owned by one hypervisor, not thread-safe.
 */
public final class Tlb {
    /** Tag bit: the cached translation is read-only. */
    public static final long READ_ONLY = 1L << 62;
    private static final long KEY_BITS = READ_ONLY - 1;
    /** Ways per set when the TLB has at least this many entries. */
    public static final int WAYS = 4;
    private static final long MPN_BITS = 0xFFFF_FFFFL;
    private static final int NEXT_SHIFT = 32;

    /**
     * Per slot two words: {@code slots[2s]} the tag, {@code slots[2s + 1]} the MPN in its low 32
     * bits; the first slot of a set keeps the way the set's next fill replaces in bits 32 and up.
     */
    private final long[] slots;
    /** 4 KiB entries holding a translation now: kept as slots fill and empty, so that the reach is not a scan. */
    private int valid;
    private final int entries;
    private final int ways;
    private final int shift;
    private final int setMask;

    /** @param entries number of entries, a power of two >= 1 */
    public Tlb(int entries) {
        if (entries < 1 || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("TLB entries must be a power of two: " + entries);
        }
        this.entries = entries;
        this.ways = Math.min(WAYS, entries);
        int sets = entries / ways;
        this.slots = new long[2 * entries];
        this.setMask = sets - 1;
        this.shift = 64 - Integer.numberOfTrailingZeros(sets);
    }

    public int entries() {
        return entries;
    }

    /** Pages a large entry covers. */
    public static final int LARGE_PAGES = 512;
    private static final int LARGE_SHIFT = 9;
    /** Large entries: (tag = block + 1, first MPN) pairs; null when the TLB holds none. */
    private long[] large;
    private int largeNext;

    /** Adds {@code largeEntries} (a power of two, or 0 for none) entries for 2 MiB pages. */
    public void enableLarge(int largeEntries) {
        if (largeEntries < 0 || largeEntries > 0 && Integer.bitCount(largeEntries) != 1) {
            throw new IllegalArgumentException("large TLB entries must be 0 or a power of two: " + largeEntries);
        }
        large = largeEntries == 0 ? null : new long[2 * largeEntries];
        largeNext = 0;
    }

    /** Whether the TLB holds large entries. */
    public boolean hasLarge() {
        return large != null;
    }

    /** Entries for 2 MiB pages (0 when none). */
    public int largeEntries() {
        return large == null ? 0 : large.length / 2;
    }

    /** The MPN of {@code key} through a large entry covering it, or {@link FramePool#NO_FRAME}. */
    public int lookupLarge(long key) {
        final long[] l = large;
        long tag = (key >>> LARGE_SHIFT) + 1;
        for (int w = 0; w < l.length; w += 2) {
            if (l[w] == tag) {
                return (int) l[w + 1] + (int) (key & (LARGE_PAGES - 1));
            }
        }
        return FramePool.NO_FRAME;
    }

    /** Caches the aligned block of {@code key} as one large entry onto the run starting at {@code baseMpn}. */
    public void fillLarge(long key, int baseMpn) {
        long tag = (key >>> LARGE_SHIFT) + 1;
        int slot = -1;
        for (int w = 0; w < large.length; w += 2) {
            if (large[w] == tag) {
                slot = w;
                break;
            }
        }
        if (slot < 0) {
            slot = 2 * largeNext;
            largeNext = (largeNext + 1) & (large.length / 2 - 1);
        }
        large[slot] = tag;
        large[slot + 1] = baseMpn;
    }

    /** Calls {@code visitor} with every cached large entry: (first key of its block, first MPN of its run). */
    public void forEachLarge(EntryConsumer visitor) {
        if (large == null) {
            return;
        }
        for (int w = 0; w < large.length; w += 2) {
            if (large[w] != 0) {
                visitor.accept((large[w] - 1) << LARGE_SHIFT, (int) large[w + 1], false);
            }
        }
    }

    /** Memory the valid entries cover now, in 4 KiB pages: 1 per 4 KiB entry, 512 per large entry. */
    public long reachPages() {
        long pages = valid;
        if (large != null) {
            for (int w = 0; w < large.length; w += 2) {
                if (large[w] != 0) {
                    pages += LARGE_PAGES;
                }
            }
        }
        return pages;
    }

    private void invalidateLargeKey(long key) {
        long tag = (key >>> LARGE_SHIFT) + 1;
        for (int w = 0; w < large.length; w += 2) {
            if (large[w] == tag) {
                large[w] = 0;
            }
        }
    }

    private int invalidateLargeFrame(int mpn) {
        int dropped = 0;
        for (int w = 0; w < large.length; w += 2) {
            if (large[w] != 0 && mpn - (int) large[w + 1] >= 0 && mpn - (int) large[w + 1] < LARGE_PAGES) {
                large[w] = 0;
                dropped++;
            }
        }
        return dropped;
    }

    public int ways() {
        return ways;
    }

    /** Index in {@link #slots} of the first tag of the set {@code key} belongs to. */
    private int base(long key) {
        return setMask == 0 ? 0 : (int) ((key * 0x9E3779B97F4A7C15L) >>> shift) * (2 * ways);
    }

    /** The index of the tag word holding {@code key}, or -1. */
    private int find(long key) {
        long tag = key + 1;
        int b = base(key);
        for (int w = b, end = b + 2 * ways; w < end; w += 2) {
            if ((slots[w] & KEY_BITS) == tag) {
                return w;
            }
        }
        return -1;
    }

    /** The cached MPN for {@code key}, or {@link FramePool#NO_FRAME} on a miss. */
    public int lookup(long key) {
        final long[] s = slots;
        long tag = key + 1;
        int b = base(key);
        for (int w = b, end = b + 2 * ways; w < end; w += 2) {
            if ((s[w] & KEY_BITS) == tag) {
                return (int) s[w + 1];
            }
        }
        return FramePool.NO_FRAME;
    }

    /** The cached MPN for {@code key} if present and writable, else {@link FramePool#NO_FRAME}. */
    public int lookupWritable(long key) {
        final long[] s = slots;
        long tag = key + 1;
        int b = base(key);
        for (int w = b, end = b + 2 * ways; w < end; w += 2) {
            if (s[w] == tag) {
                return (int) s[w + 1];
            }
        }
        return FramePool.NO_FRAME;
    }

    public void fill(long key, int mpn, boolean readOnly) {
        int slot = find(key);
        int b = base(key);
        if (slot < 0) {
            long first = slots[b + 1];
            int next = (int) (first >>> NEXT_SHIFT);
            slot = b + 2 * next;
            slots[b + 1] = (first & MPN_BITS) | ((long) ((next + 1) % ways) << NEXT_SHIFT);
            if (slots[slot] == 0) {
                valid++;
            }
        }
        slots[slot] = (key + 1) | (readOnly ? READ_ONLY : 0L);
        slots[slot + 1] = (slots[slot + 1] & ~MPN_BITS) | (mpn & MPN_BITS);
    }

    /** Drops the entry for {@code key} if cached (INVLPG). */
    public void invalidate(long key) {
        int slot = find(key);
        if (slot >= 0) {
            slots[slot] = 0;
            valid--;
        }
        if (large != null) {
            invalidateLargeKey(key);
        }
    }

    /** Drops every entry that maps machine frame {@code mpn}, whatever its key; returns how many. */
    public int invalidateFrame(int mpn) {
        int dropped = 0;
        for (int s = 0; s < slots.length; s += 2) {
            if ((int) slots[s + 1] == mpn && slots[s] != 0) {
                slots[s] = 0;
                dropped++;
            }
        }
        valid -= dropped;
        if (large != null) {
            dropped += invalidateLargeFrame(mpn);
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
        for (int s = 0; s < slots.length; s += 2) {
            if (slots[s] != 0 && Arrays.binarySearch(sortedMpns, 0, count, (int) slots[s + 1]) >= 0) {
                slots[s] = 0;
                dropped++;
            }
        }
        valid -= dropped;
        if (large != null) {
            for (int w = 0; w < large.length; w += 2) {
                if (large[w] == 0) {
                    continue;
                }
                int base = (int) large[w + 1];
                int at = Arrays.binarySearch(sortedMpns, 0, count, base);
                int next = at >= 0 ? at : -at - 1; // the first MPN >= base
                if (next < count && sortedMpns[next] < base + LARGE_PAGES) {
                    large[w] = 0;
                    dropped++;
                }
            }
        }
        return dropped;
    }

    /** Calls {@code visitor} with every cached (key, MPN, read-only) entry. */
    public void forEach(EntryConsumer visitor) {
        for (int s = 0; s < slots.length; s += 2) {
            long t = slots[s];
            if (t != 0) {
                visitor.accept((t & KEY_BITS) - 1, (int) slots[s + 1], (t & READ_ONLY) != 0);
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
        final long[] s = slots;
        for (int i = 0; i < s.length; i += 2) {
            s[i] = 0L;
        }
        valid = 0;
        if (large != null) {
            Arrays.fill(large, 0L);
        }
    }
}
