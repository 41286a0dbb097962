package ballast.guest.os;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.Arrays;

/**
 * The guest-physical page allocator and the clock that chooses which page the guest pages out to
 * its own virtual disk. Every PPN is free (on the allocator's free list), holds one workload page
 * (resident), or is pinned by the balloon driver.
 *
 * <p>The free list is a stack of the PPNs given back (balloon releases, paging), taken first, most
 * recent first; then the never-used PPNs {@code [nextNeverUsed, configured)} in ascending order.
 * (The same order as one stack holding every free PPN, the never-used ones at its bottom in
 * descending order, at 4 bytes per PPN less.)
 *
 * <p>The clock (second chance): each access stamps its page with the tick ({@link PageTable#stamp}); the hand stamps each PPN it
 * passes ({@code handStamp}). A page is <em>referenced</em> when it was accessed since the hand
 * last passed its PPN ({@code lastAccess >= handStamp}); a newly mapped page counts as referenced.
 * The hand clears a referenced page (stamps it) and moves on; the first page it finds
 * unreferenced is the victim. A page accessed in the tick being generated is never a victim in
 * that tick. How many steps the hand may take is the caller's decision ({@link TickBuilder}: two
 * rounds for an access, one for the balloon).
 *
 * <p>What each PPN holds and the hand stamps are made at the first pressure (the first pin for
 * the balloon, or the first PPN wanted when none is free; see {@link #pressure}), so that a guest
 * never under pressure does not pay 8 bytes per PPN for them. Owned by one {@link GuestOs}, not
 * thread-safe.
 */
final class ClockPager {
    /** {@code pageOfPpn}: the PPN is on the free list. */
    static final int FREE = -1;
    /** {@code pageOfPpn}: the PPN is pinned by the balloon driver. */
    static final int BALLOONED = -2;
    /** {@code pageOfPpn}: the PPN is in a block unplugged or being unplugged (memory hotplug). */
    static final int OFFLINE = -3;
    /** {@code handStamp} of a newly mapped PPN: its page counts as referenced at the hand's next pass. */
    static final int JUST_MAPPED = Integer.MIN_VALUE;

    private final String guest;
    private final int configured;
    private final PageTable pages;
    private final IntArrayList givenBack = new IntArrayList(0);
    private int nextNeverUsed;
    /** The workload page each PPN holds, or {@link #FREE} or {@link #BALLOONED}; null before the first pressure. */
    private int[] pageOfPpn;
    /** The tick the hand last cleared each PPN's page, or {@link #JUST_MAPPED}; null before the first pressure. */
    private int[] handStamp;
    private int hand;
    private int balloonPages;
    /** Memory hotplug: a bit per PPN in a block unplugged or being unplugged; null without a hotplug device. */
    private long[] offline;
    /** PPNs with their {@link #offline} bit set. */
    private int offlinePages;
    /** The guest's free page reporting, told of every PPN taken from and put on the free list; null when off. */
    private FreePageReporter reporter;

    /** The allocator hands out PPNs in ascending order from {@code firstFree} (after a file-backed image's). */
    ClockPager(String guest, int configuredPages, PageTable pages, int firstFree) {
        this.guest = guest;
        this.configured = configuredPages;
        this.pages = pages;
        this.nextNeverUsed = firstFree;
    }

    /** PPNs on the free list now. */
    int freePages() {
        return givenBack.size() + configured - nextNeverUsed;
    }

    /** Takes a free PPN (there is one): the last given back, else the lowest never used. */
    int popFree() {
        int ppn = givenBack.isEmpty() ? nextNeverUsed++ : givenBack.popInt();
        if (reporter != null) {
            reporter.allocated(ppn);
        }
        return ppn;
    }

    /**
     * A process freed the page {@code ppn} held (its working set shrank): the PPN goes on the free
     * stack (its frame, if any, stays the hypervisor's until it is reported or ballooned).
     */
    void free(int ppn) {
        if (pageOfPpn != null) {
            pageOfPpn[ppn] = FREE;
        }
        givenBack.push(ppn);
        if (reporter != null) {
            reporter.freed(ppn);
        }
    }

    /** Turns free page reporting on: a reporter over this allocator's free PPNs as they are now. */
    void startReporting(int order, int delayTicks, int capacity) {
        reporter = new FreePageReporter(configured, order, delayTicks, capacity, nextNeverUsed);
        for (int k = 0; k < givenBack.size(); k++) {
            reporter.freed(givenBack.getInt(k)); // the hypervisor may still back them: report them
        }
    }

    /** The free page reporter, or null when reporting is off. */
    FreePageReporter reporter() {
        return reporter;
    }

    /** PPNs the balloon holds now (pinned and not yet given back). */
    int balloonPages() {
        return balloonPages;
    }

    /** How many PPNs the balloon may still take: never the guest's last usable one (nor an unplugged one). */
    int pinnable() {
        return configured - offlinePages - balloonPages - 1;
    }

