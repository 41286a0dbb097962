package ballast.guest.os;

import ballast.abi.MemoryHotplug;
import java.util.ArrayList;
import java.util.List;

/**
 * The guest's driver of its memory hotplug device, after Linux's {@code drivers/virtio/virtio_mem.c}
 * (Hildenbrand and Schulz, "virtio-mem: Paravirtualized Memory Hot(Un)Plug", VEE 2021). The guest's
 * memory is the device's range, cut into blocks; a block is plugged (its PPNs are the allocator's),
 * unplugged (never handed out), or on its way between the two while a request is out.
 *
 * <p>Each tick the driver moves toward the size the hypervisor requests (read from the tick start;
 * it takes effect at the next tick the guest generates), at most {@code blocksPerTick} blocks a tick:
 * <ul>
 *   <li><b>Plug</b>: the lowest unplugged blocks, in one {@code MemoryHotplug} request. Their PPNs
 *       join the free list only once the hypervisor accepted the request (the tick's answer, applied
 *       two ticks on, whatever the guest's work-ahead: its work never depends on when an answer
 *       arrived); nothing backs them until touched.</li>
 *   <li><b>Unplug</b>: blocks with no page in the balloon, the wholly free ones first, then the
 *       others, the highest first (as Linux's driver prefers). A chosen block's free PPNs leave the
 *       free list; each page in use is migrated to a free PPN outside the block
 *       ({@link TickBuilder#migrate}: read, remapped, written). When no free PPN is left, the block is
 *       given up for this tick (it goes online again, counted in {@link #unplugBusy}), as Linux's
 *       offlining can fail. The emptied blocks go in one request; once accepted they are unplugged,
 *       and if refused they go online again.</li>
 * </ul>
 *
 * <p>State: a byte per block; no object per page. Owned by one {@link GuestOs}; not thread-safe.
 */
final class HotplugDriver {
    static final byte PLUGGED = 0;
    static final byte UNPLUGGED = 1;
    static final byte PLUGGING = 2;
    static final byte UNPLUGGING = 3;

    private final int blockPages;
    private final int blocksPerTick;
    private final byte[] state;
    private long requestedPages;
    /** Requested sizes read from tick starts, each with the first tick it applies to, oldest first. */
    private final java.util.ArrayDeque<long[]> pending = new java.util.ArrayDeque<>(2);
    /** The requests sent in each unverified tick, and the hypervisor's answer (refused bits), by tick parity. */
    @SuppressWarnings("unchecked")
    private final List<MemoryHotplug>[] sent = new List[2];
    private final long[] refused = new long[2];
    private final boolean[] answered = new boolean[2];
    private int pluggedBlocks;
    private long blocksPlugged;
    private long blocksUnplugged;
    private long unplugBusy;
    private long pagesMigrated;

    HotplugDriver(int configuredPages, int blockPages, int pluggedPages, int blocksPerTick) {
        if (blockPages < 1 || Integer.bitCount(blockPages) != 1 || configuredPages % blockPages != 0
                || pluggedPages % blockPages != 0 || pluggedPages > configuredPages || blocksPerTick < 1) {
            throw new IllegalArgumentException("hotplug block of " + blockPages + " pages, plugged " + pluggedPages
                    + " of " + configuredPages + " pages, " + blocksPerTick + " blocks a tick");
        }
        this.blockPages = blockPages;
        this.blocksPerTick = Math.min(blocksPerTick, MemoryHotplug.MAX_BLOCKS);
        this.state = new byte[configuredPages / blockPages];
        this.pluggedBlocks = pluggedPages / blockPages;
        for (int b = pluggedBlocks; b < state.length; b++) {
            state[b] = UNPLUGGED;
        }
        this.requestedPages = pluggedPages;
    }

    /** The hypervisor requests {@code pages} (a tick start's), for the ticks the guest generates from {@code fromTick} on. */
    void request(long pages, long fromTick) {
        if (pages < 0) {
            return;
        }
        pending.addLast(new long[] {fromTick, pages});
    }

    /** The hypervisor's answer to tick {@code tick}: which of its requests were refused. */
    void answered(long tick, long refusedBits) {
        int slot = (int) (tick & 1);
        refused[slot] = refusedBits;
        answered[slot] = true;
    }

    /**
     * Tick {@code tick}'s hotplug work, after the balloon's orders and before the workload: settles
     * the answer to tick {@code tick - 2}, then plugs or unplugs toward the requested size; returns
     * the tick's requests (empty when none).
     */
    List<MemoryHotplug> tick(long tick, ClockPager pager, TickBuilder builder, PageTable pages) {
        settle(tick, pager);
        while (!pending.isEmpty() && pending.peekFirst()[0] <= tick) {
            requestedPages = pending.pollFirst()[1];
        }
        long target = Math.min(requestedPages / blockPages, state.length);
        int counted = 0;
        for (byte s : state) {
            if (s == PLUGGED || s == PLUGGING) {
                counted++;
            }
        }
        List<MemoryHotplug> out = List.of();
        if (counted < target) {
            out = plug((int) Math.min(blocksPerTick, target - counted));
        } else if (counted > target) {
            out = unplug((int) Math.min(blocksPerTick, counted - target), pager, builder);
        }
        sent[(int) (tick & 1)] = out;
        return out;
    }

