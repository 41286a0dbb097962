package ballast.host.memory;

import java.util.Arrays;

/**
 * One guest's pmap (ESX) / p2m (Xen): guest-physical page (PPN) -> machine frame (MPN), with a
 * state per PPN. Owned by the hypervisor; the guest never sees it (except a para-virtual guest,
 * which is handed a copy at boot).
 *
 * <p>States: {@link #UNBACKED} (never touched, no frame), {@link #BACKED} (a private frame),
 * {@link #SHARED} (a shared, copy-on-write frame mapped by other PPNs too); {@link #BALLOONED}
 * and {@link #SWAPPED} are reserved for reclamation. Two primitive arrays; not thread-safe.
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

    /** Backs an unbacked PPN with a private frame. */
    public void back(int ppn, int frame) {
        if (state[ppn] == BACKED || state[ppn] == SHARED) {
            throw new IllegalStateException("PPN " + ppn + " is already backed");
        }
        mpn[ppn] = frame;
        state[ppn] = BACKED;
        backed++;
    }

    /** Forgets every mapping (the caller has released the frames). */
    public void clear() {
        Arrays.fill(mpn, FramePool.NO_FRAME);
        Arrays.fill(state, UNBACKED);
        backed = 0;
        shared = 0;
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

    /** PPNs currently mapped to a shared frame. */
    public int sharedPages() {
        return shared;
    }

    /** PPNs currently backed by a machine frame (private or shared). */
    public int backedPages() {
        return backed;
    }
}
