package ballast.host.migration;

import ballast.host.GuestSpec;
import ballast.host.HypervisorCore;
import ballast.host.reclaim.Reclamation;
import ballast.host.translation.GuestMemory;
import ballast.host.translation.WriteLog;
import ballast.abi.TranslationMode;
import ballast.host.memory.FramePool;
import ballast.host.memory.HostSwap;
import ballast.host.memory.Pmap;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;

/**
 * The memory side of pre-copy live migration (Clark et al., NSDI 2005; Xen's save and restore),
 * on one host's {@link HypervisorCore}, as plain steps:
 *
 * <ol>
 *   <li>source: <b>track</b> the guest's writes: a dirty log with one bit per PPN, and every TLB entry
 *       read-only until the page's first write of the round (so the hot path pays nothing);</li>
 *   <li>source: <b>take a round</b>: every PPN that is not unbacked the first time, then the PPNs
 *       written or ballooned or taken out of the balloon since the last round (the log is cleared and
 *       the TLB write-protected again); <b>read</b> them as a batch ({@link Pages}): a page with a
 *       frame or in host swap goes as its content (a shared page like any other; a swapped page's
 *       content is read from the swap, as a real hypervisor pages it in to send it), a ballooned PPN
 *       as a mark with no content (Xen sends such a PFN with the type XTAB), and a PPN that has lost
 *       its frame since an earlier round (deflated) as unbacked;</li>
 *   <li>destination: <b>admit</b> the guest under a new index and <b>receive</b> pages into fresh
 *       frames of its own (a page sent again overwrites its frame), ballooned PPNs into its balloon,
 *       and unbacked PPNs without a frame;</li>
 *   <li>source, at stop-and-copy: the last round, then the guest's page tables as (key, PPN) pairs
 *       (Xen canonicalises machine frames to PPNs the same way), then <b>depart</b>: everything it held
 *       is released;</li>
 *   <li>destination: <b>install</b> the page tables (a para-virtual guest's entries are rewritten to its
 *       new frames, which it learns from its boot reply), and share pages again where a shared frame
 *       with the same content is already here (zero pages into the zero frame).</li>
 * </ol>
 *
 * <p>Shadow tables and TLB entries are the hypervisor's own caches and do not travel: they are
 * rebuilt on the destination by hidden faults. Reclamation state arrives as the source left it: the
 * same PPNs in the balloon; pages the source had swapped arrive in frames (the destination's own
 * reclamation decides what to take from them); the working-set estimate moves with the guest
 * ({@link #workingSet}, {@link #install}).
 *
 * <p>Not thread-safe: used by the actor that owns the core.
 */
public final class GuestTransfer {
    private GuestTransfer() {
    }

    /** Starts tracking the guest's writes (a fresh, empty log; the TLB write-protected). */
    public static void track(HypervisorCore core, int index) {
        GuestMemory g = core.guest(index);
        g.startWriteLog();
    }

    /** Stops tracking the guest's writes (its migration was given up); its TLB is write-protected no more. */
    public static void untrack(HypervisorCore core, int index) {
        GuestMemory g = core.guest(index);
        g.stopWriteLog();
    }

    /**
     * Destination: a guest on its way in is given up (its migration failed before the install):
     * every frame it was given goes back; it no longer counts as the host's. Returns the pages released.
     */
    public static int abandon(HypervisorCore core, int index) {
        GuestMemory g = core.guest(index);
        int released = core.releaseGuest(index);
        g.markDeparted();
        return released;
    }

    /** Whether the guest's writes are tracked. */
    public static boolean tracked(HypervisorCore core, int index) {
        return core.isGuest(index) && core.guest(index).writeLog() != null;
    }

    /**
     * Pages the next round would send with their content: PPNs marked in the log since it was last
     * taken that have a frame or are in host swap. PPNs that only moved into or out of the balloon
     * travel as marks, which cost the link nothing, and are not counted (a balloon that keeps
     * moving does not keep pre-copy from converging).
     */
    public static int dirtyPages(HypervisorCore core, int index) {
        GuestMemory g = core.guest(index);
        WriteLog log = g.writeLog();
        int n = 0;
        for (int ppn = log.next(0); ppn >= 0; ppn = log.next(ppn + 1)) {
            byte state = g.pmap().state(ppn);
            if (state != Pmap.BALLOONED && state != Pmap.UNBACKED) {
                n++;
            }
        }
        return n;
    }

    /**
     * The PPNs of one round, ascending: every PPN that is not unbacked when {@code all} (backed,
     * shared, in host swap or ballooned), else every PPN marked in the log since the last round
     * (written, or moved into or out of the balloon). Clears the log and write-protects the TLB again.
     */
    public static int[] takeRound(HypervisorCore core, int index, boolean all) {
        GuestMemory g = core.guest(index);
        WriteLog log = g.writeLog();
        IntArrayList ppns = new IntArrayList();
        for (int ppn = 0; ppn < g.pmap().pages(); ppn++) {
            boolean wanted = all ? g.pmap().state(ppn) != Pmap.UNBACKED : log.logged(ppn);
            if (wanted) {
                ppns.add(ppn);
            }
        }
        g.clearWriteLog();
        return ppns.toIntArray();
    }

