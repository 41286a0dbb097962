package ballast.host.memory;

import java.util.Arrays;

/**
 * One guest's pmap (ESX) / p2m (Xen): guest-physical page (PPN) -> machine frame (MPN), with a
 * state per PPN. Owned by the hypervisor; the guest never sees it (except a para-virtual guest,
 * which is handed a copy at boot).
 *
 * <p>States: {@link #UNBACKED} (never touched, or given back; no frame), {@link #BACKED} (a private
 * frame), {@link #SHARED} (a shared, copy-on-write frame mapped by other PPNs too),
 * {@link #BALLOONED} (handed to the hypervisor by the guest's balloon driver; no frame) and
 * {@link #SWAPPED} (its content is in host swap; no frame). Only BACKED and SHARED PPNs have a
 * frame. Transitions: {@link #back} (UNBACKED, BALLOONED or SWAPPED -> BACKED), {@link #share},
 * {@link #unshare}, {@link #unback} (BACKED or SHARED -> UNBACKED, the caller freed the frame),
 * {@link #balloon} (UNBACKED -> BALLOONED), {@link #unballoon} (BALLOONED -> UNBACKED) and
 * {@link #swapOut} (BACKED -> SWAPPED). Two primitive arrays and a count per state; not thread-safe.
 *
 * <p>Large pages ({@link #enableLargePages}): an aligned run of {@link #LARGE_PAGES} PPNs may be
 * backed at once by one aligned run of as many machine frames ({@link #backLarge}), and is then
 * marked large in a bitmap (one bit per 2 MiB of guest-physical memory). Its 512 pieces are
 * ordinary BACKED entries as well, so every reader of the pmap sees them as 4 KiB mappings; any
 * transition of one of them (a merge, an unback, a swap-out) breaks the large page first: its
 * bit is cleared and the break counted, and the pieces stay mapped where they were.
 */
public final class Pmap {
    public static final byte UNBACKED = 0;
    public static final byte BACKED = 1;
    public static final byte BALLOONED = 2;
    public static final byte SWAPPED = 3;
    public static final byte SHARED = 4;

    private final int[] mpn;
    private final byte[] state;
    private int backed;
    private int shared;
    private int ballooned;
    private int swapped;
    /** PPNs per large page: 2 MiB of 4 KiB pages. */
    public static final int LARGE_PAGES = 512;
    public static final int LARGE_SHIFT = 9;
    /** One bit per aligned run of {@link #LARGE_PAGES} PPNs: set while the run is one large page; null when off. */
    private long[] large;
    private int largeCount;
    private long largeBacked;
    private long largeBroken;

    public Pmap(int pages) {
        this.mpn = new int[pages];
        this.state = new byte[pages];
        Arrays.fill(mpn, FramePool.NO_FRAME);
    }

    public int pages() {
        return mpn.length;
    }

    public boolean isValidPpn(int ppn) {
        return ppn >= 0 && ppn < mpn.length;
    }

    public int mpn(int ppn) {
        return mpn[ppn];
    }

    public byte state(int ppn) {
        return state[ppn];
    }

    /** Backs a PPN without a frame (unbacked, ballooned or swapped) with a private frame. */
    public void back(int ppn, int frame) {
        byte s = state[ppn];
        if (s == BACKED || s == SHARED) {
            throw new IllegalStateException("PPN " + ppn + " is already backed");
        }
        if (s == BALLOONED) {
            ballooned--;
        } else if (s == SWAPPED) {
            swapped--;
        }
        mpn[ppn] = frame;
        state[ppn] = BACKED;
        backed++;
    }

    /** Forgets every mapping (the caller has released the frames and swap slots). */
    public void clear() {
        if (large != null) {
            Arrays.fill(large, 0L);
            largeCount = 0;
        }
        Arrays.fill(mpn, FramePool.NO_FRAME);
        Arrays.fill(state, UNBACKED);
        backed = 0;
        shared = 0;
        ballooned = 0;
        swapped = 0;
    }

    /** Maps a backed PPN to the shared frame {@code frame} (a merge). */
    public void share(int ppn, int frame) {
        if (large != null) {
            breakLarge(ppn);
        }
        byte s = state[ppn];
        if (s != BACKED && s != SHARED) {
            throw new IllegalStateException("PPN " + ppn + " is not backed");
        }
        if (s == BACKED) {
            shared++;
        }
        mpn[ppn] = frame;
        state[ppn] = SHARED;
    }

    /** Maps a PPN that was on a shared frame to its own private frame (a copy-on-write break). */
    public void unshare(int ppn, int frame) {
        if (state[ppn] != SHARED) {
            throw new IllegalStateException("PPN " + ppn + " is not shared");
        }
        mpn[ppn] = frame;
        state[ppn] = BACKED;
        shared--;
    }

    /** A backed or shared PPN loses its frame (the caller freed it or dropped its reference). */
    public void unback(int ppn) {
        if (large != null) {
            breakLarge(ppn);
        }
        byte s = state[ppn];
        if (s != BACKED && s != SHARED) {
            throw new IllegalStateException("PPN " + ppn + " is not backed");
        }
        if (s == SHARED) {
            shared--;
        }
        backed--;
        mpn[ppn] = FramePool.NO_FRAME;
        state[ppn] = UNBACKED;
    }

