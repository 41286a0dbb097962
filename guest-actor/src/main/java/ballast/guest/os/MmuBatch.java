package ballast.guest.os;

import ballast.abi.MmuUpdate;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A para-virtual guest's page-table writes: the tick's {@code mmu_update} entries (key, MPN from
 * the guest's p2m, PPN; {@link MmuUpdate#CLEAR} to unmap), gathered in order and split into
 * hypercalls of at most the host's batch size, as Xen's {@code HYPERVISOR_mmu_update} takes them.
 *
 * <p>It also keeps the guest's p2m current from the hypervisor's remap notices (page sharing
 * moves its PPNs between frames; a deflated balloon page comes back on a new frame), and re-issues
 * refused entries: should a batch be refused as naming a frame that no longer backs its PPN
 * ({@link RefusalReason#FRAME_NOT_OWNED}), the pages of that batch are queued and mapped again
 * from the updated p2m in the work of tick {@code m + remapLag} or later (m: the refused tick).
 * The pages of each unverified tick's entries are kept by the tick's parity for that.
 *
 * <p>Owned by one {@link GuestOs}, not thread-safe.
 */
final class MmuBatch {
    private static final int[] NO_PAGES = new int[0];

    private final LongArrayList keys = new LongArrayList();
    private final IntArrayList mpns = new IntArrayList();
    private final IntArrayList ppns = new IntArrayList();
    private final IntArrayList pages = new IntArrayList();
    private int[] p2m = new int[0];
    /** By tick parity: the pages of that tick's entries, in order, and the batch size they were split by. */
    private final int[][] tickPages = {NO_PAGES, NO_PAGES};
    private final int[] tickBatch = {1, 1};
    /** Pages whose mmu_update was refused, to map again (and rewrite), with the tick of the refusal. */
    private final IntArrayList remapPages = new IntArrayList(0);
    private final LongArrayList remapTicks = new LongArrayList(0);
    /** A refusal in the result of tick m is acted on in the work of tick m + remapLag or later. */
    private int remapLag = 1;

    /** The guest's machine frames, from its boot reply. */
    void booted(int[] p2m) {
        this.p2m = p2m;
    }

    /** The hypervisor moved these PPNs to these MPNs: update the p2m. */
    void remapped(int[] ppnList, int[] mpnList) {
        int n = Math.min(ppnList.length, mpnList.length);
        for (int i = 0; i < n; i++) {
            if (ppnList[i] >= 0 && ppnList[i] < p2m.length) {
                p2m[ppnList[i]] = mpnList[i];
            }
        }
    }

    void setRemapLag(int ticks) {
        if (ticks < 1) {
            throw new IllegalArgumentException("remap lag " + ticks);
        }
        this.remapLag = ticks;
    }

    /** Starts a new tick's entries. */
    void clear() {
        keys.clear();
        mpns.clear();
        ppns.clear();
        pages.clear();
    }

    /** Maps {@code page} (at {@code key}) to {@code ppn}'s frame. */
    void map(long key, int ppn, int page) {
        add(key, p2m[ppn], ppn, page);
    }

    /** Clears {@code page}'s entry (paged out). */
    void unmap(long key, int page) {
        add(key, MmuUpdate.CLEAR, -1, page);
    }

    private void add(long key, int mpn, int ppn, int page) {
        keys.add(key);
        mpns.add(mpn);
        ppns.add(ppn);
        pages.add(page);
    }

    /**
     * The pages due to be mapped again in tick {@code tick}'s work, taken off the queue in order
     * (the caller re-issues each: {@link #map}, or {@link #unmap} for a page paged out since).
     */
    int[] takeDue(long tick) {
        if (remapPages.isEmpty()) {
            return NO_PAGES;
        }
        IntArrayList due = new IntArrayList();
        int kept = 0;
        for (int i = 0; i < remapPages.size(); i++) {
            int page = remapPages.getInt(i);
            if (remapTicks.getLong(i) > tick - remapLag) {
                remapPages.set(kept, page);
                remapTicks.set(kept++, remapTicks.getLong(i));
            } else {
                due.add(page);
            }
        }
        remapPages.size(kept);
        remapTicks.size(kept);
        return due.toIntArray();
    }

    /** Ends tick {@code tick}'s entries: remembers their pages, and splits them into batches of at most {@code max}. */
    List<MmuUpdate> seal(long tick, int max) {
        int slot = (int) (tick & 1);
        tickPages[slot] = pages.toIntArray();
        tickBatch[slot] = Math.max(1, max);
        if (keys.isEmpty()) {
            return List.of();
        }
        return split(keys.toLongArray(), mpns.toIntArray(), ppns.toIntArray(), max);
    }

    /** Queues the pages of tick {@code tick}'s batches refused as stale, and forgets that tick's pages. */
    void refused(long tick, List<Refusal> refusals) {
        int slot = (int) (tick & 1);
        int[] sent = tickPages[slot];
        int batch = tickBatch[slot];
        for (Refusal r : refusals) {
            if (r.reason() == RefusalReason.FRAME_NOT_OWNED && r.index() >= 0) {
                int from = r.index() * batch;
                for (int i = from; i < Math.min(sent.length, from + batch); i++) {
                    remapPages.add(sent[i]);
                    remapTicks.add(tick);
                }
            }
        }
        tickPages[slot] = NO_PAGES;
    }

    static List<MmuUpdate> split(long[] keys, int[] mpns, int[] ppns, int max) {
        if (keys.length <= max) {
            return List.of(new MmuUpdate(keys, mpns, ppns));
        }
        MmuUpdate[] batches = new MmuUpdate[(keys.length + max - 1) / max];
        for (int b = 0; b < batches.length; b++) {
            int from = b * max;
            int to = Math.min(keys.length, from + max);
            batches[b] = new MmuUpdate(Arrays.copyOfRange(keys, from, to), Arrays.copyOfRange(mpns, from, to),
                    Arrays.copyOfRange(ppns, from, to));
        }
        return List.of(batches);
    }

    int[] remapPagesCopy() {
        return remapPages.toIntArray();
    }

    long[] remapTicksCopy() {
        return remapTicks.toLongArray();
    }

    void restore(int[] pageList, long[] tickList) {
        remapPages.clear();
        remapPages.addElements(0, pageList);
        remapTicks.clear();
        remapTicks.addElements(0, tickList);
    }
}
