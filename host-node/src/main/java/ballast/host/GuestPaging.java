package ballast.host;

import ballast.host.sharing.SharedFrames;
import ballast.abi.TranslationMode;
import ballast.host.memory.FramePool;
import ballast.host.memory.HostSwap;
import ballast.host.memory.Pmap;

/**
 * The balloon and host-swap side of one guest's memory: putting PPNs into the balloon and taking
 * them out (Xen's {@code decrease_reservation} / {@code increase_reservation}; the hypervisor has
 * checked the call whole with {@link ballast.host.balloon.BalloonCalls}), emptying a balloon that
 * popped, the hypervisor's own paging of a victim PPN to host swap (or, share before swap, into a
 * shared frame with its content; Waldspurger, OSDI 2002, section 3.4 and 4), the guest OS's page-out
 * of a PPN the hypervisor had swapped (double paging), and the pages of a guest arriving by live
 * migration that have no frame at the source.
 *
 * <p>Owns the guest's swap-out, double-paging and share-before-swap counters. A fault that reaches
 * a ballooned or swapped PPN is the translation side's ({@link GuestMemory#backing}), which pops
 * the balloon or swaps the page in; this class drops mappings through {@link GuestMemory} when a
 * PPN's frame goes. Owned by the guest's {@link GuestMemory}, on the hypervisor actor's thread;
 * not thread-safe.
 */
final class GuestPaging {
    private final GuestMemory g;
    private final Pmap pmap;
    private final FramePool frames;
    private final SharedFrames shared;
    private final HostSwap swap;
    private final boolean para;
    private long hostSwapOuts;
    private long doublePagings;
    private long sharedBeforeSwap;

    GuestPaging(GuestMemory g, FramePool frames, SharedFrames shared, HostSwap swap) {
        this.g = g;
        this.pmap = g.pmap;
        this.frames = frames;
        this.shared = shared;
        this.swap = swap;
        this.para = g.mode == TranslationMode.PARA;
    }

    /** Victims the hypervisor paged out to host swap. */
    long hostSwapOuts() {
        return hostSwapOuts;
    }

    /** PPNs the guest OS paged out while the hypervisor had them swapped (each swapped in first). */
    long doublePagings() {
        return doublePagings;
    }

    /** Victims that joined a shared frame with their content instead of going to host swap. */
    long sharedBeforeSwap() {
        return sharedBeforeSwap;
    }

    /**
     * Puts one validated {@code ppn} (not ballooned) into the balloon: its frame is freed (a
     * private frame) or loses a reference (a shared one), or its swap slot is freed; every
     * mapping built from it is dropped.
     */
    void inflate(int ppn) {
        byte state = pmap.state(ppn);
        int mpn = pmap.mpn(ppn);
        if (state == Pmap.BACKED || state == Pmap.SHARED) {
            g.dropMappings(ppn, mpn);
            pmap.unback(ppn);
            if (state == Pmap.BACKED) {
                frames.free(mpn);
            } else {
                shared.release(mpn);
            }
        } else if (state == Pmap.SWAPPED) {
            swap.release(g.index, ppn);
            pmap.dropSwapped(ppn);
        } else {
            g.dropMappings(ppn, FramePool.NO_FRAME);
        }
        pmap.balloon(ppn);
        g.logMove(ppn);
    }

    /**
     * Takes one validated ballooned {@code ppn} out of the balloon: it is the guest's again,
     * unbacked until touched; a para-virtual guest gets a frame now (the caller checked there are
     * enough) and a remap-notice entry for it.
     */
    void deflate(int ppn) {
        pmap.unballoon(ppn);
        g.logMove(ppn);
        if (para) {
            int mpn = g.backing(ppn);
            g.noteRemap(ppn, mpn);
        }
    }