    /** An unbacked PPN goes into the balloon. */
    public void balloon(int ppn) {
        if (state[ppn] != UNBACKED) {
            throw new IllegalStateException("PPN " + ppn + " has a frame or is ballooned or swapped");
        }
        state[ppn] = BALLOONED;
        ballooned++;
    }

    /** A ballooned PPN is the guest's again, without a frame. */
    public void unballoon(int ppn) {
        if (state[ppn] != BALLOONED) {
            throw new IllegalStateException("PPN " + ppn + " is not ballooned");
        }
        state[ppn] = UNBACKED;
        ballooned--;
    }

    /** A PPN on a private frame goes to host swap (the caller freed the frame, its content is in swap). */
    public void swapOut(int ppn) {
        if (large != null) {
            breakLarge(ppn);
        }
        if (state[ppn] != BACKED) {
            throw new IllegalStateException("PPN " + ppn + " is not on a private frame");
        }
        backed--;
        swapped++;
        mpn[ppn] = FramePool.NO_FRAME;
        state[ppn] = SWAPPED;
    }

    /** A swapped PPN whose content is thrown away (its swap slot was freed): unbacked again. */
    public void dropSwapped(int ppn) {
        if (state[ppn] != SWAPPED) {
            throw new IllegalStateException("PPN " + ppn + " is not swapped");
        }
        swapped--;
        state[ppn] = UNBACKED;
    }

    /** PPNs currently mapped to a shared frame. */
    public int sharedPages() {
        return shared;
    }

    /** PPNs currently backed by a machine frame (private or shared). */
    public int backedPages() {
        return backed;
    }

    /** PPNs on a private frame (backed, not shared): the candidates for host swap. */
    public int privatePages() {
        return backed - shared;
    }

    /** PPNs in the balloon. */
    public int balloonedPages() {
        return ballooned;
    }

    /** PPNs in host swap. */
    public int swappedPages() {
        return swapped;
    }

    // ---------------------------------------------------------------- large pages

    /** Keeps large pages from now on (a guest backed with 2 MiB pages). Idempotent. */
    public void enableLargePages() {
        if (large == null) {
            large = new long[(((mpn.length >>> LARGE_SHIFT) + 63) >>> 6) + 1];
        }
    }

    /** Whether this pmap keeps large pages at all. */
    public boolean largePagesEnabled() {
        return large != null;
    }

    /** Whether {@code ppn} is a piece of a standing large page. */
    public boolean isLarge(int ppn) {
        long[] l = large;
        if (l == null) {
            return false;
        }
        int run = ppn >>> LARGE_SHIFT;
        return (l[run >>> 6] & (1L << run)) != 0;
    }

    /**
     * Whether the aligned run of {@code ppn} lies wholly in the guest's memory and every PPN of it
     * is unbacked (never touched, or given back): the run a first touch may back with a large page.
     */
    public boolean runUnbacked(int ppn) {
        int first = ppn & ~(LARGE_PAGES - 1);
        if (first + LARGE_PAGES > mpn.length) {
            return false;
        }
        for (int p = first; p < first + LARGE_PAGES; p++) {
            if (state[p] != UNBACKED) {
                return false;
            }
        }
        return true;
    }

    /**
     * Backs the aligned run of {@code ppn} (every PPN of it unbacked: {@link #runUnbacked}) with the
     * aligned machine run starting at {@code baseFrame}: PPN {@code first + i} on frame
     * {@code baseFrame + i}, and marks it one large page.
     */
    public void backLarge(int ppn, int baseFrame) {
        if (large == null || !runUnbacked(ppn) || (baseFrame & (LARGE_PAGES - 1)) != 0) {
            throw new IllegalStateException("PPN " + ppn + ": its run cannot be backed by a large page at " + baseFrame);
        }
        int first = ppn & ~(LARGE_PAGES - 1);
        for (int i = 0; i < LARGE_PAGES; i++) {
            mpn[first + i] = baseFrame + i;
            state[first + i] = BACKED;
        }
        backed += LARGE_PAGES;
        int run = first >>> LARGE_SHIFT;
        large[run >>> 6] |= 1L << run;
        largeCount++;
        largeBacked++;
    }

    /**
     * Breaks the large page {@code ppn} is a piece of, if any: its pieces stay mapped where they
     * are, as ordinary 4 KiB mappings. Returns whether one was broken.
     */
    public boolean breakLarge(int ppn) {
        if (!isLarge(ppn)) {
            return false;
        }
        int run = ppn >>> LARGE_SHIFT;
        large[run >>> 6] &= ~(1L << run);
        largeCount--;
        largeBroken++;
        return true;
    }

    /** Large pages standing now. */
    public int largePages() {
        return largeCount;
    }

    /** Large pages backed so far. */
    public long largePagesBacked() {
        return largeBacked;
    }

    /** Large pages broken so far (by a merge, a swap-out, a balloon or a release of one of their pieces). */
    public long largePagesBroken() {
        return largeBroken;
    }

    /** Calls {@code visitor} with the first PPN of every standing large page. */
    public void forEachLarge(java.util.function.IntConsumer visitor) {
        if (large == null) {
            return;
        }
        for (int w = 0; w < large.length; w++) {
            long bits = large[w];
            while (bits != 0) {
                int b = Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                visitor.accept(((w << 6) + b) << LARGE_SHIFT);
            }
        }
    }
}