    /** The answer to the requests of two ticks ago: accepted plugs go online, accepted unplugs are gone, refused ones revert. */
    private void settle(long tick, ClockPager pager) {
        int slot = (int) (tick & 1);
        List<MemoryHotplug> mine = sent[slot];
        sent[slot] = null;
        if (mine == null || mine.isEmpty()) {
            answered[slot] = false;
            return;
        }
        if (!answered[slot]) {
            refused[slot] = -1L; // no answer (the tick's work was refused whole): nothing of it was applied
        }
        answered[slot] = false;
        for (int i = 0; i < mine.size(); i++) {
            MemoryHotplug r = mine.get(i);
            boolean ok = (refused[slot] & (1L << i)) == 0;
            for (int first : r.blocks()) {
                int b = first / blockPages;
                if (r.plug()) {
                    if (ok) {
                        pager.online(first, blockPages);
                        state[b] = PLUGGED;
                        pluggedBlocks++;
                        blocksPlugged++;
                    } else {
                        state[b] = UNPLUGGED;
                    }
                } else if (ok) {
                    state[b] = UNPLUGGED;
                    blocksUnplugged++;
                } else {
                    pager.backOnline(first, blockPages);
                    state[b] = PLUGGED;
                    pluggedBlocks++;
                }
            }
        }
    }

    private List<MemoryHotplug> plug(int n) {
        int[] firsts = new int[n];
        int k = 0;
        for (int b = 0; b < state.length && k < n; b++) {
            if (state[b] == UNPLUGGED) {
                state[b] = PLUGGING;
                firsts[k++] = b * blockPages;
            }
        }
        return k == 0 ? List.of() : List.of(new MemoryHotplug(true, blockPages, java.util.Arrays.copyOf(firsts, k)));
    }

    /**
     * Picks up to {@code n} plugged blocks holding no ballooned page (wholly free ones first, then
     * the others, the highest first), takes them offline and migrates their pages out; the blocks
     * emptied go in one unplug request.
     */
    private List<MemoryHotplug> unplug(int n, ClockPager pager, TickBuilder builder) {
        pager.pressure();
        int[] chosen = new int[n];
        int k = 0;
        boolean anyBallooned = false;
        for (int pass = 0; pass < 2 && k < n; pass++) {
            for (int b = state.length - 1; b >= 0 && k < n; b--) {
                if (state[b] != PLUGGED) {
                    continue;
                }
                int used = 0;
                boolean ballooned = false;
                int first = b * blockPages;
                for (int ppn = first; ppn < first + blockPages; ppn++) {
                    int page = pager.pageOf(ppn);
                    if (page == ClockPager.BALLOONED) {
                        ballooned = true;
                        break;
                    }
                    if (page >= 0) {
                        used++;
                    }
                }
                anyBallooned |= ballooned;
                if (!ballooned && (pass == 0) == (used == 0)) {
                    chosen[k++] = first;
                }
            }
        }
        if (k < n && anyBallooned) {
            unplugBusy++; // a block the balloon holds pages of cannot be emptied
        }
        if (k == 0) {
            return List.of();
        }
        for (int i = 0; i < k; i++) {
            state[chosen[i] / blockPages] = UNPLUGGING;
            pluggedBlocks--;
        }
        pager.takeOffline(chosen, k, blockPages);
        int[] emptied = new int[k];
        int e = 0;
        for (int i = 0; i < k; i++) {
            int first = chosen[i];
            boolean busy = false;
            for (int ppn = first; ppn < first + blockPages; ppn++) {
                int page = pager.pageOf(ppn);
                if (page < 0) {
                    continue;
                }
                if (pager.freePages() == 0) {
                    busy = true;
                    break;
                }
                int to = pager.popFree();
                builder.migrate(page, to);
                pager.vacated(ppn);
                pagesMigrated++;
            }
            if (busy) {
                pager.backOnline(first, blockPages);
                state[first / blockPages] = PLUGGED;
                pluggedBlocks++;
                unplugBusy++;
            } else {
                emptied[e++] = first;
            }
        }
        return e == 0 ? List.of() : List.of(new MemoryHotplug(false, blockPages, java.util.Arrays.copyOf(emptied, e)));
    }

    int blockPages() {
        return blockPages;
    }

    /** Pages in plugged blocks now (usable by the guest). */
    long pluggedPages() {
        return (long) pluggedBlocks * blockPages;
    }

    /** The size the driver is moving toward. */
    long requestedPages() {
        return requestedPages;
    }

    /** The state of block {@code b}. */
    byte state(int b) {
        return state[b];
    }

    int blocks() {
        return state.length;
    }

    long blocksPlugged() {
        return blocksPlugged;
    }

    long blocksUnplugged() {
        return blocksUnplugged;
    }

    /** Unplug attempts that failed: a block given up for lack of free PPNs to move its pages to, or blocked by the balloon. */
    long unplugBusy() {
        return unplugBusy;
    }

    long pagesMigrated() {
        return pagesMigrated;
    }
}
