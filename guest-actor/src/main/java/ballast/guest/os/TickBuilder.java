package ballast.guest.os;

import ballast.abi.Ops;
import ballast.abi.Tokens;
import ballast.guest.ContentModel;
import ballast.guest.GuestSettings;
import ballast.guest.workload.TraceWorkload;
import ballast.guest.workload.Workload;
import it.unimi.dsi.fastutil.ints.IntArrayList;

/**
 * Builds one tick's work into the {@link OpStream} and the {@link MmuBatch}: first the guest OS's
 * own work (its image on the first tick, re-issued refused mappings), then the balloon driver's
 * orders (free what it gives back, pin what it asks for), then the workload's accesses, each one
 * bringing its page in first when it is not in memory.
 *
 * <p>How a page is brought in: a PPN is taken from the allocator, else the {@link ClockPager}'s
 * hand finds a victim in at most two rounds, which is paged out to the guest's virtual disk (its
 * content stays in the {@link IntegrityRecord}, its PPN goes into the tick's page-outs, its
 * mapping is removed: {@code UNMAP}, or an {@code mmu_update} clear entry for a para-virtual
 * guest). Then the page is mapped and filled: zeroed (a file-backed guest), its content model's
 * first token, or its recorded token written back (a page-in). When every resident page was used
 * in this tick there is no victim, and the tick's remaining workload accesses are not made (the
 * guest is thrashing: its usable memory is smaller than what one tick touches). Pages for the
 * balloon: free PPNs first, then victims found in one round of the hand (like Linux's balloon,
 * which allocates without retrying); never the guest's last usable PPN.
 *
 * <p>"Accessed" means read or written by the tick's operations: the workload's accesses and the
 * guest OS's own writes (filling a new page, a page-in, re-issued mappings). The per-access path
 * writes packed longs and primitive arrays only; no object per access.
 *
 * <p>It owns the tick's page-outs and pins and the guest's access and paging counters. Owned by
 * one {@link GuestOs}, not thread-safe.
 */
final class TickBuilder {
    private final GuestSettings settings;
    private final int processes;
    private final boolean para;
    private final boolean fileBacked;
    private final PageTable pages;
    private final ClockPager pager;
    private final IntegrityRecord record;
    private final MmuBatch mmu;
    private final OpStream stream;
    private final OsImage image;
    private final ContentModel content;
    /** The traces replayed, or null for a synthetic workload. */
    private final TraceWorkload traces;
    private Workload workload;
    /** The tick the current workload started at (its phases are timed from there). */
    private long workloadStartTick;

    /** The tick being generated, as a stamp. */
    private int stamp;
    /** The tick's page-outs (the reservation's DMA reads) and the PPNs it pins for the balloon. */
    private final IntArrayList tickPageOuts = new IntArrayList();
    private final IntArrayList tickPinned = new IntArrayList();
    /** A batch of the synthetic workload's accesses, drawn ahead of making them (page and write, packed). */
    private final long[] batch = new long[Workload.MAX_BATCH];

    private long accesses;
    private long reads;
    private long writes;
    private long pageIns;
    private long pageOuts;
    private long stalledTicks;
    /** Pages the OS filled itself (first touches, page-ins, the image): not workload accesses. */
    private long pageFills;
    /** Accesses the workload asked for in the tick being generated. */
    private long tickDemand;
    /** Whether processes free the pages beyond their working set when it shrinks. */
    private final boolean freeOnShrink;
    /** The largest working set since pages were last freed (pages beyond the working set may be in memory). */
    private int workingSetHigh;
    /** Pages the processes freed when their working set shrank. */
    private long pagesFreed;

    TickBuilder(GuestSettings settings, PageTable pages, ClockPager pager, IntegrityRecord record, MmuBatch mmu,
                OpStream stream, OsImage image, ContentModel content, TraceWorkload traces, Workload workload) {
        this.settings = settings;
        this.processes = settings.processes();
        this.para = settings.mode() == ballast.abi.TranslationMode.PARA;
        this.fileBacked = settings.content().fileBacked();
        this.pages = pages;
        this.pager = pager;
        this.record = record;
        this.mmu = mmu;
        this.stream = stream;
        this.image = image;
        this.content = content;
        this.traces = traces;
        this.workload = workload;
        this.freeOnShrink = settings.memory().freeOnShrink();
    }

