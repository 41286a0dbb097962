package ballast.host.translation;

import ballast.host.sharing.SharedFrames;
import ballast.abi.Ops;
import ballast.abi.TranslationMode;
import ballast.host.memory.FramePool;
import ballast.host.memory.HostSwap;
import ballast.host.memory.Pmap;
import java.util.Arrays;

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
public final class GuestPaging {
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
        this.pmap = g.pmap();
        this.frames = frames;
        this.shared = shared;
        this.swap = swap;
        this.para = g.mode() == TranslationMode.PARA;
    }

    /** Victims the hypervisor paged out to host swap. */
    public long hostSwapOuts() {
        return hostSwapOuts;
    }

    /** PPNs the guest OS paged out while the hypervisor had them swapped (each swapped in first). */
    public long doublePagings() {
        return doublePagings;
    }

    /** Victims that joined a shared frame with their content instead of going to host swap. */
    public long sharedBeforeSwap() {
        return sharedBeforeSwap;
    }

    /**
     * Puts one validated {@code ppn} (not ballooned) into the balloon: its frame is freed (a
     * private frame) or loses a reference (a shared one), or its swap slot is freed; every
     * mapping built from it is dropped.
     */
    public void inflate(int ppn) {
        if (!releaseBacking(ppn)) {
            dropMappings(ppn, FramePool.NO_FRAME);
        }
        pmap.balloon(ppn);
        g.logMove(ppn);
    }

    /**
     * Lets go of whatever backs {@code ppn}: a private frame is freed, a shared frame loses a
     * reference (every mapping built from either dropped), or a swap slot is freed with its
     * compressed copy and its offload mark. Returns false (nothing done) for an unbacked PPN.
     */
    private boolean releaseBacking(int ppn) {
        byte state = pmap.state(ppn);
        int mpn = pmap.mpn(ppn);
        if (state == Pmap.BACKED || state == Pmap.SHARED) {
            dropMappings(ppn, mpn);
            pmap.unback(ppn);
            if (state == Pmap.BACKED) {
                frames.free(mpn);
            } else {
                shared.release(mpn);
            }
            return true;
        }
        if (state == Pmap.SWAPPED) {
            if (g.compression() != null) {
                g.compression().discard(g.index(), ppn);
            }
            swap.release(g.index(), ppn);
            pmap.dropSwapped(ppn);
            g.offloaded().dropped(ppn);
            return true;
        }
        return false;
    }

    /**
     * The guest reported {@code ppn} free (free page reporting; validated: not ballooned, not
     * para-virtual): whatever backs it goes, as for an inflate (a private frame freed, a shared
     * frame's reference dropped, a swap slot freed, every mapping built from it dropped), but the
     * PPN stays the guest's, unbacked: its next touch backs it again like a first touch. Returns
     * whether a frame or a swap slot went.
     */
    public boolean discard(int ppn) {
        if (!releaseBacking(ppn)) {
            return false;
        }
        g.logMove(ppn);
        return true;
    }

    /**
     * Takes one validated ballooned {@code ppn} out of the balloon: it is the guest's again,
     * unbacked until touched; a para-virtual guest gets a frame now (the caller checked there are
     * enough) and a remap-notice entry for it.
     */
    public void deflate(int ppn) {
        pmap.unballoon(ppn);
        g.logMove(ppn);
        if (para) {
            int mpn = g.backing(ppn);
            g.noteRemap(ppn, mpn);
        }
    }

    /** The balloon popped: every PPN still in it is the guest's again, unbacked. Returns how many. */
    public int emptyBalloon() {
        int emptied = 0;
        for (int ppn = 0; ppn < pmap.pages() && pmap.balloonedPages() > 0; ppn++) {
            if (pmap.state(ppn) == Pmap.BALLOONED) {
                pmap.unballoon(ppn);
                g.logMove(ppn);
                emptied++;
            }
        }
        g.clearPopped();
        return emptied;
    }

    /** The content host swap holds for swapped {@code ppn}. */
    public long swappedToken(int ppn) {
        return swap.peek(g.index(), ppn);
    }

    /**
     * Live migration, on the destination: {@code ppn} has no frame at the source (it was deflated
     * after an earlier round sent it): it leaves the balloon, or gives up the frame that round gave
     * it. The arriving guest has no mappings yet.
     */
    public void dropArriving(int ppn) {
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
    public static final int KEPT = 0;
    public static final int SWAPPED_OUT = 1;
    public static final int SHARED_INSTEAD = 2;
    /** The victim went into the host's compression cache (its content stays in its swap slot). */
    public static final int COMPRESSED = 3;

    /**
     * Takes victim {@code ppn} (on a private frame) from the guest: with {@code shareFirst}, when
     * a shared frame already holds its content, the PPN joins it (share before swap); else its
     * content goes to host swap, its mappings are dropped and its frame freed. Returns
     * {@link #KEPT} when the PPN is not on a private frame, the guest is para-virtual, or the swap
     * is full; else {@link #SWAPPED_OUT}, {@link #SHARED_INSTEAD} or, when the host's compression
     * tier keeps it (its compressed size within the threshold), {@link #COMPRESSED}.
     */
    public int swapOutPage(int ppn, boolean shareFirst) {
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
        if (swap.swapOut(g.index(), ppn, token) == HostSwap.NO_SLOT) {
            return KEPT;
        }
        dropMappings(ppn, mpn);
        pmap.swapOut(ppn);
        frames.free(mpn);
        if (g.compression() != null && g.compression().store(g.index(), ppn, token)) {
            return COMPRESSED;
        }
        hostSwapOuts++;
        return SWAPPED_OUT;
    }

    /**
     * The guest OS wrote {@code ppn} to its virtual disk (a DMA read of the page): a page the
     * hypervisor had swapped out must come back in first (double paging; charged as a swap-in).
     * Returns whether it was a double paging.
     */
    public boolean pageOut(int ppn) {
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
        if (g.compression() != null) {
            g.compression().releaseGuest(g.index());
        }
        if (pmap.swappedPages() > 0) {
            for (int ppn = 0; ppn < pmap.pages(); ppn++) {
                if (pmap.state(ppn) == Pmap.SWAPPED) {
                    swap.release(g.index(), ppn);
                }
            }
        }
        pmap.clear();
        g.offloaded().clear();
        g.probes().clear();
        return released;
    }

    // ---------------------------------------------------------------- mappings and working-set samples

    /**
     * Drops every shadow and TLB entry built from {@code ppn}; used when the hypervisor changes the
     * PPN's backing. Returns how many shadow entries went.
     */
    int invalidatePpn(int ppn) {
        if (g.rmap() == null) {
            return 0;
        }
        return g.rmap().drain(ppn, key -> {
            g.shadow()[Ops.process(key)].clear(Ops.vpn(key));
            g.tlb().invalidate(key);
        });
    }

    /**
     * Drops every mapping built from {@code ppn}, whose frame {@code mpn} (or none) is about to
     * go: shadow entries and their TLB entries (shadow paging), every TLB entry of the frame
     * (nested paging), or the para-virtual page-table entries and their TLB entries.
     */
    void dropMappings(int ppn, int mpn) {
        if (g.shadow() != null) {
            invalidatePpn(ppn);
        } else if (g.mode() == TranslationMode.PARA) {
            g.rmap().drain(ppn, key -> {
                g.tables()[Ops.process(key)].clear(Ops.vpn(key));
                g.paraPpn()[Ops.process(key)].clear(Ops.vpn(key));
                g.tlb().invalidate(key);
            });
        } else if (mpn != FramePool.NO_FRAME) {
            g.tlb().invalidateFrame(mpn);
        }
    }

    /**
     * Starts a working-set period: marks {@code ppns} sampled and invalidates their mappings so
     * that the next touch of each misses (shadow entries dropped, TLB entries of their frames
     * dropped, or para-virtual entries' accessed bits cleared with their TLB entries).
     */
    public void startSamplePeriod(int[] ppns) {
        g.samples().start(ppns);
        invalidateForProbes(ppns, ppns.length);
    }

    /**
     * Clears the accessed bits of the first {@code count} of {@code ppns} (an access monitor's
     * probes, or the working-set samples): their mappings are invalidated as for
     * {@link #startSamplePeriod}, so that the next touch of each misses.
     */
    public void invalidateForProbes(int[] ppns, int count) {
        g.samplesChanged(); // a probed page keeps its block out of the large TLB entries until touched
        int[] mpns = new int[count];
        int frameCount = 0;
        for (int i = 0; i < count; i++) {
            int ppn = ppns[i];
            if (g.shadow() != null) {
                invalidatePpn(ppn);
            } else if (g.mode() == TranslationMode.PARA) {
                g.rmap().forEach(ppn, g.tlb()::invalidate);
            } else if (pmap.mpn(ppn) != FramePool.NO_FRAME) {
                mpns[frameCount++] = pmap.mpn(ppn);
            }
        }
        if (frameCount > 0) {
            Arrays.sort(mpns, 0, frameCount);
            g.tlb().invalidateFrames(mpns, frameCount);
        }
    }

    /** Ends the working-set period: folds its count into the estimator (when {@code count}) and clears the marks. */
    public void endSamplePeriod(boolean count) {
        g.samples().end(count);
        g.samplesChanged();
    }

    /** Sampled PPNs not yet touched this period. */
    public int samplesPending() {
        return g.samples().pending();
    }
}