    // ---------------------------------------------------------------- memory hotplug

    /**
     * Memory hotplug at boot: the PPNs from {@code pluggedPages} up are in unplugged blocks (never
     * handed out); the never-used plugged PPNs move onto the free stack, the lowest on top (the
     * order they were handed out in), so that a block's free PPNs can be taken off it.
     */
    void hotplugBoot(int pluggedPages) {
        if (pluggedPages < nextNeverUsed) {
            throw new IllegalArgumentException(guest + ": plugged memory of " + pluggedPages
                    + " pages is smaller than its image of " + nextNeverUsed + " pages");
        }
        offline = new long[(configured + 63) >>> 6];
        for (int ppn = pluggedPages; ppn < configured; ppn++) {
            offline[ppn >>> 6] |= 1L << ppn;
            if (reporter != null) {
                reporter.allocated(ppn); // not free: never reported
            }
        }
        offlinePages = configured - pluggedPages;
        for (int ppn = pluggedPages - 1; ppn >= nextNeverUsed; ppn--) {
            givenBack.push(ppn);
        }
        nextNeverUsed = configured;
        if (pageOfPpn != null) {
            markOffline();
        }
    }

    boolean isOffline(int ppn) {
        return offline != null && (offline[ppn >>> 6] & (1L << ppn)) != 0;
    }

    /** PPNs in blocks unplugged or being unplugged. */
    int offlinePages() {
        return offlinePages;
    }

    /** A plugged block {@code [first, first + count)} joins the free stack, its lowest PPN on top (nothing backs it). */
    void online(int first, int count) {
        for (int ppn = first + count - 1; ppn >= first; ppn--) {
            offline[ppn >>> 6] &= ~(1L << ppn);
            givenBack.push(ppn);
            if (pageOfPpn != null) {
                pageOfPpn[ppn] = FREE;
            }
            if (reporter != null) {
                reporter.freedClean(ppn);
            }
        }
        offlinePages -= count;
    }

    /**
     * Blocks to unplug are marked offline ({@code firsts}, {@code count} pages each; after
     * {@link #pressure}) and their free PPNs taken off the free stack in one pass; their pages in
     * use are the caller's to move.
     */
    void takeOffline(int[] firsts, int n, int count) {
        for (int k = 0; k < n; k++) {
            for (int ppn = firsts[k]; ppn < firsts[k] + count; ppn++) {
                offline[ppn >>> 6] |= 1L << ppn;
            }
            offlinePages += count;
        }
        int kept = 0;
        int[] stack = givenBack.elements();
        for (int k = 0; k < givenBack.size(); k++) {
            int ppn = stack[k];
            if (isOffline(ppn)) {
                pageOfPpn[ppn] = OFFLINE;
                if (reporter != null) {
                    reporter.allocated(ppn);
                }
            } else {
                stack[kept++] = ppn;
            }
        }
        givenBack.size(kept);
    }

    /** A page moved out of offline {@code ppn}: it stays offline. */
    void vacated(int ppn) {
        pageOfPpn[ppn] = OFFLINE;
    }

    /**
     * An unplug that could not go through (no PPN to move a page to, or the hypervisor refused it):
     * the block {@code [first, first + count)} is online again; its offline PPNs join the free stack
     * (the hypervisor may still back them: the reporter reports them again).
     */
    void backOnline(int first, int count) {
        for (int ppn = first + count - 1; ppn >= first; ppn--) {
            offline[ppn >>> 6] &= ~(1L << ppn);
            if (pageOfPpn[ppn] == OFFLINE) {
                pageOfPpn[ppn] = FREE;
                givenBack.push(ppn);
                if (reporter != null) {
                    reporter.freed(ppn);
                }
            }
        }
        offlinePages -= count;
    }

    private void markOffline() {
        for (int ppn = 0; ppn < configured; ppn++) {
            if (isOffline(ppn)) {
                pageOfPpn[ppn] = OFFLINE;
            }
        }
    }

    int configured() {
        return configured;
    }

    /** {@code page} is now mapped at {@code ppn}: the hand counts it as referenced. */
    void mapped(int ppn, int page) {
        if (pageOfPpn != null) {
            pageOfPpn[ppn] = page;
            handStamp[ppn] = JUST_MAPPED;
        }
    }

    /** The workload page {@code ppn} holds, or {@link #FREE} or {@link #BALLOONED} (after the first pressure). */
    int pageOf(int ppn) {
        return pageOfPpn[ppn];
    }

    /** {@code ppn} (paged out, or free) is pinned for the balloon. */
    void pin(int ppn) {
        pageOfPpn[ppn] = BALLOONED;
    }

    /** {@code ppn} was paged out for a page-in or a first touch: it is the caller's, and free meanwhile. */
    void evicted(int ppn) {
        pageOfPpn[ppn] = FREE;
    }