    /** Makes {@code next} the workload, its phases timed from {@code startTick}. */
    void setWorkload(Workload next, long startTick) {
        this.workload = next;
        this.workloadStartTick = startTick;
    }

    /** The streams the tick is built into. */
    OpStream stream() {
        return stream;
    }

    Workload workload() {
        return workload;
    }

    long workloadStartTick() {
        return workloadStartTick;
    }

    /** Starts tick {@code tick}: empty streams and batch, no page-outs or pins yet. */
    void begin(long tick) {
        tickDemand = 0;
        stream.begin(tick);
        mmu.clear();
        record.beginTick();
        stamp = (int) tick;
        tickPageOuts.clear();
        tickPinned.clear();
    }

    /**
     * What the guest OS does before the tick's accesses: load its file-backed image on the first
     * tick, and re-issue the page-table writes of pages whose mmu_update was refused as stale (with
     * their content, from the guest's own record; a page paged out since gets its clear entry again).
     */
    void osWork(long tick) {
        if (image.takeLoad()) {
            for (int page = 0; page < image.pages(); page++) {
                mapAndWrite(page, page, pages.keyOf(page), image.token(page));
                pages.touched(page);
            }
        }
        for (int page : mmu.takeDue(tick)) {
            long key = pages.keyOf(page);
            int ppn = pages.ppnOf(page);
            if (ppn >= 0) {
                mmu.map(key, ppn, page);
                stream.op(Ops.op(Ops.WRITE, key));
                stream.value(record.expected(page));
                pages.stamp(page, stamp);
                writes++;
                accesses++;
            } else if (ppn == PageTable.ON_DISK) {
                mmu.unmap(key, page);
            }
        }
    }

    /** Carries out the balloon driver's orders: frees what the balloon gave back, then pins what it asks for. */
    void carryOut(GuestOs.BalloonOrders orders) {
        for (int ppn : orders.deflate()) {
            pager.requireBallooned(ppn, "deflate");
        }
        for (int ppn : orders.release()) {
            pager.release(ppn);
        }
        if (orders.pinPages() > 0) {
            pinForBalloon(orders.pinPages());
        }
    }

    /**
     * Pins up to {@code count} pages for the balloon: free PPNs first, then pages paged out as the
     * clock finds them in one round of the hand. Never pins the guest's last usable PPN.
     */
    private void pinForBalloon(int count) {
        int want = Math.min(count, pager.pinnable());
        pager.pressure();
        while (tickPinned.size() < want && pager.freePages() > 0) {
            int ppn = pager.popFree();
            pager.pin(ppn);
            tickPinned.add(ppn);
        }
        int n = pager.configured();
        for (int visits = 0; tickPinned.size() < want && visits < n && pages.residentPages() > 0; visits++) {
            int ppn = pager.step(stamp);
            if (ppn >= 0) {
                pageOut(pager.pageOf(ppn), ppn);
                pager.pin(ppn);
                tickPinned.add(ppn);
            }
        }
        pager.ballooned(tickPinned.size());
    }

    /** The tick is stalled: no workload accesses. */
    void stall() {
        stalledTicks++;
    }

    /** The workload's accesses for tick {@code tick}, nothing limiting them; returns how many were made. */
    int workloadAccesses(long tick) {
        return workloadAccesses(tick, Long.MAX_VALUE);
    }

    /**
     * The workload's accesses for tick {@code tick}, at most {@code allowance} of them (the time
     * model's pace: what the guest's speed lets it do); returns how many were made. The workload's
     * demand for the tick is {@link #tickDemand()}. A trace keeps the records not replayed for the
     * next ticks (its work waits); a synthetic workload's accesses beyond the allowance are not
     * made (its rate is what it asks for, not what it gets).
     */
    int workloadAccesses(long tick, long allowance) {
        if (allowance < 0) {
            throw new IllegalArgumentException("negative access allowance " + allowance);
        }
        tickDemand = 0;
        return traces != null ? replayTraces(allowance) : runWorkload(tick, allowance);
    }

