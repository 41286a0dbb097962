package ballast.host.sharing;

import java.util.Arrays;

/**
 * The page-sharing daemon's index: content hash -> either a shared frame (its MPN) or a hint (a
 * page that was unique when scanned, named by a host-wide page id), at most one entry per hash.
 * ESX keeps the same two kinds of entries in one global table (shared frame: hash, MPN,
 * refcount; hint: hash, VM, PPN); KSM keeps them in its stable and unstable trees.
 *
 * <p>Layout: open addressing with linear probing over two parallel primitive arrays, {@code long}
 * keys (the hash) and {@code int} values ({@code page + 1} for a hint, {@code -(mpn + 1)} for a
 * shared frame, 0 for an empty slot), so a slot is 12 bytes and there is no object per entry.
 * The home slot is a multiply-shift range reduction of the mixed hash, so the capacity need not
 * be a power of two: the table grows by half when it is 80% full and so stays between 53% and 80%
 * full once past its initial size, which bounds it to at most 22.5 bytes per entry. (A fastutil
 * {@code Long2IntOpenHashMap} has the same 12-byte slots, but its power-of-two capacity at load
 * factor 0.75 means up to 32 bytes per entry right after it doubles: over the 32-byte budget per
 * page once the daemon's 9 bytes of per-page state are added.) Removal shifts the
 * following entries back (no tombstones), so lookups never slow down with churn.
 *
 * <p>Owned by one daemon, not thread-safe.
 */
public final class SharingIndex {
    /** The value of an absent entry. */
    public static final int ABSENT = 0;
    private static final int MIN_CAPACITY = 16;
    private static final double MAX_LOAD = 0.8;

    private long[] keys;
    private int[] values;
    private int capacity;
    private int size;
    private int hints;
    private int growAt;

    /** @param expectedEntries entries to make room for without growing */
    public SharingIndex(int expectedEntries) {
        allocate(Math.max(MIN_CAPACITY, (int) Math.min(Integer.MAX_VALUE - 8, (long) Math.ceil(expectedEntries / MAX_LOAD))));
    }

    public static int hint(int page) {
        return page + 1;
    }

    public static int shared(int mpn) {
        return -(mpn + 1);
    }

    public static boolean isHint(int value) {
        return value > 0;
    }

    public static boolean isShared(int value) {
        return value < 0;
    }

    /** The page id of a hint value. */
    public static int pageOf(int value) {
        return value - 1;
    }

    /** The MPN of a shared-frame value. */
    public static int mpnOf(int value) {
        return -value - 1;
    }

    private void allocate(int newCapacity) {
        capacity = newCapacity;
        keys = new long[newCapacity];
        values = new int[newCapacity];
        growAt = (int) Math.min(newCapacity - 1L, (long) (newCapacity * MAX_LOAD));
    }

    private int home(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return (int) (((h >>> 32) * capacity) >>> 32);
    }

    private int slotOf(long key) {
        int s = home(key);
        while (true) {
            int v = values[s];
            if (v == ABSENT || keys[s] == key) {
                return s;
            }
            if (++s == capacity) {
                s = 0;
            }
        }
    }

    /**
     * Reads the home slots of {@code hashes[from .. to - 1]} without changing anything, so that the
     * lookups that follow, one per hash in between other work, find them in the cache: in this
     * tight loop the cache misses of a batch overlap, where each lookup alone would wait for its own.
     */
    public void warm(long[] hashes, int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i++) {
            int s = home(hashes[i]);
            sum += keys[s] + values[s];
        }
        warmed = sum;
    }

    /** What {@link #warm} read, kept so that its reads are not optimised away. */
    private long warmed;

    /** The value for {@code hash}, or {@link #ABSENT}. */
    public int get(long hash) {
        return values[slotOf(hash)];
    }

    /** Sets the value for {@code hash} (non-zero); returns the previous one or {@link #ABSENT}. */
    public int put(long hash, int value) {
        if (value == ABSENT) {
            throw new IllegalArgumentException("0 is not a value");
        }
        int s = slotOf(hash);
        int previous = values[s];
        if (previous == ABSENT) {
            if (size + 1 > growAt) {
                grow();
                s = slotOf(hash);
            }
            keys[s] = hash;
            size++;
        } else if (isHint(previous)) {
            hints--;
        }
        values[s] = value;
        if (isHint(value)) {
            hints++;
        }
        return previous;
    }

    /** Removes {@code hash}'s entry if its value is {@code expected}; returns whether it did. */
    public boolean remove(long hash, int expected) {
        int s = slotOf(hash);
        if (values[s] == ABSENT || values[s] != expected) {
            return false;
        }
        removeAt(s);
        return true;
    }

    /** Removes {@code hash}'s entry; returns its value or {@link #ABSENT}. */
    public int remove(long hash) {
        int s = slotOf(hash);
        int previous = values[s];
        if (previous != ABSENT) {
            removeAt(s);
        }
        return previous;
    }

    private void removeAt(int slot) {
        if (isHint(values[slot])) {
            hints--;
        }
        size--;
        int hole = slot;
        int j = slot;
        while (true) {
            if (++j == capacity) {
                j = 0;
            }
            if (values[j] == ABSENT) {
                break;
            }
            int k = home(keys[j]);
            // Move j back into the hole unless its home lies cyclically in (hole, j].
            boolean stays = hole <= j ? hole < k && k <= j : hole < k || k <= j;
            if (!stays) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = ABSENT;
        keys[hole] = 0;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        allocate((int) Math.min(Integer.MAX_VALUE - 8, capacity + (long) capacity / 2 + 1));
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != ABSENT) {
                int s = slotOf(oldKeys[i]);
                keys[s] = oldKeys[i];
                values[s] = oldValues[i];
            }
        }
    }

    /** Entries (hints and shared frames). */
    public int size() {
        return size;
    }

    /** Hint entries. */
    public int hints() {
        return hints;
    }

    /** Shared-frame entries. */
    public int sharedEntries() {
        return size - hints;
    }

    public int capacity() {
        return capacity;
    }

    /** Bytes of the table's arrays. */
    public long bytes() {
        return (long) capacity * (Long.BYTES + Integer.BYTES);
    }

    /** Calls {@code visitor} with every (hash, value) entry, in slot order. */
    public void forEach(EntryConsumer visitor) {
        for (int s = 0; s < capacity; s++) {
            if (values[s] != ABSENT) {
                visitor.accept(keys[s], values[s]);
            }
        }
    }

    /** Receives index entries without boxing. */
    @FunctionalInterface
    public interface EntryConsumer {
        void accept(long hash, int value);
    }

    /** Drops every entry. */
    public void clear() {
        Arrays.fill(values, ABSENT);
        Arrays.fill(keys, 0L);
        size = 0;
        hints = 0;
    }
}
