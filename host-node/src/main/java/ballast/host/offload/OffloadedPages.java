package ballast.host.offload;

/**
 * One guest's pages the offload controller sent out and that are still out (a bit per PPN,
 * allocated at the first offload), with its counters: pages offloaded so far and refaults (offloaded
 * pages the guest touched again, each swapped back in). A page leaves the set when it comes back
 * ({@link #swappedIn}: a refault) or when its swapped content is thrown away ({@link #dropped}: it
 * went into the balloon, or the guest was released).
 *
 * <p>Owned by one guest's memory on the hypervisor's thread; not thread-safe.
 */
public final class OffloadedPages {
    private final int pages;
    private long[] bits;
    private int out;
    private long offloaded;
    private long refaults;

    public OffloadedPages(int pages) {
        this.pages = pages;
    }

    /** {@code ppn} was sent out by the offload controller (to host swap). */
    public void offloaded(int ppn) {
        if (bits == null) {
            bits = new long[(pages + 63) >>> 6];
        }
        long bit = 1L << ppn;
        if ((bits[ppn >>> 6] & bit) == 0) {
            bits[ppn >>> 6] |= bit;
            out++;
        }
        offloaded++;
    }

    /** A page the controller merged into a shared frame instead (share before swap): counted, not out. */
    public void offloadedShared() {
        offloaded++;
    }

    /** Swapped {@code ppn} came back in on a touch: a refault when the controller had sent it out. */
    public void swappedIn(int ppn) {
        if (clearBit(ppn)) {
            refaults++;
        }
    }

    /** Swapped {@code ppn}'s content was thrown away (ballooned): it is no longer out. */
    public void dropped(int ppn) {
        clearBit(ppn);
    }

    /** Every page is back or gone (the guest was released). */
    public void clear() {
        if (bits != null) {
            java.util.Arrays.fill(bits, 0);
        }
        out = 0;
    }

    private boolean clearBit(int ppn) {
        if (bits == null || out == 0) {
            return false;
        }
        long bit = 1L << ppn;
        if ((bits[ppn >>> 6] & bit) == 0) {
            return false;
        }
        bits[ppn >>> 6] &= ~bit;
        out--;
        return true;
    }

    /** Whether {@code ppn} is out. */
    public boolean isOut(int ppn) {
        return bits != null && (bits[ppn >>> 6] & (1L << ppn)) != 0;
    }

    /** Offloaded pages still out. */
    public int out() {
        return out;
    }

    /** Pages offloaded so far (to swap, or merged into a shared frame instead). */
    public long offloadedPages() {
        return offloaded;
    }

    /** Offloaded pages touched again so far. */
    public long refaults() {
        return refaults;
    }
}