    /** Accesses the workload asked for in the last tick generated (0 when it was stalled). */
    long tickDemand() {
        return tickDemand;
    }

    /** Ends the tick: its reads count into the total. */
    void end() {
        reads += record.tickReads();
    }

    int[] tickPageOuts() {
        return tickPageOuts.toIntArray();
    }

    int[] tickPinned() {
        return tickPinned.toIntArray();
    }

    boolean tickHasReservation() {
        return !tickPageOuts.isEmpty() || !tickPinned.isEmpty();
    }

    /** A PPN for a first touch or a page-in: a free one, else one paged out by the clock; -1 when none can be. */
    private int takePpn() {
        if (pager.freePages() > 0) {
            return pager.popFree();
        }
        pager.pressure();
        int n = pager.configured();
        for (int visits = 0; visits < 2 * n && pages.residentPages() > 0; visits++) {
            int ppn = pager.step(stamp);
            if (ppn >= 0) {
                pageOut(pager.pageOf(ppn), ppn);
                pager.evicted(ppn);
                return ppn;
            }
        }
        return -1;
    }

    /** Writes {@code page} to the guest's virtual disk and unmaps it; its PPN is the caller's to reuse. */
    private void pageOut(int page, int ppn) {
        long key = pages.keyOf(page);
        if (para) {
            mmu.unmap(key, page);
        } else {
            stream.op(Ops.op(Ops.UNMAP, key));
        }
        pages.pagedOut(page);
        pageOuts++;
        tickPageOuts.add(ppn);
    }

    /**
     * Its processes free the pages beyond working set {@code ws} when it shrank below the largest
     * working set since the last free (a phase, a workload change): each page in memory is unmapped
     * ({@code UNMAP}, or an {@code mmu_update} clear entry) and its PPN goes on the free list; a page
     * on the virtual disk is dropped there. A page freed and touched again is filled afresh.
     */
    private void freeBeyond(int ws) {
        if (ws >= workingSetHigh) {
            workingSetHigh = ws;
            return;
        }
        int end = Math.min(workingSetHigh, pages.size());
        for (int page = ws; page < end; page++) {
            int ppn = pages.ppnOf(page);
            if (ppn >= 0) {
                long key = pages.keyOf(page);
                if (para) {
                    mmu.unmap(key, page);
                } else {
                    stream.op(Ops.op(Ops.UNMAP, key));
                }
                pages.freed(page);
                pager.free(ppn);
                pagesFreed++;
            } else if (ppn == PageTable.ON_DISK) {
                pages.freedOnDisk(page);
                pagesFreed++;
            }
        }
        workingSetHigh = ws;
    }

    /** Pages the processes freed when their working set shrank. */
    long pagesFreed() {
        return pagesFreed;
    }

    /** After a restore: the working set in force is the largest since the last free (a shrink at the move is not seen). */
    void restoreWorkingSetHigh() {
        workingSetHigh = traces == null ? workload.workingSetPages() : 0;
    }

    /**
     * A synthetic workload's tick: its accesses, process by process; returns how many were made.
     * The accesses are drawn in batches ({@link Workload#peekAccesses}) and made by
     * {@link #makeAccesses}; the workload's random stream is then moved past those made, and when
     * the tick stops early (no PPN) past the refused access too, which had drawn its page and its
     * write: exactly where drawing them one by one leaves it.
     */
    private int runWorkload(long tick, long allowance) {
        double dt = settings.tickSeconds();
        int demand = workload.beginTick((tick - workloadStartTick) * dt, dt);
        tickDemand = demand;
        int count = (int) Math.min(demand, allowance);
        int ws = workload.workingSetPages();
        if (freeOnShrink) {
            freeBeyond(ws);
        }
        int made = 0;
        int k = 0; // where in the process's slice the batch being made starts
        long[] batch = this.batch;
        try {
            for (int process = 0; process < processes && count > 0; process++) {
                int slice = count / processes + (process < count % processes ? 1 : 0);
                if (slice == 0 || ws <= process) {
                    continue;
                }
                if (processes > 1) {
                    stream.op(Ops.op(Ops.SWITCH, process, 0));
                }
                for (k = 0; k < slice; k += Workload.MAX_BATCH) {
                    int n = Math.min(Workload.MAX_BATCH, slice - k);
                    workload.peekAccesses(batch, n);
                    if (processes > 1) {
                        toProcess(batch, n, process, ws);
                    }
                    makeAccesses(batch, n);
                    workload.tookAccesses(n);
                }
                made += slice;
            }
        } catch (NoPpn e) {
            // The rest of the tick waits; the access refused had drawn its page and its write.
            workload.tookAccesses(batchMade + 1);
            made += k + batchMade;
        }
        return made;
    }

