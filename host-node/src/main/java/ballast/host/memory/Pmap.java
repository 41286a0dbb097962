package ballast.host.memory;

import java.util.Arrays;

/**
 * One guest's pmap (ESX) / p2m (Xen): guest-physical page (PPN) -> machine frame (MPN), with a
 * state per PPN. Owned by the hypervisor; the guest never sees it (except a para-virtual guest,
 * which is handed a copy at boot).
 *
 * <p>States: {@link #UNBACKED} (never touched, no frame), {@link #BACKED} (a private frame);
 * {@link #BALLOONED}, {@link #SWAPPED} and {@link #SHARED} are reserved for reclamation and page
 * sharing. Two primitive arrays; not thread-safe.
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
    }

    /** PPNs currently backed by a machine frame (private or shared). */
    public int backedPages() {
        return backed;
    }
}