    /** Counts the PPNs pinned in this tick into the balloon. */
    void ballooned(int pinned) {
        balloonPages += pinned;
    }

    /** The balloon driver gives {@code ppn} back: it goes on the free stack. */
    void release(int ppn) {
        requireBallooned(ppn, "release");
        pageOfPpn[ppn] = FREE;
        givenBack.push(ppn);
        balloonPages--;
        if (reporter != null) {
            reporter.freedClean(ppn); // deflated: nothing behind it at the hypervisor
        }
    }

    void requireBallooned(int ppn, String what) {
        if (pageOfPpn == null || ppn < 0 || ppn >= pageOfPpn.length || pageOfPpn[ppn] != BALLOONED) {
            throw new IllegalStateException(guest + ": the balloon driver's " + what + " names PPN " + ppn
                    + ", which is not in its balloon");
        }
    }

    /**
     * Makes what each PPN holds and the clock's stamps, at the first pressure: every PPN free but
     * those holding a page (and a file-backed image's, which are its before its first tick); every
     * page in memory counts as just mapped (the hand has not moved yet).
     */
    void pressure() {
        if (pageOfPpn != null) {
            return;
        }
        pageOfPpn = new int[configured];
        handStamp = new int[configured];
        Arrays.fill(pageOfPpn, FREE);
        for (int page = 0; page < pages.size(); page++) {
            int ppn = pages.ppnOf(page);
            if (ppn >= 0) {
                pageOfPpn[ppn] = page;
                handStamp[ppn] = JUST_MAPPED;
            }
        }
        if (offline != null) {
            markOffline();
        }
    }

    /**
     * One step of the clock hand (after {@link #pressure}): returns the PPN it passed when that
     * PPN's page may be paged out now, else -1. A referenced page is cleared (stamped with
     * {@code stamp}, the tick being generated) instead; a free or pinned PPN and a page used in
     * this tick are passed.
     */
    int step(int stamp) {
        int ppn = hand;
        hand = ppn + 1 == configured ? 0 : ppn + 1;
        int page = pageOfPpn[ppn];
        if (page < 0) {
            return -1;
        }
        int last = pages.lastAccess(page);
        if (last == stamp) {
            return -1;
        }
        if (last >= handStamp[ppn]) {
            handStamp[ppn] = stamp;
            return -1;
        }
        return ppn;
    }

    // ---------------------------------------------------------------- snapshot

    int nextNeverUsed() {
        return nextNeverUsed;
    }

    int[] givenBackCopy() {
        return givenBack.toIntArray();
    }

    int hand() {
        return hand;
    }

    /** The hand stamp of the PPN holding each page in memory (0 for a page not in memory). */
    int[] handStampOfPages() {
        int[] stamps = new int[pages.size()];
        for (int page = 0; page < stamps.length; page++) {
            int ppn = pages.ppnOf(page);
            stamps[page] = ppn < 0 ? 0 : handStamp == null ? JUST_MAPPED : handStamp[ppn];
        }
        return stamps;
    }

    /**
     * Takes over a snapshot's allocator and clock, after {@code pages} took over its page table:
     * what each PPN holds is rebuilt (a page, a free PPN, else one the balloon driver pinned);
     * {@code imagePages} PPNs are kept for a file-backed image not loaded yet.
     *
     * @return false when the snapshot does not fit this guest
     */
    boolean restore(int nextNeverUsed, int[] givenBack, int[] handStampOfPage, int hand, int balloonPages,
                    int imagePages) {
        if (nextNeverUsed < 0 || nextNeverUsed > configured) {
            return false;
        }
        for (int ppn : givenBack) {
            if (ppn < 0 || ppn >= nextNeverUsed) {
                return false;
            }
        }
        this.nextNeverUsed = nextNeverUsed;
        this.givenBack.clear();
        this.givenBack.addElements(0, givenBack);
        pageOfPpn = new int[configured];
        handStamp = new int[configured];
        Arrays.fill(pageOfPpn, BALLOONED);
        Arrays.fill(pageOfPpn, nextNeverUsed, configured, FREE);
        for (int k = 0; k < this.givenBack.size(); k++) {
            pageOfPpn[this.givenBack.getInt(k)] = FREE;
        }
        Arrays.fill(pageOfPpn, 0, imagePages, FREE);
        for (int page = 0; page < pages.size(); page++) {
            int ppn = pages.ppnOf(page);
            if (ppn >= 0) {
                if (ppn >= configured) {
                    return false;
                }
                pageOfPpn[ppn] = page;
                handStamp[ppn] = handStampOfPage[page];
            }
        }
        this.hand = hand;
        this.balloonPages = balloonPages;
        if (reporter != null) {
            // What was reported before the move is not known here: every free PPN given back reports again.
            startReporting(reporter.order(), reporter.delayTicks(), reporter.capacity());
        }
        return true;
    }
}
