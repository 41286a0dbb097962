package ballast.guest.os;

import ballast.abi.Ops;
import ballast.guest.workload.TraceWorkload;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.Arrays;

/**
 * The guest's own page bookkeeping, indexed by workload page: which PPN backs each page (or that
 * it was never touched, or that it is on the guest's virtual disk), the tick each page was last
 * read or written in, the pages in first-touch order, and how many pages are in memory and on
 * disk. It also knows each page's (process, VPN) key.
 *
 * <p>Page index {@code i} of a synthetic workload belongs to process {@code i % processes};
 * within the process, even and odd local indices live in two regions far apart (a low heap at
 * 4 MiB and an mmap region near 0x7f00_0000_0000), so the page tables are sparse as a real
 * program's are. A trace workload ({@link TraceWorkload}) replays each trace as its own process
 * at its real VPNs: its pages are numbered densely in first-seen order and their keys come from
 * the traces.
 *
 * <p>Per-page state is two {@code int[]} arrays (no object per page); they grow when a trace shows
 * more pages or a workload change needs more. Owned by one {@link GuestOs}, not thread-safe.
 */
final class PageTable {
    static final long LOW_REGION_VPN = 0x400L;
    static final long HIGH_REGION_VPN = 0x7f0000000L;
    /** {@link #ppnOf}: the page was never touched. */
    static final int UNTOUCHED = -1;
    /** {@link #ppnOf}: the page is on the guest's virtual disk; the integrity record holds its content. */
    static final int ON_DISK = -2;
    /** {@link #ppnOf}: its process freed the page (its working set shrank); a touch fills it afresh. */
    static final int FREED = -3;
    /** {@link #lastAccess}: never accessed. */
    static final int NEVER = -1;

    private final int processes;
    /** log2(processes) when it is a power of two (no division on the hot path), else -1. */
    private final int processShift;
    /** The traces whose pages these are, or null for a synthetic workload. */
    private final TraceWorkload traces;
    private int[] ppnOfPage;
    private int[] lastAccess;
    private final IntArrayList touched = new IntArrayList();
    private int residentPages;
    private int pagesOnDisk;

    PageTable(int processes, TraceWorkload traces, int pages) {
        this.processes = processes;
        this.processShift = Integer.bitCount(processes) == 1 ? Integer.numberOfTrailingZeros(processes) : -1;
        this.traces = traces;
        this.ppnOfPage = new int[pages];
        Arrays.fill(ppnOfPage, UNTOUCHED);
        this.lastAccess = new int[pages];
        Arrays.fill(lastAccess, NEVER);
    }

    /** The (process, VPN) key of workload page {@code page}. */
    long keyOf(int page) {
        if (traces != null) {
            return traces.keyOf(page);
        }
        int process;
        int local;
        if (processShift >= 0) {
            process = page & (processes - 1);
            local = page >>> processShift;
        } else {
            process = page % processes;
            local = page / processes;
        }
        // the low region for an even local index, the high one for an odd: a mask, not a branch (the parity is random)
        long vpn = LOW_REGION_VPN + (-(long) (local & 1) & (HIGH_REGION_VPN - LOW_REGION_VPN)) + (local >>> 1);
        return Ops.key(process, vpn);
    }

    /**
     * The PPN of each page itself, for the tick builder's access loop, which reads it directly
     * (the same array until {@link #resize} or {@link #restore}; written only through the methods here).
     */
    int[] ppns() {
        return ppnOfPage;
    }

    /** The last-access stamp of each page itself, for the access loop's stamps (as {@link #stamp}). */
    int[] stamps() {
        return lastAccess;
    }

    /** Pages the arrays cover. */
    int size() {
        return ppnOfPage.length;
    }

    /** The PPN backing {@code page}, or {@link #UNTOUCHED} or {@link #ON_DISK}. */
    int ppnOf(int page) {
        return ppnOfPage[page];
    }

    /** The tick {@code page} was last read or written in, or {@link #NEVER}. */
    int lastAccess(int page) {
        return lastAccess[page];
    }

    /** Stamps {@code page} as read or written in tick {@code stamp}. */
    void stamp(int page, int stamp) {
        lastAccess[page] = stamp;
    }

    /** Resident {@code page} moved to {@code ppn} (a page migration: hotplug emptying a block). */
    void moved(int page, int ppn) {
        ppnOfPage[page] = ppn;
    }

    /** {@code page} is now in memory at {@code ppn} (a first touch, a page-in, the image). */
    void map(int page, int ppn) {
        ppnOfPage[page] = ppn;
        residentPages++;
    }

    /** {@code page} came back from the guest's virtual disk (its PPN is mapped next). */
    void pagedIn() {
        pagesOnDisk--;
    }

    /** {@code page} went to the guest's virtual disk. */
    void pagedOut(int page) {
        ppnOfPage[page] = ON_DISK;
        residentPages--;
        pagesOnDisk++;
    }

    /** Its process freed {@code page}, in memory until now (its PPN is the caller's to free). */
    void freed(int page) {
        ppnOfPage[page] = FREED;
        residentPages--;
    }

    /** Its process freed {@code page}, which was on the guest's virtual disk: the disk copy is dropped. */
    void freedOnDisk(int page) {
        ppnOfPage[page] = FREED;
        pagesOnDisk--;
    }

    /** Remembers {@code page}'s first touch. */
    void touched(int page) {
        touched.add(page);
    }

    int touchedCount() {
        return touched.size();
    }

    int touchedPage(int i) {
        return touched.getInt(i);
    }

    int residentPages() {
        return residentPages;
    }

    int pagesOnDisk() {
        return pagesOnDisk;
    }

    /** Pages read or written in ticks {@code [fromTick, toTick)}. */
    long accessedBetween(long fromTick, long toTick) {
        int[] last = lastAccess;
        long count = 0;
        for (int page = 0; page < last.length; page++) {
            if (last[page] >= fromTick && last[page] < toTick) {
                count++;
            }
        }
        return count;
    }

    /** Grows the arrays to {@code size} pages, the new ones untouched and never accessed. */
    void resize(int size) {
        int old = ppnOfPage.length;
        ppnOfPage = Arrays.copyOf(ppnOfPage, size);
        Arrays.fill(ppnOfPage, old, size, UNTOUCHED);
        lastAccess = Arrays.copyOf(lastAccess, size);
        Arrays.fill(lastAccess, old, size, NEVER);
    }

    // ---------------------------------------------------------------- snapshot

    int[] ppnOfPageCopy() {
        return ppnOfPage.clone();
    }

    int[] lastAccessCopy() {
        return lastAccess.clone();
    }

    int[] touchedCopy() {
        return touched.toIntArray();
    }

    void restore(int[] ppnOfPage, int[] lastAccess, int[] touched, int residentPages, int pagesOnDisk) {
        this.ppnOfPage = ppnOfPage.clone();
        this.lastAccess = lastAccess.clone();
        this.touched.clear();
        this.touched.addElements(0, touched);
        this.residentPages = residentPages;
        this.pagesOnDisk = pagesOnDisk;
    }
}