    /**
     * Moves each access of the batch to a page of {@code process} (page index modulo processes):
     * in the drawn page's own group of {@code processes} pages, or the group below when that page
     * would be past the working set {@code ws}.
     */
    private void toProcess(long[] batch, int n, int process, int ws) {
        for (int i = 0; i < n; i++) {
            int page = Workload.page(batch[i]);
            page = page - page % processes + process;
            if (page >= ws) {
                page -= processes;
            }
            batch[i] = Workload.access(page, Workload.isWrite(batch[i]));
        }
    }

    /**
     * A trace workload's tick: for each process, as many records of its trace as the tick holds,
     * each one access to the page of its VPN; returns how many were made.
     */
    private int replayTraces(long allowance) {
        double dt = settings.tickSeconds();
        long[] batch = this.batch;
        int total = 0;
        for (int process = 0; process < processes; process++) {
            int asked = traces.beginTick(process, dt);
            tickDemand += asked;
            int count = (int) Math.min(asked, Math.max(0, allowance - total));
            boolean switched = false;
            for (int k = 0; k < count && traces.next(process); k++) {
                if (processes > 1 && !switched) {
                    stream.op(Ops.op(Ops.SWITCH, process, 0));
                    switched = true;
                }
                int page = traces.page();
                if (page >= pages.size()) {
                    growPages(page + 1);
                }
                batch[0] = Workload.access(page, traces.isWrite());
                try {
                    makeAccesses(batch, 1);
                } catch (NoPpn e) {
                    return total; // the rest of the tick waits
                }
                total++;
            }
        }
        return total;
    }

    /** Accesses {@link #makeAccesses} made of its batch (when it threw, those before the refused one). */
    private int batchMade;

    /**
     * The workload's accesses {@code batch[0 .. n)} (packed as {@link Workload#peekAccesses} packs
     * them), in order: each stamps its page with the tick; a write appends {@code WRITE} and a
     * fresh token and records the token, a read appends {@code READ} and folds the token the guest
     * expects into the tick's digest. A page not in memory is brought in first ({@link #bringIn}: a
     * first touch maps and fills it, a page-in maps it and writes back its recorded content).
     *
     * <p>The loop writes the page table's, the integrity record's and the streams' arrays directly
     * and keeps the streams' counts, the digest and the counters in locals, written back when it
     * ends and before a page is brought in (a page fault goes through their methods): no store and
     * reload of those fields chains one access to the next (a read's fold into the digest does,
     * by the digest's definition).
     *
     * @throws NoPpn when no PPN can be had for a page; {@link #batchMade} is then the accesses made before it
     */
    private void makeAccesses(long[] batch, int n) {
        PageTable pages = this.pages;
        ContentModel content = this.content;
        int stamp = this.stamp;
        int i = 0;
        while (true) {
            int[] ppns = pages.ppns();
            int[] stamps = pages.stamps();
            long[] expected = record.expectedTokens();
            stream.reserve(n - i, n - i); // one operation and at most one value per access
            long[] ops = stream.opArray();
            long[] values = stream.valueArray();
            int opCount = stream.opCount();
            int valueCount = stream.valueCount();
            long digest = record.tickDigest();
            int from = i;
            int written = 0;
            for (; i < n; i++) {
                int page = Workload.page(batch[i]);
                if (ppns[page] < 0) {
                    break;
                }
                long key = pages.keyOf(page);
                stamps[page] = stamp;
                if (Workload.isWrite(batch[i])) {
                    long token = content.nextWriteToken();
                    ops[opCount++] = Ops.op(Ops.WRITE, key);
                    values[valueCount++] = token;
                    expected[page] = token;
                    written++;
                } else {
                    ops[opCount++] = Ops.op(Ops.READ, key);
                    digest = Tokens.fold(digest, expected[page]);
                }
            }
            stream.appended(opCount, valueCount);
            record.folded(digest, i - from - written);
            accesses += i - from;
            writes += written;
            batchMade = i;
            if (i == n) {
                return;
            }
            int page = Workload.page(batch[i]);
            bringIn(page, pages.keyOf(page)); // the loop then makes its access
        }
    }

