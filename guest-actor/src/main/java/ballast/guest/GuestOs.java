package ballast.guest;

import ballast.guest.workload.FileImage;
import ballast.guest.workload.TraceWorkload;
import ballast.guest.workload.Workload;
import ballast.guest.workload.WorkloadSettings;
import ballast.abi.Audit;
import ballast.abi.GuestCounters;
import ballast.abi.KernelActivity;
import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.Reservation;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.abi.Tokens;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The guest operating system as a plain object: it runs the workload, keeps its own bookkeeping of
 * which guest-physical page (PPN) backs each of its pages, allocates PPNs on first touch, writes
 * its page-table entries (as trapped writes, plain writes, or batched {@code mmu_update} entries
 * depending on the mode), fills new pages (zeroing them or reading them in), and keeps an
 * independent record of what it wrote so that every read can be checked.
 *
 * <p>Page index {@code i} of the workload belongs to process {@code i % processes}; within the
 * process, even and odd local indices live in two regions far apart (a low heap at 4 MiB and an
 * mmap region near 0x7f00_0000_0000), so the page tables are sparse as a real program's are.
 *
 * <p>A trace workload ({@link TraceWorkload}) replays each trace as its own process at its real
 * VPNs: page indices are handed out densely in first-seen order, and the per-page arrays grow as
 * pages appear (up to the guest's memory).
 *
 * <p>A tick's work is one stream of operations (see {@link Ops}); the guest folds the tokens it
 * expects to read, in order, into a digest and compares it with the hypervisor's. The kernel's
 * other activity (system calls, interrupt masking, sensitive code blocks, ...) travels as counts
 * ({@link KernelActivityGenerator}), one unit of work per 1000 of the workload's accesses.
 *
 * <p>A file-backed guest ({@code image { files }}) reads its files into PPN 0 upward in its first
 * tick (page i is PPN i); its other pages start zeroed when first touched.
 *
 * <p>A para-virtual guest keeps its p2m current from the hypervisor's remap notices (page
 * sharing moves its PPNs between frames; a deflated balloon page comes back on a new frame). Should
 * an {@code mmu_update} batch still be refused as naming a frame that no longer backs its PPN, the
 * guest re-issues those entries from its updated p2m in a later tick ({@link #setRemapLag}) and
 * rewrites what it expects there, so its memory and its record agree again.
 *
 * <h2>Memory pressure: the page allocator, the balloon and the guest's own paging</h2>
 *
 * <p>Every PPN is free (on the allocator's free list), holds one workload page (resident), or is
 * pinned by the balloon driver. The guest's usable memory is its configured memory less the
 * balloon. Each tick starts with the balloon driver's orders ({@link BalloonOrders}, from its
 * step of the previous {@code TickStart}): PPNs the driver gives back are freed, then the
 * requested pages are pinned for the balloon, free PPNs first. When the guest needs a PPN (a first
 * touch, a page-in, a page for the balloon) and none is free, it <em>pages out</em> its coldest
 * resident page, chosen by a clock (second chance) over the PPNs:
 * <ul>
 *   <li>each access stamps its page with the tick ({@code lastAccess}); the hand stamps each PPN it
 *       passes ({@code handStamp}). A page is <em>referenced</em> when it was accessed since the hand
 *       last passed its PPN ({@code lastAccess >= handStamp}); a newly mapped page counts as
 *       referenced. The hand clears a referenced page (stamps it) and moves on; the first page it
 *       finds unreferenced is the victim;</li>
 *   <li>a page accessed in the tick being generated is never a victim in that tick (a para-virtual
 *       guest's page-table entries are applied before the tick's operations, so unmapping a page
 *       the tick already used would unmap it under those uses);</li>
 *   <li>to find a PPN for an access the hand goes round at most twice (the first round clears,
 *       the second finds); when every resident page was used in this tick there is no victim, and
 *       the tick's remaining workload accesses are not made (the guest is thrashing: its usable
 *       memory is smaller than what one tick touches);</li>
 *   <li>to find pages for the balloon it goes round at most once (like Linux's balloon, which
 *       allocates without retrying): the balloon gets fewer pages than it asked for when the
 *       guest's resident pages are all in use. The balloon never takes the guest's last usable PPN.</li>
 * </ul>
 * <p>"Accessed" here means read or written by the tick's operations: the workload's accesses and
 * the guest OS's own writes (filling a new page, a page-in, re-issued mappings).
 * <p>A paged-out page's content stays in the guest's record ({@code expected}, the copy on its
 * virtual disk); its PPN goes into the tick's {@link Reservation#pageOuts()} (the disk's DMA read),
 * its mapping is removed ({@code UNMAP}, or an {@code mmu_update} clear entry for a para-virtual
 * guest), and the PPN is reused at once or given to the balloon. A later access to the page is a
 * guest page fault: a PPN is found (perhaps by paging out another page), mapped, and the recorded
 * token written back (a page-in), so integrity holds.
 *
 * <h2>Working-set truth</h2>
 *
 * <p>Period {@code k} covers simulated seconds {@code [k P, (k + 1) P)}, {@code P} =
 * {@link GuestMemorySettings#workingSetPeriodSeconds()}; a tick's accesses happen at its start
 * ({@code tick x tickSeconds}). {@code workingSetTruePages} is the number of distinct pages the
 * guest read or wrote in the last complete period (0 before one completed), counted from the
 * {@code lastAccess} stamps when the first tick of a new period is generated (no cost per access
 * beyond the stamp the clock needs anyway).
 *
 * <h2>Counters</h2>
 *
 * <p>{@link #counters()} adds to the access counts {@code guestSwappedPages} (pages on the
 * guest's disk now), {@code guestPageOuts} and {@code guestPageIns}, {@code balloonPages} (PPNs the
 * balloon holds: pinned and not yet given back, a deflate counting until the driver frees its
 * PPNs), {@code workingSetTruePages} and {@code stalledTicks}, all as of the tick's generation.
 *
 * <p>Owned by one {@link GuestVm}, not thread-safe.
 */
public final class GuestOs {
    static final long LOW_REGION_VPN = 0x400L;
    static final long HIGH_REGION_VPN = 0x7f0000000L;
    private static final int[] NO_PAGES = new int[0];
    /** {@code ppnOfPage}: the page was never touched. */
    private static final int UNTOUCHED = -1;
    /** {@code ppnOfPage}: the page is on the guest's virtual disk; {@code expected} holds its content. */
    private static final int ON_DISK = -2;
    /** {@code pageOfPpn}: the PPN is on the free list. */
    private static final int FREE = -1;
    /** {@code pageOfPpn}: the PPN is pinned by the balloon driver. */
    private static final int BALLOONED = -2;
    /** {@code lastAccess}: never accessed. */
    private static final int NEVER = -1;
    /** {@code handStamp} of a newly mapped PPN: its page counts as referenced at the hand's next pass. */
    private static final int JUST_MAPPED = Integer.MIN_VALUE;

    private final GuestSettings settings;
    private final int processes;
    /** log2(processes) when it is a power of two (no division on the hot path), else -1. */
    private final int processShift;
    /**
     * Operation and value streams, two of each, reused: tick {@code t}'s work is written into
     * those of parity {@code t & 1} and handed over as they are (with their lengths, no copy). They
     * are written again only for tick {@code t + 2}, which {@link #finishTick} refuses to generate
     * before tick {@code t}'s result has been verified, i.e. after the hypervisor has applied tick
     * {@code t} and is done with its streams; so tick {@code t + 1} may be generated (worked ahead)
     * while the hypervisor applies tick {@code t}.
     */
    private final LongBuffer[] opBuffers = {new LongBuffer(), new LongBuffer()};
    private final LongBuffer[] valueBuffers = {new LongBuffer(), new LongBuffer()};
    private Workload workload;
    /** The tick the current workload started at (its phases are timed from there). */
    private long workloadStartTick;
    private int workloadChanges;
    /** The workload a timed event changed to, or null while the settings' own runs. */
    private WorkloadSettings changedTo;
    /** The traces replayed, or null for a synthetic workload. */
    private final TraceWorkload traces;
    private final ContentModel content;
    private final KernelActivityGenerator kernel;
    /** PPN backing each workload page, or {@link #UNTOUCHED} or {@link #ON_DISK}: the guest's own page bookkeeping. */
    private int[] ppnOfPage;
    /** The token the guest last wrote to each workload page: its integrity record (and its disk copy). */
    private long[] expected;
    /** The tick each workload page was last read or written in, or {@link #NEVER}. */
    private int[] lastAccess;
    /** Pages in first-touch order, for audits. */
    private final IntArrayList touched = new IntArrayList();
    /**
     * The allocator's free PPNs: a stack of the PPNs given back (balloon releases, paging), taken
     * first, most recent first; then the never-used PPNs {@code [nextNeverUsed, configured)} in
     * ascending order. (The same order as one stack holding every free PPN, the never-used ones
     * at its bottom in descending order, at 4 bytes per PPN less.)
     */
    private final IntArrayList givenBack = new IntArrayList(0);
    private int nextNeverUsed;
    /**
     * The workload page each PPN holds, or {@link #FREE} or {@link #BALLOONED}, and the tick the
     * clock hand last cleared each PPN's page, or {@link #JUST_MAPPED}: made at the first pressure
     * (the first pin for the balloon, or the first PPN wanted when none is free; see
     * {@link #pressure}), so that a guest never under pressure does not pay 8 bytes per PPN for them.
     */
    private int[] pageOfPpn;
    private int[] handStamp;
    private int hand;
    private int residentPages;
    private int pagesOnDisk;
    private int balloonPages;
    private int[] p2m = new int[0];
    /** File-backed image: the token of each chunk, filling PPN 0 upward at boot; empty otherwise. */
    private final long[] imageTokens;
    private boolean imageLoaded;
    /** Pages whose mmu_update was refused, to map again (and rewrite), with the tick of the refusal. */
    private final IntArrayList remapPages = new IntArrayList(0);
    private final LongArrayList remapTicks = new LongArrayList(0);
    /** A refusal in the result of tick m is acted on in the work of tick m + remapLag or later. */
    private int remapLag = 1;

    /** The tick being generated, as a stamp. */
    private int stamp;
    /** The tick's page-outs (the reservation's DMA reads) and the PPNs it pins for the balloon. */
    private final IntArrayList tickPageOuts = new IntArrayList();
    private final IntArrayList tickPinned = new IntArrayList();

    private long accesses;
    private long reads;
    private long writes;
    private long readsVerified;
    private long readMismatches;
    private long pageIns;
    private long pageOuts;
    private long stalledTicks;
    private long workingSetTruePages;
    /** The working-set period the last generated tick fell in (Long.MIN_VALUE before the first), and its first tick. */
    private long wsPeriod = Long.MIN_VALUE;
    private long wsPeriodFirstTick;

    /**
     * Ticks generated but not yet verified: at most two, because a guest may generate tick n + 1
     * while the hypervisor applies tick n. Each keeps the digest its reads must produce and the
     * guest's counters as they stood when the tick was generated.
     */
    private final Pending[] pending = {new Pending(), new Pending()};
    /** The tick being generated: the fold of the tokens its reads must return, and how many reads. */
    private long tickDigest;
    private int tickReads;
    /** Counters as of the last verified tick. */
    private GuestCounters verifiedCounters = GuestCounters.ZERO;

    private static final class Pending {
        long tick = -1;
        long digest;
        int reads;
        long accesses;
        long readsTotal;
        long writes;
        long touched;
        long onDisk;
        long pageIns;
        long pageOuts;
        long balloon;
        long workingSet;
        long stalled;
        /** Pages of this tick's mmu_update entries, in order, and the batch size they were split by. */
        int[] mmuPages = new int[0];
        int mmuBatch = 1;
    }

    /**
     * What the balloon driver's step asks of the guest OS, carried out at the start of the next
     * tick the guest generates: free {@code release} (PPNs the balloon no longer holds), pin
     * {@code pinPages} pages (they go into the tick's {@link Reservation#inflate()}), and name
     * {@code deflate} (ballooned PPNs the driver takes back; they stay pinned until released).
     */
    public record BalloonOrders(int[] release, int pinPages, int[] deflate) {
        public static final BalloonOrders NONE = new BalloonOrders(NO_PAGES, 0, NO_PAGES);

        public BalloonOrders {
            release = release == null ? NO_PAGES : release;
            deflate = deflate == null ? NO_PAGES : deflate;
            if (pinPages < 0) {
                throw new IllegalArgumentException("cannot pin " + pinPages + " pages");
            }
        }

        public boolean isEmpty() {
            return release.length == 0 && pinPages == 0 && deflate.length == 0;
        }
    }

    public GuestOs(GuestSettings settings) {
        this.settings = settings;
        this.processes = settings.processes();
        this.processShift = Integer.bitCount(processes) == 1 ? Integer.numberOfTrailingZeros(processes) : -1;
        this.workload = new Workload(settings.workload(), Tokens.derive(settings.seed(), "workload"));
        if (settings.workload().isTrace() && settings.workload().traces().size() != processes) {
            throw new IllegalArgumentException(settings.name() + ": " + settings.workload().traces().size()
                    + " traces for " + processes + " processes (one process per trace)");
        }
        this.traces = settings.workload().isTrace() ? new TraceWorkload(settings.workload().traces()) : null;
        int workingSet = settings.workload().maxWorkingSetPages();
        this.content = new ContentModel(settings.content(), settings.seed(), workingSet);
        this.kernel = new KernelActivityGenerator(settings.osProfile(), Tokens.derive(settings.seed(), "kernel"));
        this.imageTokens = loadImage(settings);
        int pages = Math.max(workingSet, imageTokens.length);
        if (pages > settings.configuredPages()) {
            throw new IllegalArgumentException(settings.name() + ": working set or image of " + pages
                    + " pages exceeds its memory of " + settings.configuredPages() + " pages");
        }
        this.ppnOfPage = new int[pages];
        Arrays.fill(ppnOfPage, UNTOUCHED);
        this.expected = new long[pages];
        this.lastAccess = new int[pages];
        Arrays.fill(lastAccess, NEVER);
        // The guest's page allocator hands out PPNs in ascending order, after the image's.
        this.nextNeverUsed = imageTokens.length;
    }

    private static long[] loadImage(GuestSettings settings) {
        if (!settings.content().fileBacked()) {
            return new long[0];
        }
        List<Path> files = new ArrayList<>();
        for (String f : settings.content().imageFiles()) {
            files.add(Path.of(f));
        }
        try {
            return FileImage.tokens(files);
        } catch (IOException e) {
            throw new UncheckedIOException(settings.name() + ": cannot read its image: " + e.getMessage(), e);
        }
    }

    /** The hypervisor moved these PPNs to these MPNs (a merge, a copy-on-write break, a deflate): update the p2m. */
    public void remapped(int[] ppns, int[] mpns) {
        int n = Math.min(ppns.length, mpns.length);
        for (int i = 0; i < n; i++) {
            if (ppns[i] >= 0 && ppns[i] < p2m.length) {
                p2m[ppns[i]] = mpns[i];
            }
        }
    }

    /** The hypervisor accepted the boot; a para-virtual guest learns its machine frames. */
    public void booted(int[] p2m) {
        if (settings.mode() == TranslationMode.PARA && p2m.length != settings.configuredPages()) {
            throw new IllegalStateException(settings.name() + ": p2m of " + p2m.length + " entries for "
                    + settings.configuredPages() + " pages");
        }
        this.p2m = p2m;
    }

    /**
     * How many ticks after a refused {@code mmu_update} the guest re-issues its entries: 1 (the next
     * tick's work) for a guest that generates each tick's work when the tick starts, 2 for one that
     * works ahead (its next tick's work may already exist when the refusal arrives), so that the
     * work never depends on when a result arrived.
     */
    public void setRemapLag(int ticks) {
        if (ticks < 1) {
            throw new IllegalArgumentException("remap lag " + ticks);
        }
        this.remapLag = ticks;
    }

    /** The (process, VPN) key of workload page {@code page}. */
    public long keyOf(int page) {
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

    /**
     * The work of one tick: the ops and values streams (the first {@code opCount} entries of
     * {@code opBuffer} and {@code valueCount} of {@code valueBuffer}: the guest's own buffers,
     * valid until the guest generates the tick after next), for para guests the mmu_update batch,
     * the kernel's activity (null when it did nothing), and the reservation calls (null when none:
     * no page-out, inflate or deflate).
     */
    public record Work(List<MmuUpdate> mmuUpdates, long[] opBuffer, int opCount, long[] valueBuffer, int valueCount,
                       KernelActivity kernel, Reservation reservation) {
        /** A copy of the operation stream, of exactly its length. */
        public long[] ops() {
            return Arrays.copyOf(opBuffer, opCount);
        }

        /** A copy of the value stream, of exactly its length. */
        public long[] values() {
            return Arrays.copyOf(valueBuffer, valueCount);
        }

        /** The PPNs this tick pinned for the balloon (its inflate call), possibly none. */
        public int[] pinned() {
            return reservation == null ? NO_PAGES : reservation.inflate();
        }
    }

    /** Generates tick {@code tick}'s work with no balloon orders and no stall. */
    public Work generate(long tick, int maxMmuUpdateEntries) {
        return generate(tick, maxMmuUpdateEntries, BalloonOrders.NONE, false);
    }

    /**
     * Generates tick {@code tick}'s work and remembers the digest its reads must produce: first the
     * guest OS's own work (its image on the first tick, re-issued refused mappings), then the
     * balloon driver's {@code orders}, then the workload's accesses, none when {@code stall} (the
     * tick counts as stalled; page-outs and balloon calls still go).
     */
    public Work generate(long tick, int maxMmuUpdateEntries, BalloonOrders orders, boolean stall) {
        boolean para = settings.mode() == TranslationMode.PARA;
        Mmu mmu = new Mmu(new LongArrayList(), new IntArrayList(), new IntArrayList(), new IntArrayList());
        Pending slot = pending[(int) (tick & 1)];
        if (slot.tick >= 0) {
            // Before the buffers are touched: tick - 2's streams may still be read by the hypervisor.
            throw new IllegalStateException(settings.name() + ": tick " + tick + " generated while tick " + slot.tick
                    + " is still unverified");
        }
        LongBuffer ops = opBuffers[(int) (tick & 1)].clear();
        LongBuffer values = valueBuffers[(int) (tick & 1)].clear();
        tickDigest = Tokens.EMPTY_DIGEST;
        tickReads = 0;
        stamp = (int) tick;
        tickPageOuts.clear();
        tickPinned.clear();
        countWorkingSet(tick);
        beginTick(tick, para, ops, values, mmu);
        carryOut(orders, para, ops, mmu);
        int count = 0;
        if (stall) {
            stalledTicks++;
        } else {
            count = traces != null ? replayTraces(para, ops, values, mmu) : runWorkload(tick, para, ops, values, mmu);
        }
        Reservation reservation = null;
        if (!tickPageOuts.isEmpty() || !tickPinned.isEmpty() || orders.deflate().length > 0) {
            reservation = new Reservation(tickPageOuts.toIntArray(), tickPinned.toIntArray(), orders.deflate().clone());
        }
        return finishTick(tick, ops, values, mmu, maxMmuUpdateEntries, count, reservation);
    }

    /**
     * What the guest OS does before the tick's accesses: load its file-backed image on the first
     * tick, and re-issue the page-table writes of pages whose mmu_update was refused as stale (with
     * their content, from the guest's own record; a page paged out since gets its clear entry again).
     */
    private void beginTick(long tick, boolean para, LongBuffer ops, LongBuffer values, Mmu mmu) {
        if (!imageLoaded) {
            imageLoaded = true;
            for (int page = 0; page < imageTokens.length; page++) {
                mapAndWrite(page, page, keyOf(page), imageTokens[page], para, ops, values, mmu);
                touched.add(page);
            }
        }
        int kept = 0;
        for (int i = 0; i < remapPages.size(); i++) {
            int page = remapPages.getInt(i);
            if (remapTicks.getLong(i) > tick - remapLag) {
                remapPages.set(kept, page);
                remapTicks.set(kept++, remapTicks.getLong(i));
                continue;
            }
            long key = keyOf(page);
            int ppn = ppnOfPage[page];
            if (ppn >= 0) {
                mmu.add(key, p2m[ppn], ppn, page);
                ops.add(Ops.op(Ops.WRITE, key));
                values.add(expected[page]);
                lastAccess[page] = stamp;
                writes++;
                accesses++;
            } else if (ppn == ON_DISK) {
                mmu.add(key, MmuUpdate.CLEAR, -1, page);
            }
        }
        remapPages.size(kept);
        remapTicks.size(kept);
    }

    /** Carries out the balloon driver's orders: frees what the balloon gave back, then pins what it asks for. */
    private void carryOut(BalloonOrders orders, boolean para, LongBuffer ops, Mmu mmu) {
        for (int ppn : orders.deflate()) {
            requireBallooned(ppn, "deflate");
        }
        for (int ppn : orders.release()) {
            requireBallooned(ppn, "release");
            pageOfPpn[ppn] = FREE;
            givenBack.push(ppn);
            balloonPages--;
        }
        if (orders.pinPages() > 0) {
            pinForBalloon(orders.pinPages(), para, ops, mmu);
        }
    }

    private void requireBallooned(int ppn, String what) {
        if (pageOfPpn == null || ppn < 0 || ppn >= pageOfPpn.length || pageOfPpn[ppn] != BALLOONED) {
            throw new IllegalStateException(settings.name() + ": the balloon driver's " + what + " names PPN " + ppn
                    + ", which is not in its balloon");
        }
    }

    /**
     * Pins up to {@code pages} pages for the balloon: free PPNs first, then pages paged out as the
     * clock finds them in one round of the hand. Never pins the guest's last usable PPN.
     */
    private void pinForBalloon(int pages, boolean para, LongBuffer ops, Mmu mmu) {
        int want = Math.min(pages, settings.configuredPages() - balloonPages - 1);
        pressure();
        while (tickPinned.size() < want && freePages() > 0) {
            int ppn = popFree();
            pageOfPpn[ppn] = BALLOONED;
            tickPinned.add(ppn);
        }
        int n = pageOfPpn.length;
        for (int visits = 0; tickPinned.size() < want && visits < n && residentPages > 0; visits++) {
            int ppn = hand;
            hand = ppn + 1 == n ? 0 : ppn + 1;
            if (isVictim(ppn)) {
                pageOut(pageOfPpn[ppn], ppn, para, ops, mmu);
                pageOfPpn[ppn] = BALLOONED;
                tickPinned.add(ppn);
            }
        }
        balloonPages += tickPinned.size();
    }

    /**
     * One step of the clock hand at {@code ppn}: whether its page may be paged out now. A referenced
     * page is cleared (stamped) instead; a free or pinned PPN and a page used in this tick are passed.
     */
    private boolean isVictim(int ppn) {
        int page = pageOfPpn[ppn];
        if (page < 0) {
            return false;
        }
        int last = lastAccess[page];
        if (last == stamp) {
            return false;
        }
        if (last >= handStamp[ppn]) {
            handStamp[ppn] = stamp;
            return false;
        }
        return true;
    }

    /** A PPN for a first touch or a page-in: a free one, else one paged out by the clock; -1 when none can be. */
    private int takePpn(boolean para, LongBuffer ops, Mmu mmu) {
        if (freePages() > 0) {
            return popFree();
        }
        pressure();
        int n = pageOfPpn.length;
        for (int visits = 0; visits < 2 * n && residentPages > 0; visits++) {
            int ppn = hand;
            hand = ppn + 1 == n ? 0 : ppn + 1;
            if (isVictim(ppn)) {
                pageOut(pageOfPpn[ppn], ppn, para, ops, mmu);
                pageOfPpn[ppn] = FREE;
                return ppn;
            }
        }
        return -1;
    }

    /** Writes {@code page} to the guest's virtual disk and unmaps it; its PPN is the caller's to reuse. */
    private void pageOut(int page, int ppn, boolean para, LongBuffer ops, Mmu mmu) {
        long key = keyOf(page);
        if (para) {
            mmu.add(key, MmuUpdate.CLEAR, -1, page);
        } else {
            ops.add(Ops.op(Ops.UNMAP, key));
        }
        ppnOfPage[page] = ON_DISK;
        residentPages--;
        pagesOnDisk++;
        pageOuts++;
        tickPageOuts.add(ppn);
    }

    /** A synthetic workload's tick: its accesses, process by process; returns how many were made. */
    private int runWorkload(long tick, boolean para, LongBuffer ops, LongBuffer values, Mmu mmu) {
        double dt = settings.tickSeconds();
        int count = workload.beginTick((tick - workloadStartTick) * dt, dt);
        int ws = workload.workingSetPages();
        int made = 0;
        int k = 0;
        try {
            for (int process = 0; process < processes && count > 0; process++) {
                int slice = count / processes + (process < count % processes ? 1 : 0);
                if (slice == 0 || ws <= process) {
                    continue;
                }
                if (processes > 1) {
                    ops.add(Ops.op(Ops.SWITCH, process, 0));
                }
                for (k = 0; k < slice; k++) {
                    int page = workload.nextPage();
                    if (processes > 1) {
                        page = page - page % processes + process;
                        if (page >= ws) {
                            page -= processes;
                        }
                    }
                    access(page, keyOf(page), workload.nextIsWrite(), para, ops, values, mmu);
                }
                made += slice;
            }
        } catch (NoPpn e) {
            made += k; // the rest of the tick waits
        }
        return made;
    }

    /**
     * A trace workload's tick: for each process, as many records of its trace as the tick holds,
     * each one access to the page of its VPN; returns how many were made.
     */
    private int replayTraces(boolean para, LongBuffer ops, LongBuffer values, Mmu mmu) {
        double dt = settings.tickSeconds();
        int total = 0;
        for (int process = 0; process < processes; process++) {
            int count = traces.beginTick(process, dt);
            boolean switched = false;
            for (int k = 0; k < count && traces.next(process); k++) {
                if (processes > 1 && !switched) {
                    ops.add(Ops.op(Ops.SWITCH, process, 0));
                    switched = true;
                }
                int page = traces.page();
                if (page >= ppnOfPage.length) {
                    growPages(page + 1);
                }
                try {
                    access(page, traces.key(), traces.isWrite(), para, ops, values, mmu);
                } catch (NoPpn e) {
                    return total; // the rest of the tick waits
                }
                total++;
            }
        }
        return total;
    }

    /**
     * One access of the workload to {@code page}: a page not in memory is brought in first (a first
     * touch maps and fills it, a page-in maps it and writes back its recorded content); a write
     * records its fresh token, a read folds the token the guest expects into the tick's digest.
     *
     * @throws NoPpn (making no access) when no PPN can be had for the page
     */
    private void access(int page, long key, boolean write, boolean para, LongBuffer ops, LongBuffer values, Mmu mmu) {
        if (ppnOfPage[page] < 0) {
            bringIn(page, key, para, ops, values, mmu);
        }
        lastAccess[page] = stamp;
        if (write) {
            long token = content.nextWriteToken();
            ops.add(Ops.op(Ops.WRITE, key));
            values.add(token);
            expected[page] = token;
            writes++;
        } else {
            ops.add(Ops.op(Ops.READ, key));
            tickDigest = Tokens.fold(tickDigest, expected[page]);
            tickReads++;
        }
        accesses++;
    }

    /**
     * A guest page fault: a first touch, or a page-in from the guest's virtual disk.
     *
     * @throws NoPpn when no PPN can be had (every page in memory was used in this tick)
     */
    private void bringIn(int page, long key, boolean para, LongBuffer ops, LongBuffer values, Mmu mmu) {
        int ppn = takePpn(para, ops, mmu);
        if (ppn < 0) {
            throw NO_PPN;
        }
        if (ppnOfPage[page] == ON_DISK) {
            pagesOnDisk--;
            pageIns++;
            mapAndWrite(page, ppn, key, expected[page], para, ops, values, mmu);
        } else {
            // The OS fills the new page: zeroes it, or reads it in from the image.
            long token = settings.content().fileBacked() ? Tokens.ZERO : content.initialToken(page);
            mapAndWrite(page, ppn, key, token, para, ops, values, mmu);
            touched.add(page);
        }
    }

    /**
     * No PPN can be had for an access: the rest of the tick's accesses wait. Signalled by one
     * preallocated exception without a stack trace, caught outside the access loops, so that the
     * per-access path keeps a single exit (a returned flag tested per access cost several percent
     * of the guest's generation speed).
     */
    private static final class NoPpn extends RuntimeException {
        NoPpn() {
            super("no PPN can be had", null, false, false);
        }
    }

    private static final NoPpn NO_PPN = new NoPpn();

    /** The per-page arrays grow when a trace shows more pages than it did when it was scanned. */
    private void growPages(int pages) {
        int size = Math.min(settings.configuredPages(), Math.max(pages, ppnOfPage.length * 2));
        if (size < pages) {
            throw new IllegalStateException(settings.name() + ": its traces touch more than its "
                    + settings.configuredPages() + " pages of memory");
        }
        resizePages(size);
    }

    private void resizePages(int size) {
        int old = ppnOfPage.length;
        ppnOfPage = Arrays.copyOf(ppnOfPage, size);
        Arrays.fill(ppnOfPage, old, size, UNTOUCHED);
        expected = Arrays.copyOf(expected, size);
        lastAccess = Arrays.copyOf(lastAccess, size);
        Arrays.fill(lastAccess, old, size, NEVER);
    }

    /**
     * At the first tick of a new working-set period: the distinct pages read or written in the
     * period just completed (0 when the last complete period held no tick).
     */
    private void countWorkingSet(long tick) {
        long period = (long) Math.floor(tick * settings.tickSeconds() / settings.memory().workingSetPeriodSeconds() + 1e-9);
        if (wsPeriod == Long.MIN_VALUE) {
            wsPeriod = period;
            wsPeriodFirstTick = tick;
            return;
        }
        if (period == wsPeriod) {
            return;
        }
        long count = 0;
        if (period == wsPeriod + 1) {
            int[] last = lastAccess;
            for (int page = 0; page < last.length; page++) {
                if (last[page] >= wsPeriodFirstTick && last[page] < tick) {
                    count++;
                }
            }
        }
        workingSetTruePages = count;
        wsPeriod = period;
        wsPeriodFirstTick = tick;
    }

    /** Ends a tick's generation: remembers what its reads must produce, packs its mmu_update batches and kernel activity. */
    private Work finishTick(long tick, LongBuffer ops, LongBuffer values, Mmu mmu, int maxMmuUpdateEntries, int count,
                            Reservation reservation) {
        reads += tickReads;
        Pending p = pending[(int) (tick & 1)];
        if (p.tick >= 0) {
            throw new IllegalStateException(settings.name() + ": tick " + tick + " generated while tick " + p.tick
                    + " is still unverified");
        }
        p.tick = tick;
        p.digest = tickDigest;
        p.reads = tickReads;
        p.accesses = accesses;
        p.readsTotal = reads;
        p.writes = writes;
        p.touched = touched.size();
        p.onDisk = pagesOnDisk;
        p.pageIns = pageIns;
        p.pageOuts = pageOuts;
        p.balloon = balloonPages;
        p.workingSet = workingSetTruePages;
        p.stalled = stalledTicks;
        p.mmuPages = mmu.pages().toIntArray();
        p.mmuBatch = Math.max(1, maxMmuUpdateEntries);
        List<MmuUpdate> batches = List.of();
        if (!mmu.keys().isEmpty()) {
            batches = splitMmuUpdates(mmu.keys().toLongArray(), mmu.mpns().toIntArray(), mmu.ppns().toIntArray(),
                    maxMmuUpdateEntries);
        }
        return new Work(batches, ops.data, ops.size, values.data, values.size, kernel.next(count), reservation);
    }

    /** A tick's mmu_update entries being gathered, with the workload page of each. */
    private record Mmu(LongArrayList keys, IntArrayList mpns, IntArrayList ppns, IntArrayList pages) {
        void add(long key, int mpn, int ppn, int page) {
            keys.add(key);
            mpns.add(mpn);
            ppns.add(ppn);
            pages.add(page);
        }
    }

    /** Maps {@code page} to {@code ppn} and writes {@code token} there (a fill, or a page-in). */
    private void mapAndWrite(int page, int ppn, long key, long token, boolean para, LongBuffer ops, LongBuffer values,
                             Mmu mmu) {
        ppnOfPage[page] = ppn;
        if (pageOfPpn != null) {
            pageOfPpn[ppn] = page;
            handStamp[ppn] = JUST_MAPPED;
        }
        lastAccess[page] = stamp;
        residentPages++;
        if (para) {
            mmu.add(key, p2m[ppn], ppn, page);
        } else {
            ops.add(Ops.op(Ops.MAP, key));
            values.add(ppn);
        }
        ops.add(Ops.op(Ops.WRITE, key));
        values.add(token);
        expected[page] = token;
        accesses++;
        writes++;
    }

    private static List<MmuUpdate> splitMmuUpdates(long[] keys, int[] mpns, int[] ppns, int max) {
        if (keys.length <= max) {
            return List.of(new MmuUpdate(keys, mpns, ppns));
        }
        MmuUpdate[] batches = new MmuUpdate[(keys.length + max - 1) / max];
        for (int b = 0; b < batches.length; b++) {
            int from = b * max;
            int to = Math.min(keys.length, from + max);
            batches[b] = new MmuUpdate(Arrays.copyOfRange(keys, from, to), Arrays.copyOfRange(mpns, from, to),
                    Arrays.copyOfRange(ppns, from, to));
        }
        return List.of(batches);
    }

    /**
     * Checks the hypervisor's digest of a tick's reads against the guest's own record; a result for
     * a tick this guest did not generate (or already verified) is counted as no reads and fails.
     * A refused stale {@code mmu_update} batch is re-issued {@link #setRemapLag the remap lag} later.
     */
    public boolean verify(TickResult result) {
        if (result.tick() < 0) {
            return false;
        }
        Pending p = pending[(int) (result.tick() & 1)];
        if (p.tick != result.tick()) {
            return false;
        }
        for (Refusal r : result.refusals()) {
            if (r.reason() == RefusalReason.FRAME_NOT_OWNED && r.index() >= 0) {
                // A stale MPN in this batch: map its pages again from the updated p2m.
                int from = r.index() * p.mmuBatch;
                for (int i = from; i < Math.min(p.mmuPages.length, from + p.mmuBatch); i++) {
                    remapPages.add(p.mmuPages[i]);
                    remapTicks.add(result.tick());
                }
            }
        }
        boolean ok = result.readDigest() == p.digest && result.reads() == p.reads;
        if (ok) {
            readsVerified += p.reads;
        } else {
            readMismatches += p.reads;
        }
        verifiedCounters = new GuestCounters(p.accesses, p.readsTotal, p.writes, p.touched, readsVerified,
                readMismatches, p.onDisk, p.pageIns, p.pageOuts, p.balloon, p.workingSet, p.stalled);
        p.tick = -1;
        p.mmuPages = NO_PAGES;
        return ok;
    }

    /**
     * The guest's integrity record of the pages in its memory: every resident page's key and
     * expected token (a page on its virtual disk is not mapped, and its record is the disk copy).
     * Only valid when every generated tick has been verified (no tick generated ahead).
     */
    public Audit audit() {
        for (Pending p : pending) {
            if (p.tick >= 0) {
                throw new IllegalStateException(settings.name() + ": audit while tick " + p.tick + " is generated ahead");
            }
        }
        int n = touched.size();
        long[] keys = new long[n - pagesOnDisk];
        long[] tokens = new long[keys.length];
        int k = 0;
        for (int i = 0; i < n; i++) {
            int page = touched.getInt(i);
            if (ppnOfPage[page] >= 0) {
                keys[k] = keyOf(page);
                tokens[k++] = expected[page];
            }
        }
        return new Audit(keys, tokens);
    }

    /**
     * Why {@code next} cannot become this guest's workload, or null: a trace workload is neither
     * replaced nor replaces another (its pages are the traces' own), and a working set must fit in
     * the guest's memory.
     */
    public String workloadProblem(WorkloadSettings next) {
        if (next == null) {
            return "no workload given";
        }
        if (traces != null) {
            return settings.name() + " replays traces; its workload cannot be changed";
        }
        if (next.isTrace()) {
            return "a running guest cannot change to a trace workload";
        }
        int pages = next.maxWorkingSetPages();
        if (pages > settings.configuredPages()) {
            return "working set of " + pages + " pages exceeds " + settings.name() + "'s memory of "
                    + settings.configuredPages() + " pages";
        }
        return null;
    }

    /**
     * Makes {@code next} the guest's workload from tick {@code fromTick} on: its phases are timed
     * from that tick, and its random choices are seeded from the guest's seed and the number of
     * changes so far. Pages of the old workload stay where they are (the clock pages them out
     * once they go cold).
     *
     * @throws IllegalArgumentException with {@link #workloadProblem}'s reason
     */
    public void changeWorkload(WorkloadSettings next, long fromTick) {
        String problem = workloadProblem(next);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        workloadChanges++;
        workload = new Workload(next, Tokens.derive(settings.seed(), "workload-" + workloadChanges));
        workloadStartTick = fromTick;
        changedTo = next;
        if (next.maxWorkingSetPages() > ppnOfPage.length) {
            resizePages(next.maxWorkingSetPages());
        }
    }

    /** The guest's counters as of its last verified tick (a tick generated ahead is not counted yet). */
    public GuestCounters counters() {
        return verifiedCounters;
    }

    public GuestSettings settings() {
        return settings;
    }

    /** PPNs the balloon holds now (pinned and not yet given back to the guest, deflated or not). */
    public int balloonPages() {
        return balloonPages;
    }

    /** Workload pages in memory now. */
    public int residentPages() {
        return residentPages;
    }

    /** Workload pages on the guest's virtual disk now. */
    public int pagesOnDisk() {
        return pagesOnDisk;
    }

    /** PPNs on the allocator's free list now. */
    public int freePages() {
        return givenBack.size() + settings.configuredPages() - nextNeverUsed;
    }

    /** Takes a free PPN (there is one): the last given back, else the lowest never used. */
    private int popFree() {
        return givenBack.isEmpty() ? nextNeverUsed++ : givenBack.popInt();
    }

    /**
     * Makes what each PPN holds and the clock's stamps, at the first pressure: every PPN free but
     * those holding a page (and a file-backed image's, which are its before its first tick); every
     * page in memory counts as just mapped (the hand has not moved yet).
     */
    private void pressure() {
        if (pageOfPpn != null) {
            return;
        }
        int configured = settings.configuredPages();
        pageOfPpn = new int[configured];
        handStamp = new int[configured];
        Arrays.fill(pageOfPpn, FREE);
        for (int page = 0; page < ppnOfPage.length; page++) {
            int ppn = ppnOfPage[page];
            if (ppn >= 0) {
                pageOfPpn[ppn] = page;
                handStamp[ppn] = JUST_MAPPED;
            }
        }
    }

    /** Why one of the guest's traces ended early since the last call (a read error), or null. */
    public String takeTraceError() {
        return traces == null ? null : traces.takeError();
    }

    /** Releases what the workload holds open (trace files). */
    public void close() {
        if (traces != null) {
            traces.close();
        }
    }

    // ---------------------------------------------------------------- live migration

    /** Whether this guest can be saved and restored elsewhere (a trace replay too: its files are read again there). */
    public boolean migratable() {
        return true;
    }

    /**
     * The guest's whole state between two ticks (see {@link GuestOsSnapshot}). Only valid when every
     * generated tick has been verified (no tick generated ahead).
     */
    public GuestOsSnapshot snapshot() {
        for (Pending p : pending) {
            if (p.tick >= 0) {
                throw new IllegalStateException(settings.name() + ": snapshot while tick " + p.tick + " is generated ahead");
            }
        }
        int[] stamps = new int[ppnOfPage.length];
        for (int page = 0; page < ppnOfPage.length; page++) {
            stamps[page] = ppnOfPage[page] < 0 ? 0 : handStamp == null ? JUST_MAPPED : handStamp[ppnOfPage[page]];
        }
        return new GuestOsSnapshot(ppnOfPage.clone(), expected.clone(), touched.toIntArray(), nextNeverUsed,
                givenBack.toIntArray(),
                imageLoaded, remapPages.toIntArray(), remapTicks.toLongArray(),
                accesses, reads, writes, readsVerified, readMismatches, verifiedCounters, workload.randomState(),
                workload.carry(), kernel.randomState(), kernel.workRemainder(), content.writes(),
                new GuestOsSnapshot.Paging(lastAccess.clone(), stamps, hand, residentPages, pagesOnDisk, balloonPages,
                        pageIns, pageOuts, stalledTicks, workingSetTruePages, wsPeriod, wsPeriodFirstTick),
                new GuestOsSnapshot.Workload(changedTo, workloadStartTick, workloadChanges),
                traces == null ? null : traces.state());
    }

    /**
     * Takes over a snapshot of a guest made from the same settings (on another host: its host and
     * index may differ). Call on a fresh guest OS, before its first tick and before its boot reply.
     */
    public void restore(GuestOsSnapshot s) {
        GuestOsSnapshot.Paging p = s.paging();
        if (s.ppnOfPage().length != s.expected().length || s.ppnOfPage().length > settings.configuredPages()
                || p == null || p.lastAccess().length != s.ppnOfPage().length
                || p.handStampOfPage().length != s.ppnOfPage().length || s.remapPages().length != s.remapTicks().length
                || s.nextNeverUsed() < 0 || s.nextNeverUsed() > settings.configuredPages()) {
            throw misfit();
        }
        for (int ppn : s.givenBack()) {
            if (ppn < 0 || ppn >= s.nextNeverUsed()) {
                throw misfit();
            }
        }
        nextNeverUsed = s.nextNeverUsed();
        givenBack.clear();
        givenBack.addElements(0, s.givenBack());
        ppnOfPage = s.ppnOfPage().clone();
        expected = s.expected().clone();
        lastAccess = p.lastAccess().clone();
        // what each PPN holds: a page, a free PPN, else one the balloon driver pinned
        pageOfPpn = new int[settings.configuredPages()];
        handStamp = new int[settings.configuredPages()];
        Arrays.fill(pageOfPpn, BALLOONED);
        Arrays.fill(pageOfPpn, nextNeverUsed, pageOfPpn.length, FREE);
        for (int k = 0; k < givenBack.size(); k++) {
            pageOfPpn[givenBack.getInt(k)] = FREE;
        }
        if (!s.imageLoaded()) { // the image's PPNs are kept for it, off the free stack, until its first tick
            Arrays.fill(pageOfPpn, 0, imageTokens.length, FREE);
        }
        for (int page = 0; page < ppnOfPage.length; page++) {
            int ppn = ppnOfPage[page];
            if (ppn >= 0) {
                if (ppn >= pageOfPpn.length) {
                    throw misfit();
                }
                pageOfPpn[ppn] = page;
                handStamp[ppn] = p.handStampOfPage()[page];
            }
        }
        touched.clear();
        touched.addElements(0, s.touched());
        imageLoaded = s.imageLoaded();
        remapPages.clear();
        remapPages.addElements(0, s.remapPages());
        remapTicks.clear();
        remapTicks.addElements(0, s.remapTicks());
        accesses = s.accesses();
        reads = s.reads();
        writes = s.writes();
        readsVerified = s.readsVerified();
        readMismatches = s.readMismatches();
        verifiedCounters = s.verifiedCounters();
        GuestOsSnapshot.Workload w = s.workload() == null ? GuestOsSnapshot.Workload.ORIGINAL : s.workload();
        if (w.changedTo() != null) {
            workload = new Workload(w.changedTo(), Tokens.derive(settings.seed(), "workload-" + w.changes()));
        }
        changedTo = w.changedTo();
        workloadStartTick = w.startTick();
        workloadChanges = w.changes();
        workload.restore(s.workloadRandom(), s.workloadCarry());
        kernel.restore(s.kernelRandom(), s.kernelWorkRemainder());
        content.restoreWrites(s.contentWrites());
        if ((traces == null) != (s.trace() == null)) {
            throw misfit();
        }
        if (traces != null) {
            traces.restore(s.trace());
        }
        hand = p.hand();
        residentPages = p.residentPages();
        pagesOnDisk = p.pagesOnDisk();
        balloonPages = p.balloonPages();
        pageIns = p.pageIns();
        pageOuts = p.pageOuts();
        stalledTicks = p.stalledTicks();
        workingSetTruePages = p.workingSetTruePages();
        wsPeriod = p.wsPeriod();
        wsPeriodFirstTick = p.wsPeriodFirstTick();
    }

    private IllegalArgumentException misfit() {
        return new IllegalArgumentException(settings.name() + ": snapshot does not fit this guest");
    }

    /** A growable long array reused across ticks: no zeroing, no per-add indirection. */
    private static final class LongBuffer {
        private long[] data = new long[1024];
        private int size;

        LongBuffer clear() {
            size = 0;
            return this;
        }

        void add(long value) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = value;
        }

    }
}
