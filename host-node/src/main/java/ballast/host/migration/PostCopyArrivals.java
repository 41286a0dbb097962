package ballast.host.migration;

/**
 * The destination's side of a post-copy migration (Hines and Gopalan, VEE 2009), as a plain class:
 * which of an arrived guest's pages have not crossed the link yet, and the link's work each tick.
 *
 * <p>The guest runs here from its switch on. A page it touches that has not arrived is a
 * <b>network fault</b> ({@link #touch}): the page is fetched at once, ahead of the background push,
 * and with it the pages not yet arrived within {@code window / 2} PPNs either side (pre-paging
 * around the faulting address, a bounded window, as far as the link has room left in the tick: the
 * faulting pages themselves always cross). At the end of each tick ({@link #endTick}) the
 * source <b>pushes</b> as many of the pages still missing as the link carries in a tick, less what the
 * faults and their pre-paging took from it, in ascending PPN order from where the push stood. Every
 * page crosses once: {@code faults + prepaged + pushed} never exceeds the pages the guest had when it
 * switched, and equals them once {@link #done}.
 *
 * <p>The simulator moves the pages' contents with the guest's page tables at the switch (so the
 * integrity record and every invariant hold unchanged); this class decides when each page counts as
 * arrived, and so what the guest waits for. Per tick it allocates nothing; one bit per PPN.
 *
 * <p>Not thread-safe: used by the actor that owns the host's core.
 */
public final class PostCopyArrivals {
    private final long[] missing;
    private final int pages;
    private final int window;
    private final long pagesPerTick;
    private final double faultSeconds;
    private final int initial;
    private int left;
    private int cursor;
    private long usedThisTick;
    private long faultsThisTick;
    private long faultsUnreported;
    private long faults;
    private long prepaged;
    private long pushed;
    private long ticks;
    private long degradedTicks;

    /**
     * @param pages        the guest's PPNs (the bitmap's size)
     * @param ppns         the PPNs still at the source when the guest switched (content pages only)
     * @param window       pages pre-paged around a fault, at most (split either side)
     * @param pagesPerTick pages the link carries in a tick
     * @param faultSeconds what one network fault makes the vCPU wait: the link's latency and one page's transfer
     */
    public PostCopyArrivals(int pages, int[] ppns, int window, long pagesPerTick, double faultSeconds) {
        this.pages = pages;
        this.missing = new long[(pages + 63) >>> 6];
        this.window = Math.max(0, window);
        this.pagesPerTick = Math.max(1, pagesPerTick);
        this.faultSeconds = faultSeconds;
        int n = 0;
        for (int ppn : ppns) {
            if (ppn >= 0 && ppn < pages && !isMissing(ppn)) {
                missing[ppn >>> 6] |= 1L << ppn;
                n++;
            }
        }
        this.initial = n;
        this.left = n;
    }

    /** Whether {@code ppn} has not arrived yet. */
    public boolean isMissing(int ppn) {
        return ppn >= 0 && ppn < pages && (missing[ppn >>> 6] & 1L << ppn) != 0;
    }

    private void arrive(int ppn) {
        missing[ppn >>> 6] &= ~(1L << ppn);
        left--;
    }

    /** The guest touched {@code ppn} (a TLB miss): a network fault if it has not arrived, with its pre-paging. */
    public void touch(int ppn) {
        if (!isMissing(ppn)) {
            return;
        }
        arrive(ppn);
        faults++;
        faultsThisTick++;
        faultsUnreported++;
        usedThisTick++;
        int half = window / 2;
        int lo = Math.max(0, ppn - half);
        int hi = Math.min(pages - 1, ppn + (window - half));
        for (int p = lo; p <= hi && left > 0 && usedThisTick < pagesPerTick; p++) { // pre-paging: what the link has left
            if (isMissing(p)) {
                arrive(p);
                prepaged++;
                usedThisTick++;
            }
        }
    }

    /** Network faults since the last call (for the time model). */
    public long takeFaults() {
        long f = faultsUnreported;
        faultsUnreported = 0;
        return f;
    }

    /** The end of a tick: the background push takes what the link has left; a tick with a fault is degraded. */
    public void endTick() {
        ticks++;
        if (faultsThisTick > 0) {
            degradedTicks++;
        }
        long budget = pagesPerTick - usedThisTick;
        while (budget > 0 && left > 0) {
            int word = cursor >>> 6;
            while (word < missing.length && missing[word] == 0) {
                word++;
            }
            if (word >= missing.length) {
                cursor = 0; // pages behind the cursor were faulted in out of order; start over
                continue;
            }
            int ppn = Math.max(cursor, word << 6);
            if (ppn >>> 6 != word) {
                ppn = word << 6;
            }
            long bits = missing[word] & (-1L << (ppn & 63));
            if (bits == 0) {
                cursor = (word + 1) << 6;
                continue;
            }
            ppn = (word << 6) + Long.numberOfTrailingZeros(bits);
            arrive(ppn);
            pushed++;
            budget--;
            cursor = ppn + 1;
        }
        usedThisTick = 0;
        faultsThisTick = 0;
    }

    /** Whether every page has arrived. */
    public boolean done() {
        return left == 0;
    }

    public double faultSeconds() {
        return faultSeconds;
    }

    /** Pages at the source when the guest switched. */
    public int initial() {
        return initial;
    }

    public int left() {
        return left;
    }

    public long faults() {
        return faults;
    }

    public long prepaged() {
        return prepaged;
    }

    public long pushed() {
        return pushed;
    }

    /** Ticks played since the switch. */
    public long ticks() {
        return ticks;
    }

    /** Ticks in which the guest waited for at least one network fault. */
    public long degradedTicks() {
        return degradedTicks;
    }
}