    /**
     * A guest page fault: a first touch, or a page-in from the guest's virtual disk.
     *
     * @throws NoPpn when no PPN can be had (every page in memory was used in this tick)
     */
    private void bringIn(int page, long key) {
        int ppn = takePpn();
        if (ppn < 0) {
            throw NO_PPN;
        }
        if (pages.ppnOf(page) == PageTable.ON_DISK) {
            pages.pagedIn();
            pageIns++;
            mapAndWrite(page, ppn, key, record.expected(page));
        } else {
            // The OS fills the new page: zeroes it, or reads it in from the image.
            boolean first = pages.ppnOf(page) == PageTable.UNTOUCHED;
            long token = fileBacked ? Tokens.ZERO : content.initialToken(page);
            mapAndWrite(page, ppn, key, token);
            if (first) {
                pages.touched(page); // a page freed and touched again was touched before
            }
        }
    }

    /** Maps {@code page} to {@code ppn} and writes {@code token} there (a fill, or a page-in). */
    private void mapAndWrite(int page, int ppn, long key, long token) {
        pages.map(page, ppn);
        pager.mapped(ppn, page);
        pages.stamp(page, stamp);
        if (para) {
            mmu.map(key, ppn, page);
        } else {
            stream.op(Ops.op(Ops.MAP, key));
            stream.value(ppn);
        }
        stream.op(Ops.op(Ops.WRITE, key));
        stream.value(token);
        record.wrote(page, token);
        pageFills++;
    }

    /**
     * Memory hotplug empties a block: resident {@code page} moves to {@code ppn} (outside the block),
     * as a page migration copies it: the page is read where it is (its token joins the tick's read
     * digest, so the copy is checked), mapped at {@code ppn} ({@code MAP}) and its content written
     * there. The guest's record is per page, so it follows the page. Counted as a page fill.
     */
    void migrate(int page, int ppn) {
        long key = pages.keyOf(page);
        stream.op(Ops.op(Ops.READ, key));
        record.expectRead(page);
        pages.moved(page, ppn);
        pager.mapped(ppn, page);
        stream.op(Ops.op(Ops.MAP, key));
        stream.value(ppn);
        stream.op(Ops.op(Ops.WRITE, key));
        stream.value(record.expected(page));
        pageFills++;
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
    private void growPages(int count) {
        int size = Math.min(settings.configuredPages(), Math.max(count, pages.size() * 2));
        if (size < count) {
            throw new IllegalStateException(settings.name() + ": its traces touch more than its "
                    + settings.configuredPages() + " pages of memory");
        }
        resizePages(size);
    }

    /** Grows the page table and the integrity record to {@code size} pages. */
    void resizePages(int size) {
        pages.resize(size);
        record.resize(size);
    }

    // ---------------------------------------------------------------- counters (as of the last generated tick)

    long accesses() {
        return accesses;
    }

    long reads() {
        return reads;
    }

    long writes() {
        return writes;
    }

    long pageIns() {
        return pageIns;
    }

    long pageOuts() {
        return pageOuts;
    }

    long stalledTicks() {
        return stalledTicks;
    }

    long pageFills() {
        return pageFills;
    }

    void restoreCounters(long accesses, long reads, long writes, long pageIns, long pageOuts, long stalledTicks,
                         long pageFills) {
        this.pageFills = pageFills;
        this.accesses = accesses;
        this.reads = reads;
        this.writes = writes;
        this.pageIns = pageIns;
        this.pageOuts = pageOuts;
        this.stalledTicks = stalledTicks;
    }
}