    /**
     * One batch of a round: {@code ppns} with their content {@code tokens} (pages with a frame or in
     * host swap), the PPNs that are in the balloon, and the PPNs that have no frame.
     */
    public record Pages(int[] ppns, long[] tokens, int[] ballooned, int[] unbacked) {
        static final int[] NONE = new int[0];

        /** Pages with content only (every PPN gets a frame at the destination). */
        public static Pages of(int[] ppns, long[] tokens) {
            return new Pages(ppns, tokens, NONE, NONE);
        }

        public int count() {
            return ppns.length + ballooned.length + unbacked.length;
        }
    }

    /** Reads {@code ppns} as they stand now: each as content, as ballooned, or as unbacked (see {@link Pages}). */
    public static Pages read(HypervisorCore core, int index, int[] ppns) {
        GuestMemory g = core.guest(index);
        core.time().hypervisorWork((long) ppns.length * core.settings().time().hypervisor().migrationPage());
        IntArrayList pages = new IntArrayList(ppns.length);
        LongArrayList tokens = new LongArrayList(ppns.length);
        IntArrayList ballooned = new IntArrayList(0);
        IntArrayList unbacked = new IntArrayList(0);
        for (int ppn : ppns) {
            byte state = g.pmap().state(ppn);
            if (state == Pmap.BALLOONED) {
                ballooned.add(ppn);
            } else if (state == Pmap.SWAPPED) {
                pages.add(ppn);
                tokens.add(g.paging().swappedToken(ppn));
            } else if (state == Pmap.UNBACKED) {
                unbacked.add(ppn);
            } else {
                pages.add(ppn);
                tokens.add(core.frames().token(g.pmap().mpn(ppn)));
            }
        }
        return new Pages(pages.toIntArray(), tokens.toLongArray(), ballooned.toIntArray(), unbacked.toIntArray());
    }

    /**
     * The guest's page tables as (key, PPN) pairs, in table order: the guest's own VPN -> PPN
     * tables, or for a para-virtual guest its validated entries with their frames turned back into PPNs.
     */
    public static PageTables tables(HypervisorCore core, int index) {
        GuestMemory g = core.guest(index);
        LongArrayList keys = new LongArrayList();
        IntArrayList ppns = new IntArrayList();
        g.collectMappings(keys, ppns);
        return new PageTables(keys.toLongArray(), ppns.toIntArray());
    }

    /** The guest's working-set averages, which travel with it (see {@link #install}). */
    public static ballast.host.reclaim.WorkingSetEstimator.Averages workingSet(HypervisorCore core, int index) {
        return core.guest(index).estimator().averages();
    }

    /** Page-table entries as parallel arrays. */
    public record PageTables(long[] keys, int[] ppns) {
    }

    /** The guest left: releases everything it held; it no longer counts as the host's. */
    public static int depart(HypervisorCore core, int index) {
        GuestMemory g = core.guest(index);
        g.dropWriteLog();
        int released = core.releaseGuest(index);
        g.markDeparted();
        return released;
    }

    /** Destination: a guest on its way in gets the next index (see {@link HypervisorCore#admit}). */
    public static int admit(HypervisorCore core, GuestSpec spec) {
        return core.admit(spec);
    }

