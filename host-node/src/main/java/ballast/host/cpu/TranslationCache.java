package ballast.host.cpu;

import java.util.Arrays;

/**
 * A guest's translation cache: which of its OS's sensitive code blocks are held translated, with
 * CLOCK (second-chance) replacement over primitive arrays. A lookup of a cached block is a hit and
 * sets its reference bit; a miss translates the block into a free slot or, when full, into the slot
 * of the first block the clock hand finds unreferenced (clearing reference bits as it passes).
 * Cost: O(1) per hit, amortised O(1) per miss; memory: two ints and a boolean per slot, one int per
 * block.
 *
 * <p>Owned by one guest's {@link CpuAccount}, not thread-safe.
 */
public final class TranslationCache {
    private static final int EMPTY = -1;

    private final int[] blockInSlot;
    private final boolean[] referenced;
    private final int[] slotOfBlock;
    private int used;
    private int hand;
    private long hits;
    private long misses;
    private long evictions;

    /**
     * @param capacity blocks the cache holds, at least 1
     * @param blocks   distinct blocks that may be looked up (ids 0 .. blocks - 1)
     */
    public TranslationCache(int capacity, int blocks) {
        if (capacity < 1) {
            throw new IllegalArgumentException("translation cache of " + capacity + " blocks");
        }
        // No more slots than blocks can ever fill.
        int slots = Math.max(1, Math.min(capacity, blocks));
        this.blockInSlot = new int[slots];
        this.referenced = new boolean[slots];
        this.slotOfBlock = new int[blocks];
        Arrays.fill(blockInSlot, EMPTY);
        Arrays.fill(slotOfBlock, EMPTY);
    }

    /** Looks up {@code block}; on a miss translates it (evicting if full). Returns whether it hit. */
    public boolean lookup(int block) {
        int slot = slotOfBlock[block];
        if (slot != EMPTY) {
            referenced[slot] = true;
            hits++;
            return true;
        }
        misses++;
        if (used < blockInSlot.length) {
            slot = used++;
        } else {
            while (referenced[hand]) {
                referenced[hand] = false;
                hand = hand + 1 == blockInSlot.length ? 0 : hand + 1;
            }
            slot = hand;
            slotOfBlock[blockInSlot[slot]] = EMPTY;
            evictions++;
            hand = hand + 1 == blockInSlot.length ? 0 : hand + 1;
        }
        blockInSlot[slot] = block;
        slotOfBlock[block] = slot;
        referenced[slot] = true;
        return false;
    }

    /** Counts {@code runs} more runs of a block that is cached (repeat runs within one tick). */
    public void hits(long runs) {
        hits += runs;
    }

    public boolean contains(int block) {
        return slotOfBlock[block] != EMPTY;
    }

    /** Blocks held now. */
    public int size() {
        return used;
    }

    public long hitCount() {
        return hits;
    }

    /** Misses, each of which translated a block. */
    public long missCount() {
        return misses;
    }

    public long evictionCount() {
        return evictions;
    }
}
