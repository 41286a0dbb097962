package ballast.host.memory;

import java.util.Arrays;

/**
 * Reverse map from a guest-physical page (PPN) to the shadow entries (process, VPN keys) that
 * were built from it, so that when the hypervisor changes a PPN's backing it can find and
 * invalidate every shadow and TLB entry that points at the old machine frame.
 *
 * <p>Singly linked lists in primitive arrays: a PPN's head is its first entry, entries carry
 * their key and the next index, freed entries are recycled through a free list. Usually one entry
 * per PPN; aliasing (two VPNs on one PPN) makes longer lists. Heads are kept per chunk of
 * {@value #CHUNK} PPNs, a chunk's array made when a PPN of it first gets an entry: a guest pays
 * for the heads of the guest-physical ranges it has touched, not of all its memory.
 *
 * <p>Owned by one hypervisor, not thread-safe.
 */
public final class ReverseMap {
    private static final int NONE = -1;
    /** PPNs per chunk of heads. */
    public static final int CHUNK = 512;
    private static final int CHUNK_SHIFT = 9;

    /** Per chunk of {@link #CHUNK} PPNs, each PPN's first entry (or NONE); null until the chunk has had one. */
    private final int[][] heads;
    private int chunks;
    private long[] keys;
    private int[] next;
    private int used;
    private int freeList = NONE;
    private int size;

    public ReverseMap(int ppns) {
        this.heads = new int[(int) ((ppns + (long) CHUNK - 1) >>> CHUNK_SHIFT)][];
        this.keys = new long[64];
        this.next = new int[64];
    }

    /** Records that the shadow entry {@code key} was built from {@code ppn}. */
    public void add(int ppn, long key) {
        int e;
        if (freeList != NONE) {
            e = freeList;
            freeList = next[e];
        } else {
            if (used == keys.length) {
                keys = Arrays.copyOf(keys, used * 2);
                next = Arrays.copyOf(next, used * 2);
            }
            e = used++;
        }
        int[] chunk = heads[ppn >>> CHUNK_SHIFT];
        if (chunk == null) {
            chunk = new int[CHUNK];
            Arrays.fill(chunk, NONE);
            heads[ppn >>> CHUNK_SHIFT] = chunk;
            chunks++;
        }
        keys[e] = key;
        next[e] = chunk[ppn & (CHUNK - 1)];
        chunk[ppn & (CHUNK - 1)] = e;
        size++;
    }

    /** The first entry of {@code ppn}, or NONE. */
    private int head(int ppn) {
        int[] chunk = heads[ppn >>> CHUNK_SHIFT];
        return chunk == null ? NONE : chunk[ppn & (CHUNK - 1)];
    }

    /** Forgets one (ppn, key) link; returns whether it was there. */
    public boolean remove(int ppn, long key) {
        int prev = NONE;
        for (int e = head(ppn); e != NONE; prev = e, e = next[e]) {
            if (keys[e] == key) {
                if (prev == NONE) {
                    heads[ppn >>> CHUNK_SHIFT][ppn & (CHUNK - 1)] = next[e];
                } else {
                    next[prev] = next[e];
                }
                next[e] = freeList;
                freeList = e;
                size--;
                return true;
            }
        }
        return false;
    }

    /** Calls {@code visitor} with every key linked to {@code ppn}, then unlinks them all. */
    public int drain(int ppn, KeyConsumer visitor) {
        int count = 0;
        int e = head(ppn);
        if (e == NONE) {
            return 0;
        }
        while (e != NONE) {
            int n = next[e];
            visitor.accept(keys[e]);
            next[e] = freeList;
            freeList = e;
            size--;
            count++;
            e = n;
        }
        heads[ppn >>> CHUNK_SHIFT][ppn & (CHUNK - 1)] = NONE;
        return count;
    }

    /** Forgets every link (and the chunks of heads). */
    public void clear() {
        Arrays.fill(heads, null);
        chunks = 0;
        used = 0;
        size = 0;
        freeList = NONE;
    }

    /** Calls {@code visitor} with every key linked to {@code ppn}, leaving the links in place. */
    public void forEach(int ppn, KeyConsumer visitor) {
        for (int e = head(ppn); e != NONE; e = next[e]) {
            visitor.accept(keys[e]);
        }
    }

    /** Number of keys linked to {@code ppn}. */
    public int count(int ppn) {
        int c = 0;
        for (int e = head(ppn); e != NONE; e = next[e]) {
            c++;
        }
        return c;
    }

    public boolean contains(int ppn, long key) {
        for (int e = head(ppn); e != NONE; e = next[e]) {
            if (keys[e] == key) {
                return true;
            }
        }
        return false;
    }

    /** Chunks of heads made so far (each {@link #CHUNK} PPNs). */
    public int chunks() {
        return chunks;
    }

    /** Total links. */
    public int size() {
        return size;
    }

    @FunctionalInterface
    public interface KeyConsumer {
        void accept(long key);
    }
}
