package ballast.guest.os;

import ballast.abi.Audit;
import ballast.abi.FreePageReport;
import ballast.abi.GuestCounters;
import ballast.abi.KernelActivity;
import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Reservation;
import ballast.abi.TickResult;
import ballast.abi.Tokens;
import ballast.abi.TickLoad;
import ballast.abi.TranslationMode;
import ballast.guest.ContentModel;
import ballast.guest.GuestMemorySettings;
import ballast.guest.GuestOsSnapshot;
import ballast.guest.GuestSettings;
import ballast.guest.workload.TraceWorkload;
import ballast.guest.workload.Workload;
import ballast.guest.workload.WorkloadSettings;
import java.util.Arrays;
import java.util.List;

/**
 * The guest operating system as a plain object: it runs the workload, keeps its own bookkeeping of
 * which guest-physical page (PPN) backs each of its pages, allocates PPNs on first touch, writes
 * its page-table entries (as trapped writes, plain writes, or batched {@code mmu_update} entries
 * depending on the mode), fills new pages (zeroing them or reading them in), pages out to its own
 * virtual disk under pressure, and keeps an independent record of what it wrote so that every
 * read can be checked. It is a facade over one class per mechanism, each owning its state:
 * <ul>
 *   <li>{@link PageTable}: page to PPN, access stamps, first-touch order, the (process, VPN) layout;</li>
 *   <li>{@link ClockPager}: the PPN allocator and the clock (second chance) choosing what to page out;</li>
 *   <li>{@link TickBuilder} over {@link OpStream}: one tick's operations (see {@link Ops}), the per-access loop;</li>
 *   <li>{@link MmuBatch}: a para-virtual guest's {@code mmu_update} entries, its p2m, re-issue of refused entries;</li>
 *   <li>{@link IntegrityRecord}: the token last written to each page, the digest each tick's reads must produce;</li>
 *   <li>{@link WorkingSetTruth}: distinct pages touched per working-set period;</li>
 *   <li>{@link OsImage}: a file-backed guest's image, read into PPN 0 upward in its first tick;</li>
 *   <li>{@link OsSnapshots}: the whole state for a live migration ({@link GuestOsSnapshot}).</li>
 * </ul>
 *
 * <p>A tick's work is one stream of operations; the guest folds the tokens it expects to read, in
 * order, into a digest and compares it with the hypervisor's. The kernel's other activity (system
 * calls, interrupt masking, sensitive code blocks, ...) travels as counts
 * ({@link KernelActivityGenerator}), one unit of work per 1000 of the workload's accesses.
 *
 * <p>Memory pressure: every PPN is free, holds one workload page, or is pinned by the balloon
 * driver; the guest's usable memory is its configured memory less the balloon. Each tick starts
 * with the balloon driver's orders ({@link BalloonOrders}, from its step of the previous
 * {@code TickStart}): PPNs the driver gives back are freed, then the requested pages are pinned
 * for the balloon, free PPNs first, then pages the clock pages out.
 *
 * <p>{@link #counters()} adds to the access counts {@code guestSwappedPages} (pages on the guest's
 * disk now), {@code guestPageOuts} and {@code guestPageIns}, {@code balloonPages} (PPNs the balloon
 * holds: pinned and not yet given back, a deflate counting until the driver frees its PPNs),
 * {@code workingSetTruePages} and {@code stalledTicks}, all as of the tick's generation.
 *
 * <p>Owned by one {@link ballast.guest.GuestVm}, not thread-safe.
 */
public final class GuestOs {
    private static final int[] NO_PAGES = new int[0];