    /** The balloon popped: every PPN still in it is the guest's again, unbacked. Returns how many. */
    int emptyBalloon() {
        int emptied = 0;
        for (int ppn = 0; ppn < pmap.pages() && pmap.balloonedPages() > 0; ppn++) {
            if (pmap.state(ppn) == Pmap.BALLOONED) {
                pmap.unballoon(ppn);
                g.logMove(ppn);
                emptied++;
            }
        }
        g.popped = false;
        return emptied;
    }

    /** The content host swap holds for swapped {@code ppn}. */
    long swappedToken(int ppn) {
        return swap.peek(g.index, ppn);
    }

    /**
     * Live migration, on the destination: {@code ppn} has no frame at the source (it was deflated
     * after an earlier round sent it): it leaves the balloon, or gives up the frame that round gave
     * it. The arriving guest has no mappings yet.
     */
    void dropArriving(int ppn) {
        byte state = pmap.state(ppn);
        if (state == Pmap.BALLOONED) {
            pmap.unballoon(ppn);
        } else if (state == Pmap.BACKED) {
            int mpn = pmap.mpn(ppn);
            pmap.unback(ppn);
            frames.free(mpn);
        }
    }

    /** What {@link #swapOutPage} did with a victim. */
    static final int KEPT = 0;
    static final int SWAPPED_OUT = 1;
    static final int SHARED_INSTEAD = 2;

    /**
     * Takes victim {@code ppn} (on a private frame) from the guest: with {@code shareFirst}, when
     * a shared frame already holds its content, the PPN joins it (share before swap); else its
     * content goes to host swap, its mappings are dropped and its frame freed. Returns
     * {@link #KEPT} when the PPN is not on a private frame, the guest is para-virtual, or the swap
     * is full; else {@link #SWAPPED_OUT} or {@link #SHARED_INSTEAD}.
     */
    int swapOutPage(int ppn, boolean shareFirst) {
        if (para || pmap.state(ppn) != Pmap.BACKED) {
            return KEPT;
        }
        int mpn = pmap.mpn(ppn);
        long token = frames.token(mpn);
        if (shareFirst) {
            int sharedMpn = shared.frameWithContent(token);
            if (sharedMpn != FramePool.NO_FRAME && sharedMpn != mpn) {
                g.mergeInto(ppn, mpn, sharedMpn);
                sharedBeforeSwap++;
                return SHARED_INSTEAD;
            }
        }
        if (swap.swapOut(g.index, ppn, token) == HostSwap.NO_SLOT) {
            return KEPT;
        }
        g.dropMappings(ppn, mpn);
        pmap.swapOut(ppn);
        frames.free(mpn);
        hostSwapOuts++;
        return SWAPPED_OUT;
    }

    /**
     * The guest OS wrote {@code ppn} to its virtual disk (a DMA read of the page): a page the
     * hypervisor had swapped out must come back in first (double paging; charged as a swap-in).
     * Returns whether it was a double paging.
     */
    boolean pageOut(int ppn) {
        if (pmap.state(ppn) != Pmap.SWAPPED) {
            return false;
        }
        doublePagings++;
        g.backing(ppn); // without a free frame the disk reads it from host swap directly; it stays swapped
        return true;
    }

    /**
     * The guest is gone: every private frame it held goes back to the host, every shared frame
     * loses its reference (the last one frees it), every swap slot is freed and its pmap (with its
     * balloon) is forgotten. Returns how many frames it released.
     */
    int releaseAll() {
        int released = 0;
        for (int ppn = 0; ppn < pmap.pages(); ppn++) {
            int mpn = pmap.mpn(ppn);
            if (mpn == FramePool.NO_FRAME) {
                continue;
            }
            if (pmap.state(ppn) == Pmap.BACKED) {
                frames.free(mpn);
                released++;
            } else if (pmap.state(ppn) == Pmap.SHARED) {
                shared.release(mpn);
                released++;
            }
        }
        if (pmap.swappedPages() > 0) {
            for (int ppn = 0; ppn < pmap.pages(); ppn++) {
                if (pmap.state(ppn) == Pmap.SWAPPED) {
                    swap.release(g.index, ppn);
                }
            }
        }
        pmap.clear();
        return released;
    }
}