    /**
     * Destination: a batch arrives. Each page gets a private frame (its own, if it already has one
     * from an earlier round) holding its token; each ballooned PPN goes into the balloon (its frame,
     * if an earlier round gave it one, is freed); each unbacked PPN loses its frame or leaves the
     * balloon. Returns null, or why the batch could not be taken (malformed, or the host ran out of
     * frames: nothing of this batch is changed then).
     */
    public static String receive(HypervisorCore core, int index, Pages batch) {
        GuestMemory g = core.guest(index);
        if (!g.incoming()) {
            return g.spec().name() + " is not arriving on " + core.settings().name();
        }
        if (batch == null || batch.ppns() == null || batch.tokens() == null || batch.ballooned() == null
                || batch.unbacked() == null || batch.ppns().length != batch.tokens().length) {
            return "malformed page batch";
        }
        int needed = 0;
        for (int[] list : new int[][] {batch.ppns(), batch.ballooned(), batch.unbacked()}) {
            for (int ppn : list) {
                if (!g.pmap().isValidPpn(ppn)) {
                    return "PPN " + ppn + " outside 0.." + (g.pmap().pages() - 1);
                }
            }
        }
        for (int ppn : batch.ppns()) {
            if (g.pmap().mpn(ppn) == FramePool.NO_FRAME) {
                needed++;
            }
        }
        int freed = 0;
        for (int[] list : new int[][] {batch.ballooned(), batch.unbacked()}) {
            for (int ppn : list) {
                freed += g.pmap().mpn(ppn) != FramePool.NO_FRAME ? 1 : 0;
            }
        }
        if (needed > core.frames().freeFrames() + freed) {
            makeRoom(core, needed - freed); // a host that reclaims pages its resident guests out for the arrival
        }
        if (needed > core.frames().freeFrames() + freed) {
            return core.settings().name() + " has " + core.frames().freeFrames() + " free frames, " + needed + " needed";
        }
        for (int ppn : batch.ballooned()) {
            if (g.pmap().state(ppn) != Pmap.BALLOONED) {
                g.paging().inflate(ppn);
            }
        }
        for (int ppn : batch.unbacked()) {
            g.paging().dropArriving(ppn);
        }
        for (int i = 0; i < batch.ppns().length; i++) {
            int ppn = batch.ppns()[i];
            if (g.pmap().state(ppn) == Pmap.BALLOONED) {
                g.pmap().unballoon(ppn);
            }
            int mpn = g.backing(ppn);
            core.frames().setToken(mpn, batch.tokens()[i]);
        }
        return null;
    }

    /**
     * Destination, after the last round: installs the guest's page tables and makes it resident
     * (it may boot now). A para-virtual guest has all its PPNs backed first (as at boot), and its
     * entries point to its frames here. With page sharing on, a page whose content a shared frame
     * here already holds is merged into it. The guest's balloon stays as it arrived until this
     * host's next rebalance (its balloon target is what it holds), and its working-set estimator
     * takes over {@code workingSet} (when not null). Returns how many pages were shared again.
     */
    public static int install(HypervisorCore core, int index, long[] keys, int[] ppns,
                              ballast.host.reclaim.WorkingSetEstimator.Averages workingSet) {
        GuestMemory g = core.guest(index);
        if (workingSet != null) {
            g.estimator().takeOver(workingSet);
        }
        boolean para = g.mode() == TranslationMode.PARA;
        if (para) {
            for (int ppn = 0; ppn < g.pmap().pages(); ppn++) {
                if (g.pmap().state(ppn) != Pmap.BALLOONED) {
                    g.backing(ppn);
                }
            }
        }
        for (int i = 0; i < keys.length; i++) {
            g.installMapping(keys[i], ppns[i]);
        }
        g.markResident();
        core.reclamation().installed(index);
        return core.settings().sharing().enabled() ? shareAgain(core, g) : 0;
    }

    /** Merges the guest's private pages into shared frames of the same content already on this host. */
    private static int shareAgain(HypervisorCore core, GuestMemory g) {
        FramePool frames = core.frames();
        Long2IntOpenHashMap sharedByToken = new Long2IntOpenHashMap();
        sharedByToken.defaultReturnValue(FramePool.NO_FRAME);
        for (int mpn = 0; mpn < frames.totalFrames(); mpn++) {
            if (frames.owner(mpn) == FramePool.SHARED) {
                sharedByToken.putIfAbsent(frames.token(mpn), mpn);
            }
        }
        int merged = 0;
        for (int ppn = 0; ppn < g.pmap().pages(); ppn++) {
            int mpn = g.pmap().mpn(ppn);
            if (mpn < 0 || g.pmap().state(ppn) != Pmap.BACKED) {
                continue;
            }
            int target = sharedByToken.get(frames.token(mpn));
            if (target != FramePool.NO_FRAME && core.shared().hashOf(target) == core.hashOfToken(frames.token(mpn))) {
                g.mergeInto(ppn, mpn, target);
                merged++;
            }
        }
        return merged;
    }

    // ---------------------------------------------------------------- the destination's room

    /**
     * Pages arriving need {@code frames} free frames; a host that reclaims memory pages victims
     * out of its resident guests until they are free (as for a fault that finds no free frame), or
     * until nothing more can go. A host that does not reclaim changes nothing.
     */
    static void makeRoom(HypervisorCore core, int frames) {
        while (core.frames().freeFrames() < frames && core.reclamation().freeOne(-1)) {
            // one victim per call
        }
    }

    /** The swap grows by {@code pages} (a swap file for an arriving guest). */
    static void growSwap(HypervisorCore core, long pages) {
        HostSwap swap = core.swap();
        if (pages > 0) {
            swap.setCapacity(swap.capacity() + pages);
        }
    }

    /** A guest left, and the swap gives back {@code pages} (its swap file), as far as the slots in use allow. */
    static void shrinkSwap(HypervisorCore core, long pages) {
        HostSwap swap = core.swap();
        if (pages > 0) {
            swap.setCapacity(Math.max(swap.used(), swap.capacity() - pages));
        }
    }
}