    private final GuestSettings settings;
    private final TraceWorkload traces;
    private final ContentModel content;
    private final KernelActivityGenerator kernel;
    private final OsImage image;
    private final PageTable pages;
    private final ClockPager pager;
    private final IntegrityRecord record;
    private final MmuBatch mmu = new MmuBatch();
    private final WorkingSetTruth workingSet;
    private final TickBuilder builder;
    /** The driver of its memory hotplug device, or null when it has none. */
    private final HotplugDriver hotplug;
    private int workloadChanges;
    /** The workload a timed event changed to, or null while the settings' own runs. */
    private WorkloadSettings changedTo;
    /** By tick parity: the counters as they stood when that unverified tick was generated (verified counts aside). */
    private final GuestCounters[] generated = new GuestCounters[2];
    /** Counters as of the last verified tick. */
    private GuestCounters verifiedCounters = GuestCounters.ZERO;

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

    /**
     * The work of one tick: the ops and values streams (the first {@code opCount} entries of
     * {@code opBuffer} and {@code valueCount} of {@code valueBuffer}: the guest's own buffers,
     * valid until the guest generates the tick after next), for para guests the mmu_update batch,
     * the kernel's activity (null when it did nothing), and the reservation calls (null when none:
     * no page-out, inflate or deflate).
     */
    public record Work(List<MmuUpdate> mmuUpdates, long[] opBuffer, int opCount, long[] valueBuffer, int valueCount,
                       KernelActivity kernel, Reservation reservation, TickLoad load, List<FreePageReport> reports,
                       List<ballast.abi.MemoryHotplug> hotplug) {
        public Work {
            reports = reports == null ? List.of() : reports;
            hotplug = hotplug == null ? List.of() : hotplug;
        }

        /** Work without memory hotplug requests. */
        public Work(List<MmuUpdate> mmuUpdates, long[] opBuffer, int opCount, long[] valueBuffer, int valueCount,
                    KernelActivity kernel, Reservation reservation, TickLoad load, List<FreePageReport> reports) {
            this(mmuUpdates, opBuffer, opCount, valueBuffer, valueCount, kernel, reservation, load, reports, List.of());
        }

        /** Work without free page reports. */
        public Work(List<MmuUpdate> mmuUpdates, long[] opBuffer, int opCount, long[] valueBuffer, int valueCount,
                    KernelActivity kernel, Reservation reservation, TickLoad load) {
            this(mmuUpdates, opBuffer, opCount, valueBuffer, valueCount, kernel, reservation, load, List.of());
        }

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

    public GuestOs(GuestSettings settings) {
        this.settings = settings;
        int processes = settings.processes();
        Workload workload = new Workload(settings.workload(), Tokens.derive(settings.seed(), "workload"));
        if (settings.workload().isTrace() && settings.workload().traces().size() != processes) {
            throw new IllegalArgumentException(settings.name() + ": " + settings.workload().traces().size()
                    + " traces for " + processes + " processes (one process per trace)");
        }
        this.traces = settings.workload().isTrace() ? new TraceWorkload(settings.workload().traces()) : null;
        int workingSetPages = settings.workload().maxWorkingSetPages();
        this.content = new ContentModel(settings.content(), settings.seed(), workingSetPages);
        this.kernel = new KernelActivityGenerator(settings.osProfile(), Tokens.derive(settings.seed(), "kernel"));
        this.image = OsImage.load(settings);
        int size = Math.max(workingSetPages, image.pages());
        if (size > settings.configuredPages()) {
            throw new IllegalArgumentException(settings.name() + ": working set or image of " + size
                    + " pages exceeds its memory of " + settings.configuredPages() + " pages");
        }
        this.pages = new PageTable(processes, traces, size);
        this.pager = new ClockPager(settings.name(), settings.configuredPages(), pages, image.pages());
        this.record = new IntegrityRecord(size);
        GuestMemorySettings memory = settings.memory();
        this.workingSet = new WorkingSetTruth(settings.tickSeconds(), memory.workingSetPeriodSeconds());
        this.builder = new TickBuilder(settings, pages, pager, record, mmu, new OpStream(), image, content, traces,
                workload);
        if (memory.freePageReporting() && settings.mode() != TranslationMode.PARA) {
            pager.startReporting(memory.reportingOrder(), memory.reportingDelayTicks(), memory.reportingCapacity());
        }
        if (memory.hotplug()) {
            if (settings.mode() == TranslationMode.PARA) {
                throw new IllegalArgumentException(settings.name() + ": a para-virtual guest cannot have a memory hotplug device");
            }
            this.hotplug = new HotplugDriver(settings.configuredPages(), memory.hotplugBlockPages(),
                    memory.hotplugPluggedPages(), memory.hotplugBlocksPerTick());
            pager.hotplugBoot(memory.hotplugPluggedPages());
        } else {
            this.hotplug = null;
        }
    }

    /**
     * The hypervisor requests {@code pages} of the guest's memory hotplug device (a tick start's
     * {@code requestedPages}, read while tick {@code tick} starts): the driver moves toward it from
     * the work of tick {@code tick + 1} on. Ignored without a device.
     */
    public void requestMemory(long pages, long tick) {
        if (hotplug != null && pages >= 0) {
            hotplug.request(pages, tick + 1);
        }
    }

    /** The hypervisor moved these PPNs to these MPNs (a merge, a copy-on-write break, a deflate): update the p2m. */
    public void remapped(int[] ppns, int[] mpns) {
        mmu.remapped(ppns, mpns);
    }

    /** The hypervisor accepted the boot; a para-virtual guest learns its machine frames. */
    public void booted(int[] p2m) {
        if (settings.mode() == TranslationMode.PARA && p2m.length != settings.configuredPages()) {
            throw new IllegalStateException(settings.name() + ": p2m of " + p2m.length + " entries for "
                    + settings.configuredPages() + " pages");
        }
        mmu.booted(p2m);
    }

    /**
     * How many ticks after a refused {@code mmu_update} the guest re-issues its entries: 1 (the next
     * tick's work) for a guest that generates each tick's work when the tick starts, 2 for one that
     * works ahead (its next tick's work may already exist when the refusal arrives), so that the
     * work never depends on when a result arrived.
     */
    public void setRemapLag(int ticks) {
        mmu.setRemapLag(ticks);
    }

    /** The (process, VPN) key of workload page {@code page}. */
    public long keyOf(int page) {
        return pages.keyOf(page);
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
        return generate(tick, maxMmuUpdateEntries, orders, stall, Long.MAX_VALUE);
    }

    /**
     * As {@link #generate(long, int, BalloonOrders, boolean)}, with at most {@code allowance}
     * workload accesses (the pace the time model gives the guest, {@link ballast.abi.Pace}).
     */
    public Work generate(long tick, int maxMmuUpdateEntries, BalloonOrders orders, boolean stall, long allowance) {
        long unverified = record.unverified(tick);
        if (unverified >= 0) {
            // Before the buffers are touched: tick - 2's streams may still be read by the hypervisor.
            throw new IllegalStateException(settings.name() + ": tick " + tick + " generated while tick " + unverified
                    + " is still unverified");
        }
        builder.begin(tick);
        workingSet.tick(tick, pages);
        builder.osWork(tick);
        builder.carryOut(orders);
        List<ballast.abi.MemoryHotplug> hotplugRequests = hotplug == null ? List.of()
                : hotplug.tick(tick, pager, builder, pages);
        int count = 0;
        long pageInsBefore = builder.pageIns();
        if (stall) {
            builder.stall();
        } else {
            count = builder.workloadAccesses(tick, allowance);
        }
        TickLoad load = new TickLoad(builder.tickDemand(), count, (int) (builder.pageIns() - pageInsBefore), stall);
        Reservation reservation = null;
        if (builder.tickHasReservation() || orders.deflate().length > 0) {
            reservation = new Reservation(builder.tickPageOuts(), builder.tickPinned(), orders.deflate().clone());
        }
        List<FreePageReport> reports = pager.reporter() == null ? List.of() : pager.reporter().endOfTick(tick);
        builder.end();
        record.seal(tick);
        generated[(int) (tick & 1)] = new GuestCounters(builder.accesses(), builder.reads(), builder.writes(),
                pages.touchedCount(), 0, 0, pages.pagesOnDisk(), builder.pageIns(), builder.pageOuts(),
                pager.balloonPages(), workingSet.pages(), builder.stalledTicks(), builder.pageFills(), unplugBusy(),
                pagesMigrated());
        List<MmuUpdate> batches = mmu.seal(tick, maxMmuUpdateEntries);
        OpStream stream = builder.stream();
        return new Work(batches, stream.opArray(), stream.opCount(), stream.valueArray(), stream.valueCount(),
                kernel.next(count), reservation, load, reports, hotplugRequests);
    }

    /**
     * Checks the hypervisor's digest of a tick's reads against the guest's own record; a result for
     * a tick this guest did not generate (or already verified) is counted as no reads and fails.
     * A refused stale {@code mmu_update} batch is re-issued {@link #setRemapLag the remap lag} later.
     */
    public boolean verify(TickResult result) {
        if (result.tick() < 0 || record.unverified(result.tick()) != result.tick()) {
            return false;
        }
        mmu.refused(result.tick(), result.refusals());
        if (pager.reporter() != null) {
            pager.reporter().answered(result.tick(), result.refusedReports());
        }
        if (hotplug != null) {
            hotplug.answered(result.tick(), result.refusedHotplug());
        }
        boolean ok = record.check(result.tick(), result.readDigest(), result.reads());
        GuestCounters c = generated[(int) (result.tick() & 1)];
        verifiedCounters = new GuestCounters(c.accesses(), c.reads(), c.writes(), c.pagesTouched(),
                record.readsVerified(), record.readMismatches(), c.guestSwappedPages(), c.guestPageIns(),
                c.guestPageOuts(), c.balloonPages(), c.workingSetTruePages(), c.stalledTicks(), c.pageFills(),
                c.unplugBusy(), c.pagesMigrated());
        generated[(int) (result.tick() & 1)] = null;
        return ok;
    }

    /**
     * The guest's integrity record of the pages in its memory: every resident page's key and
     * expected token (a page on its virtual disk is not mapped, and its record is the disk copy).
     * Only valid when every generated tick has been verified (no tick generated ahead).
     */
    public Audit audit() {
        requireNoneAhead("audit");
        int n = pages.touchedCount();
        long[] keys = new long[n - pages.pagesOnDisk()];
        long[] tokens = new long[keys.length];
        int k = 0;
        for (int i = 0; i < n; i++) {
            int page = pages.touchedPage(i);
            if (pages.ppnOf(page) >= 0) {
                keys[k] = pages.keyOf(page);
                tokens[k++] = record.expected(page);
            }
        }
        if (k < keys.length) {
            // pages its processes freed are neither in memory nor on disk
            keys = Arrays.copyOf(keys, k);
            tokens = Arrays.copyOf(tokens, k);
        }
        return new Audit(keys, tokens);
    }

    void requireNoneAhead(String what) {
        long ahead = record.anyUnverified();
        if (ahead >= 0) {
            throw new IllegalStateException(settings.name() + ": " + what + " while tick " + ahead + " is generated ahead");
        }
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
        int count = next.maxWorkingSetPages();
        if (count > settings.configuredPages()) {
            return "working set of " + count + " pages exceeds " + settings.name() + "'s memory of "
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
        builder.setWorkload(new Workload(next, Tokens.derive(settings.seed(), "workload-" + workloadChanges)), fromTick);
        changedTo = next;
        if (next.maxWorkingSetPages() > pages.size()) {
            builder.resizePages(next.maxWorkingSetPages());
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
        return pager.balloonPages();
    }

    /** Workload pages in memory now. */
    public int residentPages() {
        return pages.residentPages();
    }

    /** Workload pages on the guest's virtual disk now. */
    public int pagesOnDisk() {
        return pages.pagesOnDisk();
    }

    /** Pages in the free page reports sent and not refused (0 when reporting is off). */
    public long pagesReported() {
        return pager.reporter() == null ? 0 : pager.reporter().pagesReported();
    }

    /** Free page reports sent and not refused. */
    public long freePageReports() {
        return pager.reporter() == null ? 0 : pager.reporter().reports();
    }

    /** Pages the guest's processes freed when their working set shrank. */
    public long pagesFreed() {
        return builder.pagesFreed();
    }

    /** Pages of plugged hotplug blocks now (the guest's usable memory); its whole memory without a device. */
    public long pluggedPages() {
        return hotplug == null ? settings.configuredPages() : hotplug.pluggedPages();
    }

    /** The size its hotplug driver moves toward, in pages; its whole memory without a device. */
    public long requestedPages() {
        return hotplug == null ? settings.configuredPages() : hotplug.requestedPages();
    }

    /** Hotplug blocks plugged since boot (accepted by the hypervisor). */
    public long blocksPlugged() {
        return hotplug == null ? 0 : hotplug.blocksPlugged();
    }

    /** Hotplug blocks unplugged since boot (accepted by the hypervisor). */
    public long blocksUnplugged() {
        return hotplug == null ? 0 : hotplug.blocksUnplugged();
    }

    /** Unplug attempts that failed: a block given up for lack of free PPNs, or held by the balloon. */
    public long unplugBusy() {
        return hotplug == null ? 0 : hotplug.unplugBusy();
    }

    /** Pages the hotplug driver migrated out of blocks it unplugged. */
    public long pagesMigrated() {
        return hotplug == null ? 0 : hotplug.pagesMigrated();
    }

    /** PPNs on the allocator's free list now. */
    public int freePages() {
        return pager.freePages();
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
        return hotplug == null; // a hotplug device's blocks are not carried by a snapshot
    }

    /**
     * The guest's whole state between two ticks (see {@link GuestOsSnapshot}). Only valid when every
     * generated tick has been verified (no tick generated ahead).
     */
    public GuestOsSnapshot snapshot() {
        requireNoneAhead("snapshot");
        return OsSnapshots.take(this);
    }

    /**
     * Takes over a snapshot of a guest made from the same settings (on another host: its host and
     * index may differ). Call on a fresh guest OS, before its first tick and before its boot reply.
     */
    public void restore(GuestOsSnapshot s) {
        OsSnapshots.restore(this, s);
    }

    // ---------------------------------------------------------------- the parts, for OsSnapshots

    PageTable pages() {
        return pages;
    }

    ClockPager pager() {
        return pager;
    }

    IntegrityRecord record() {
        return record;
    }

    MmuBatch mmu() {
        return mmu;
    }

    WorkingSetTruth workingSet() {
        return workingSet;
    }

    TickBuilder builder() {
        return builder;
    }

    OsImage image() {
        return image;
    }

    ContentModel content() {
        return content;
    }

    KernelActivityGenerator kernel() {
        return kernel;
    }

    TraceWorkload traces() {
        return traces;
    }

    GuestCounters verifiedCounters() {
        return verifiedCounters;
    }

    GuestOsSnapshot.Workload workloadState() {
        return new GuestOsSnapshot.Workload(changedTo, builder.workloadStartTick(), workloadChanges);
    }

    /** Takes over a snapshot's workload in force and verified counters. */
    void restoreWorkload(GuestOsSnapshot.Workload w, GuestCounters verified) {
        if (w.changedTo() != null) {
            builder.setWorkload(new Workload(w.changedTo(), Tokens.derive(settings.seed(), "workload-" + w.changes())),
                    w.startTick());
        } else {
            builder.setWorkload(builder.workload(), w.startTick());
        }
        changedTo = w.changedTo();
        workloadChanges = w.changes();
        verifiedCounters = verified;
    }
}
