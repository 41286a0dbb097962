package ballast.host.memory;

import ballast.abi.Ops;

import java.util.Arrays;

/**
 * A sparse 4-level radix page table, x86-64 style: 512 entries per node, 9 bits of the 36-bit
 * virtual page number per level. Maps a VPN to an int (a PPN for a guest page table, an MPN for
 * a shadow or para-virtual table).
 *
 * <p>Nodes live in one growable {@code int[]} arena; an interior entry holds a child node index
 * (0 = none: the root is node 0 and is nobody's child), a leaf entry holds {@code value + 1}
 * (0 = not present). A dense region costs 4 bytes per mapped page plus one interior entry per
 * 512 pages; a scattered address space costs a node per touched 2 MiB region.
 *
 * <p>Owned by one actor, not thread-safe.
 */
public final class RadixPageTable {

    public static final int LEVELS = 4;
    public static final int BITS_PER_LEVEL = 9;
    public static final int ENTRIES = 1 << BITS_PER_LEVEL;
    public static final int VPN_BITS = Ops.VPN_BITS;
    public static final long MAX_VPN = Ops.MAX_VPN;
    public static final int NOT_PRESENT = -1;

    private int[] arena;
    private int nodes;
    private int mapped;

    public RadixPageTable() {
        this.arena = new int[ENTRIES * 4];
        this.nodes = 1;
    }

    public static boolean isValidVpn(long vpn) {
        return vpn >= 0 && vpn <= MAX_VPN;
    }

    /** The value mapped at {@code vpn}, or {@link #NOT_PRESENT}. */
    public int get(long vpn) {
        int[] a = arena;
        int node = a[(int) ((vpn >>> 27) & 511)];
        if (node == 0) {
            return NOT_PRESENT;
        }
        node = a[node * ENTRIES + (int) ((vpn >>> 18) & 511)];
        if (node == 0) {
            return NOT_PRESENT;
        }
        node = a[node * ENTRIES + (int) ((vpn >>> 9) & 511)];
        if (node == 0) {
            return NOT_PRESENT;
        }
        return a[node * ENTRIES + (int) (vpn & 511)] - 1;
    }

    /** Maps {@code vpn} to {@code value} (>= 0); returns the previous value or {@link #NOT_PRESENT}. */
    public int set(long vpn, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("value must be >= 0: " + value);
        }
        int node = 0;
        for (int shift = 27; shift > 0; shift -= BITS_PER_LEVEL) {
            int slot = node * ENTRIES + (int) ((vpn >>> shift) & 511);
            int child = arena[slot];
            if (child == 0) {
                child = newNode();
                arena[slot] = child;
            }
            node = child;
        }
        int leaf = node * ENTRIES + (int) (vpn & 511);
        int previous = arena[leaf] - 1;
        arena[leaf] = value + 1;
        if (previous == NOT_PRESENT) {
            mapped++;
        }
        return previous;
    }

    /** Removes the mapping of {@code vpn}; returns the previous value or {@link #NOT_PRESENT}. */
    public int clear(long vpn) {
        int node = 0;
        for (int shift = 27; shift > 0; shift -= BITS_PER_LEVEL) {
            node = arena[node * ENTRIES + (int) ((vpn >>> shift) & 511)];
            if (node == 0) {
                return NOT_PRESENT;
            }
        }
        int leaf = node * ENTRIES + (int) (vpn & 511);
        int previous = arena[leaf] - 1;
        if (previous != NOT_PRESENT) {
            arena[leaf] = 0;
            mapped--;
        }
        return previous;
    }

    /** Number of present leaf entries. */
    public int mappedCount() {
        return mapped;
    }

    /** Number of 512-entry nodes allocated, the root included. */
    public int nodeCount() {
        return nodes;
    }

    /** Bytes of table memory: 4 bytes per entry of every allocated node. */
    public long bytes() {
        return (long) arena.length * Integer.BYTES;
    }

    /** Calls {@code visitor} for every present entry, in ascending VPN order. */
    public void forEach(VpnIntConsumer visitor) {
        visit(0, 0, 0L, visitor);
    }

    private void visit(int node, int level, long prefix, VpnIntConsumer visitor) {
        int base = node * ENTRIES;
        for (int i = 0; i < ENTRIES; i++) {
            int e = arena[base + i];
            if (e == 0) {
                continue;
            }
            long vpn = (prefix << BITS_PER_LEVEL) | i;
            if (level == LEVELS - 1) {
                visitor.accept(vpn, e - 1);
            } else {
                visit(e, level + 1, vpn, visitor);
            }
        }
    }

    private int newNode() {
        int index = nodes++;
        int needed = (index + 1) * ENTRIES;
        if (needed > arena.length) {
            arena = Arrays.copyOf(arena, Math.max(needed, arena.length * 2));
        }
        return index;
    }

    /** Receives (vpn, value) pairs without boxing. */
    @FunctionalInterface
    public interface VpnIntConsumer {
        void accept(long vpn, int value);
    }
}
