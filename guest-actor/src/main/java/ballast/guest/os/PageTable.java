package ballast.guest.os;

import ballast.abi.Ops;
import ballast.abi.Tokens;
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
 * <p>Per-page state is one {@code long[]} of two words a page (no object per page): the page's PPN
 * in the low half of its first word and the tick of its last access in the high half, then the
 * token the guest last wrote there (the {@link IntegrityRecord}'s, kept here), so that an access
 * to a cold page (its PPN read, its stamp written, its token read or written) costs one cache
 * miss, not one per array. It grows when a trace shows more pages or a workload change needs
 * more. Owned by one {@link GuestOs}, not thread-safe.
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
    private static final long LOW = 0xFFFF_FFFFL;
    /** A page never touched and never accessed: UNTOUCHED and NEVER, both -1. */
    private static final long FRESH = ((long) NEVER << 32) | (UNTOUCHED & LOW);

    private final int processes;
    /** log2(processes) when it is a power of two (no division on the hot path), else -1. */
    private final int processShift;
    /** The traces whose pages these are, or null for a synthetic workload. */
    private final TraceWorkload traces;
    /** Most pages a table holds (two words each in one array). */
    static final int MAX_PAGES = (Integer.MAX_VALUE - 8) / 2;

    /**
     * Per page {@code p}: {@code pageWords[2 * p]} its PPN (or UNTOUCHED, ON_DISK, FREED) in the low
     * 32 bits and its last access tick (or NEVER) in the high 32; {@code pageWords[2 * p + 1]} the
     * token the guest last wrote to it.
     */
    private long[] pageWords;
    private final IntArrayList touched = new IntArrayList();
    private int residentPages;
    private int pagesOnDisk;

    PageTable(int processes, TraceWorkload traces, int pages) {
        this.processes = processes;
        this.processShift = Integer.bitCount(processes) == 1 ? Integer.numberOfTrailingZeros(processes) : -1;
        this.traces = traces;
        this.pageWords = new long[2 * checkedSize(pages)];
        freshFrom(0);
    }

    private static int checkedSize(int pages) {
        if (pages < 0 || pages > MAX_PAGES) {
            throw new IllegalArgumentException("a guest's page table holds 0 to " + MAX_PAGES + " pages: " + pages);
        }
        return pages;
    }

    /** Pages from {@code first} on: never touched, never accessed, token zero. */
    private void freshFrom(int first) {
        long[] words = pageWords;
        for (int i = 2 * first; i < words.length; i += 2) {
            words[i] = FRESH;
            words[i + 1] = Tokens.ZERO;
        }
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
        long vpn = ((local & 1) == 0 ? LOW_REGION_VPN : HIGH_REGION_VPN) + (local >>> 1);
        return Ops.key(process, vpn);
    }

    /** Pages the arrays cover. */
    int size() {
        return pageWords.length >>> 1;
    }

    /** The PPN backing {@code page}, or {@link #UNTOUCHED} or {@link #ON_DISK}. */
    int ppnOf(int page) {
        return (int) pageWords[2 * page];
    }

    /** The tick {@code page} was last read or written in, or {@link #NEVER}. */
    int lastAccess(int page) {
        return (int) (pageWords[2 * page] >> 32);
    }

    /** Stamps {@code page} as read or written in tick {@code stamp}. */
    void stamp(int page, int stamp) {
        int i = 2 * page;
        pageWords[i] = ((long) stamp << 32) | (pageWords[i] & LOW);
    }

    private void setPpn(int page, int ppn) {
        int i = 2 * page;
        pageWords[i] = (pageWords[i] & ~LOW) | (ppn & LOW);
    }

    /** The token the guest last wrote to {@code page} ({@link Tokens#ZERO} before any). */
    long token(int page) {
        return pageWords[2 * page + 1];
    }

    /** The guest wrote {@code token} to {@code page}. */
    void setToken(int page, long token) {
        pageWords[2 * page + 1] = token;
    }

    /** {@code page} is now in memory at {@code ppn} (a first touch, a page-in, the image). */
    void map(int page, int ppn) {
        setPpn(page, ppn);
        residentPages++;
    }

    /** {@code page} came back from the guest's virtual disk (its PPN is mapped next). */
    void pagedIn() {
        pagesOnDisk--;
    }

    /** {@code page} went to the guest's virtual disk. */
    void pagedOut(int page) {
        setPpn(page, ON_DISK);
        residentPages--;
        pagesOnDisk++;
    }

    /** Its process freed {@code page}, in memory until now (its PPN is the caller's to free). */
    void freed(int page) {
        setPpn(page, FREED);
        residentPages--;
    }

    /** Its process freed {@code page}, which was on the guest's virtual disk: the disk copy is dropped. */
    void freedOnDisk(int page) {
        setPpn(page, FREED);
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
        long[] words = pageWords;
        long count = 0;
        for (int i = 0; i < words.length; i += 2) {
            int last = (int) (words[i] >> 32);
            if (last >= fromTick && last < toTick) {
                count++;
            }
        }
        return count;
    }

    /** Grows the arrays to {@code size} pages, the new ones untouched and never accessed. */
    void resize(int size) {
        int old = size();
        pageWords = Arrays.copyOf(pageWords, 2 * checkedSize(size));
        freshFrom(old);
    }

    // ---------------------------------------------------------------- snapshot

    int[] ppnOfPageCopy() {
        int[] copy = new int[size()];
        for (int page = 0; page < copy.length; page++) {
            copy[page] = ppnOf(page);
        }
        return copy;
    }

    int[] lastAccessCopy() {
        int[] copy = new int[size()];
        for (int page = 0; page < copy.length; page++) {
            copy[page] = lastAccess(page);
        }
        return copy;
    }

    long[] tokensCopy() {
        long[] copy = new long[size()];
        for (int page = 0; page < copy.length; page++) {
            copy[page] = token(page);
        }
        return copy;
    }

    /** Sets the pages' tokens from a saved {@link #tokensCopy()} (pages it does not cover keep theirs). */
    void restoreTokens(long[] tokens) {
        for (int page = 0; page < Math.min(tokens.length, size()); page++) {
            setToken(page, tokens[page]);
        }
    }

    int[] touchedCopy() {
        return touched.toIntArray();
    }

    void restore(int[] ppnOfPage, int[] lastAccess, int[] touched, int residentPages, int pagesOnDisk) {
        long[] tokens = tokensCopy();
        this.pageWords = new long[2 * checkedSize(ppnOfPage.length)];
        for (int page = 0; page < ppnOfPage.length; page++) {
            int last = page < lastAccess.length ? lastAccess[page] : NEVER;
            pageWords[2 * page] = ((long) last << 32) | (ppnOfPage[page] & LOW);
        }
        restoreTokens(tokens);
        this.touched.clear();
        this.touched.addElements(0, touched);
        this.residentPages = residentPages;
        this.pagesOnDisk = pagesOnDisk;
    }
}
