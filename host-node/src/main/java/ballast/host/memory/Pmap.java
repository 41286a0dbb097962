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
        Arrays.fill(mpn, FramePool.NO_FRAME);
        Arrays.fill(state, UNBACKED);
        backed = 0;
        shared = 0;
        ballooned = 0;
        swapped = 0;
    }

    /** Maps a backed PPN to the shared frame {@code frame} (a merge). */
    public void share(int ppn, int frame) {
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
}
