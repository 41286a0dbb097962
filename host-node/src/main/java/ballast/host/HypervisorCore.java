package ballast.host;

import ballast.host.reclaim.Reclamation;
import ballast.host.offload.ColdPageOffload;
import ballast.host.sharing.SharingMerges;
import ballast.host.translation.GuestTick;
import ballast.host.translation.GuestBoot;
import ballast.host.translation.GuestMemory;
import ballast.host.sharing.SharedFrames;
import ballast.abi.GuestCounters;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.Reservation;
import ballast.abi.TickResult;
import ballast.abi.TickLoad;
import ballast.abi.TickStart;
import ballast.host.time.HostTime;
import ballast.host.time.TimeSettings;
import ballast.abi.TranslationMode;
import ballast.host.control.GuestReclaim;
import ballast.host.control.GuestStats;
import ballast.host.control.HostReclaim;
import ballast.host.control.HostStats;
import ballast.host.balloon.BalloonCalls;
import ballast.host.cpu.CpuAccount;
import ballast.host.memory.FramePool;
import ballast.host.memory.LargePageSettings;
import ballast.host.memory.HostSwap;
import ballast.abi.Tokens;
import ballast.host.sharing.ContentHash;
import ballast.host.translation.MmuUpdateCheck;
import ballast.host.translation.OpStreamCheck;
import ballast.host.sharing.SharingCounters;
import ballast.host.sharing.SharingResult;
import ballast.host.sharing.SharingWork;
import ballast.host.reclaim.ReclaimSettings;
import ballast.host.reclaim.WorkingSetEstimator;
import java.util.ArrayList;
import java.util.List;

/**
 * One host's memory manager as a plain object: the machine frames, every guest's pmap, tables and
 * TLB, and the rules for applying a guest's tick of work. The {@link Hypervisor} actor owns one
 * and routes messages to it; tests drive it directly.
 *
 * <p>Applying a tick ({@link #apply}, one {@link GuestWork}) validates everything first and changes
 * nothing when something is refused: an {@code mmu_update} batch is applied whole or refused whole
 * ({@link MmuUpdateCheck}), and an operation stream with a malformed entry is refused whole
 * ({@link OpStreamCheck}), and so is malformed kernel activity. Then operations run in
 * order through the TLB ({@link GuestTick}); a miss goes to the guest's mode ({@link GuestMemory}). A write to a shared frame breaks
 * copy-on-write. What every event costs is charged to the guest's {@link CpuAccount}.
 *
 * <p>Page sharing: the hypervisor is authoritative. It hashes the pages its page-sharing daemon
 * asks about, and merges the pages the daemon proposes only after checking that each still maps
 * the frame the daemon saw, that the frame's content still has the hash (else a stale hint), and
 * that the content is really the same (else a false match); see {@link SharingMerges}.
 *
 * <p>Reclamation: a tick's {@link Reservation} calls are applied around its work (page-outs
 * first, then the work, then the balloon's inflate and deflate, each checked whole by
 * {@link BalloonCalls} and applied whole or refused whole), a
 * guest touching a ballooned page pops its balloon, and after every tick {@link #endTick} runs the
 * {@link Reclamation} (working-set sampling, free-memory states, targets, host paging); its
 * decisions go out with the next {@link TickStart} ({@link #tickStart}).
 *
 * <p>A boot is {@link GuestBoot}'s; live migration's steps are {@link ballast.host.migration.GuestTransfer}'s,
 * which admits an arriving guest here ({@link #admit}). The host's figures for the statistics
 * messages are {@link HostFigures}'.
 *
 * <p>Not thread-safe: one actor owns it.
 */
public final class HypervisorCore {
    /** Folded into the read digest for a read of an unmapped page; see {@link GuestTick#FAULT_TOKEN}. */
    static final long FAULT_TOKEN = GuestTick.FAULT_TOKEN;

    private HostSettings settings;
    private final FramePool frames;
    private GuestMemory[] guests;
    private final SharedFrames shared;
    private final HostSwap swap;
    private final Reclamation reclamation;
    private final GuestTick ticks;
    private final SharingMerges merges;
    private final HostFigures figures;
    private final HostTime time;
    private final ColdPageOffload offload;

    public HypervisorCore(HostSettings settings) {
        this.settings = settings;
        this.frames = new FramePool(settings.totalFrames(), settings.reservedFrames(), settings.seed(),
                settings.guests().stream().anyMatch(GuestSpec::backedLarge));
        this.shared = new SharedFrames(frames, settings.sharing().hashBits());
        this.merges = new SharingMerges(frames, shared);
        this.ticks = new GuestTick(frames, settings.maxBatchOps(), settings.maxMmuUpdateEntries());
        this.guests = new GuestMemory[settings.guests().size()];
        int[] pages = new int[guests.length];
        for (int i = 0; i < guests.length; i++) {
            pages[i] = settings.guests().get(i).configuredPages();
        }
        ReclaimSettings reclaim = settings.reclaim();
        this.swap = new HostSwap(reclaim.swapPages(), pages);
        this.compression = settings.compression().enabled()
                ? new ballast.host.compression.CompressionCache(settings.compression(), frames, pages) : null;
        for (int i = 0; i < guests.length; i++) {
            GuestSpec spec = settings.guests().get(i);
            if (spec.index() != i) {
                throw new IllegalArgumentException("guest " + spec.name() + " has index " + spec.index() + ", expected " + i);
            }
            guests[i] = newGuest(spec);
        }
        this.reclamation = new Reclamation(settings, guests, frames, swap);
        this.time = new HostTime(settings.time());
        for (GuestSpec spec : settings.guests()) {
            time.addGuest(spec.cpu().vcpus(), spec.cpu().cpuShares(), spec.cpu().cyclesPerAccess());
        }
        this.offload = new ColdPageOffload(settings.offload(), guests, time, reclamation::pageOut, settings.seed(),
                settings.name());
        this.figures = new HostFigures(frames, shared, swap, reclamation, merges, time, offload);
        figures.useCompression(compression);
        reclamation.useCompression(compression);
        for (GuestMemory g : guests) {
            g.onShortage(reclamation::freeOne);
        }
    }

    /** A guest's translation state on this host, with its working-set estimator (seeded from the host's seed and the guest's name). */
    private GuestMemory newGuest(GuestSpec spec) {
        ReclaimSettings reclaim = settings.reclaim();
        WorkingSetEstimator estimator = new WorkingSetEstimator(
                Tokens.derive(settings.seed(), settings.name() + "/" + spec.name() + "/working-set"),
                reclaim.samplesPerPeriod(), WorkingSetEstimator.DEFAULT_SLOW_GAIN, WorkingSetEstimator.DEFAULT_FAST_GAIN);
        GuestMemory g = new GuestMemory(spec, frames, settings.costs(), settings.tlbEntries(), shared,
                settings.sharing().enabled(), swap, reclaim.swapInCycles(), estimator);
        g.useCompression(compression);
        if (spec.backedLarge()) {
            g.enableLargePages(settings.largePages(), settings.costs());
        }
        if (spec.hotplug() != null) {
            g.useHotplug(new ballast.host.hotplug.HotplugDevice(spec.hotplug(), spec.configuredPages()));
        }
        return g;
    }

    /** Whether a merge may break a large page now: KSM always, ESX from the configured free-memory state on. */
    boolean largePagesBreakable() {
        LargePageSettings l = settings.largePages();
        return l.flavour() == LargePageSettings.Flavour.KSM || reclamation.states().state() >= l.breakAt();
    }

    /** The host's compression tier, or null when it has none. */
    public ballast.host.compression.CompressionCache compression() {
        return compression;
    }

    private ballast.host.compression.CompressionCache compression;

    public HostSettings settings() {
        return settings;
    }

    public int guestCount() {
        return guests.length;
    }

    public FramePool frames() {
        return frames;
    }

    public HostSwap swap() {
        return swap;
    }

    public Reclamation reclamation() {
        return reclamation;
    }

    public GuestMemory guest(int index) {
        return guests[index];
    }

    public boolean isGuest(int index) {
        return index >= 0 && index < guests.length;
    }

    public boolean isParavirtual(int index) {
        return guests[index].mode() == TranslationMode.PARA;
    }

    public boolean isBooted(int index) {
        return isGuest(index) && guests[index].booted();
    }

    /**
     * Boots guest {@code index}, which calls itself {@code name}; see {@link GuestBoot}.
     *
     * @return the p2m (empty for non-para guests), or null with the reason in {@code refusal[0]}
     */
    public int[] boot(int index, String name, Refusal[] refusal) {
        if (!isGuest(index)) {
            refusal[0] = new Refusal(RefusalReason.UNKNOWN_GUEST, index, "no guest " + index + " on host " + settings.name());
            return null;
        }
        return GuestBoot.boot(guests[index], frames, settings.name(), name, refusal);
    }

    /**
     * Applies one guest's work for a tick; see {@link GuestTick#apply}. The caller has checked that
     * the guest exists and sent this itself. What the work cost goes to the time model
     * ({@link HostTime#guestWork}), accounted at {@link #endTick}.
     */
    public TickResult apply(GuestWork work) {
        GuestMemory g = guests[work.index()];
        CpuAccount cpu = g.cpu();
        long nativeBefore = cpu.nativeCycles();
        long overheadBefore = cpu.overheadCycles() - cpu.overheadCycles(CpuAccount.HOST_SWAP_IN);
        long accessesBefore = g.counters().tlbHits() + g.counters().tlbMisses();
        long swapInsBefore = g.counters().hostSwapIns();
        long decompressionsBefore = compression == null ? 0 : compression.decompressions(work.index());
        TickResult result = ticks.apply(g, work);
        long decompressionCycles = compression == null ? 0
                : (compression.decompressions(work.index()) - decompressionsBefore) * settings.compression().decompressCycles();
        long accesses = g.counters().tlbHits() + g.counters().tlbMisses() - accessesBefore;
        long swapIns = g.counters().hostSwapIns() - swapInsBefore;
        TickLoad load = work.load();
        Reservation r = work.reservation();
        time.guestWork(work.index(), load == null ? accesses : load.workAccesses(),
                load == null ? accesses : load.demand(), accesses, cpu.nativeCycles() - nativeBefore,
                cpu.overheadCycles() - cpu.overheadCycles(CpuAccount.HOST_SWAP_IN) - overheadBefore + decompressionCycles, swapIns,
                load == null ? 0 : load.pageIns(), r == null ? 0 : r.pageOuts().length, load != null && load.stalled());
        time.hypervisorWork(swapIns * settings.time().hypervisor().swapInPage());
        ballast.host.migration.PostCopyArrivals arriving = g.arrivals();
        if (arriving != null) {
            time.networkFaults(work.index(), arriving.takeFaults(), arriving.faultSeconds());
        }
        return result;
    }

    /** The host's time model: guests' progress, the cores and the devices. */
    public HostTime time() {
        return time;
    }

    /**
     * Releases everything guest {@code index} holds (it stopped, or it restarts from a fresh boot);
     * returns the number of frames that went back to the host.
     */
    public int releaseGuest(int index) {
        time.guestGone(index);
        int released = guests[index].release();
        if (guests[index].hotplug() != null) {
            guests[index].hotplug().reset(); // a fresh boot finds the device as it was at the first
        }
        reclamation.guestGone(index);
        offload.guestGone(index);
        return released;
    }

    // ---------------------------------------------------------------- reclamation

    /**
     * The end of a tick (every guest's work and the daemon's applied): runs the reclaimer. The
     * caller calls it once per tick; its decisions go out with the next {@link #tickStart}.
     */
    public void endTick() {
        reclamation.endTick();
        long swapOuts = 0;
        for (GuestMemory g : guests) {
            swapOuts += g.paging().hostSwapOuts();
        }
        long compressions = 0;
        if (compression != null) {
            swapOuts += compression.totalWriteBacks(); // a write-back is a swap-out to the device
            compressions = compression.totalCompressions();
        }
        long merged = merges.mergeCount();
        TimeSettings.HypervisorPrices prices = settings.time().hypervisor();
        long newSwapOuts = Math.max(0, swapOuts - swapOutsSeen);
        time.hostSwapOuts(newSwapOuts);
        time.hypervisorWork(newSwapOuts * prices.swapOutPage() + Math.max(0, merged - mergesSeen) * prices.mergePage()
                + Math.max(0, compressions - compressionsSeen) * settings.compression().compressCycles());
        compressionsSeen = compressions;
        swapOutsSeen = swapOuts;
        mergesSeen = merged;
        for (GuestMemory g : guests) {
            if (g.arrivals() != null && g.resident()) {
                g.arrivals().endTick(); // post-copy: the source pushes what the link has left
            }
        }
        time.endTick();
        offload.endTick(); // its page-outs are priced with the next tick's
    }

    /** The host's proactive cold-page offload (off unless configured). */
    public ColdPageOffload offload() {
        return offload;
    }

    /** Host swap-outs and merges counted by the last {@link #endTick} (the time model prices what is new). */
    private long swapOutsSeen;
    private long mergesSeen;
    private long compressionsSeen;

    /** Guest {@code index}'s start of tick {@code tick}, with its balloon target, stall and pace. */
    public TickStart tickStart(int index, long tick, boolean audit) {
        ballast.host.hotplug.HotplugDevice device = guests[index].hotplug();
        return new TickStart(tick, audit, reclamation.balloonTarget(index), reclamation.stall(index), time.pace(index),
                device == null ? TickStart.NO_DEVICE : (int) device.requestedPages());
    }

    /** The balloon size guest {@code index} is asked for now. */
    public int balloonTarget(int index) {
        return reclamation.balloonTarget(index);
    }

    /** Whether guest {@code index} stalls in the next tick. */
    public boolean stall(int index) {
        return reclamation.stall(index);
    }

    /** Guest {@code index}'s allocation target from the last rebalance. */
    public long targetPages(int index) {
        return reclamation.target(index);
    }

    /** The reclamation settings in force. */
    public ReclaimSettings reclaimSettings() {
        return reclamation.settings();
    }

    /**
     * A timed change of the reclamation settings (between ticks): why it cannot be taken, or null
     * when it was taken, in which case the host rebalances at once (or, turned off, drops its
     * balloon targets and stalls).
     */
    public String reconfigure(ReclaimSettings next) {
        String problem = reclamation.check(next);
        if (problem != null) {
            return problem;
        }
        reclamation.reconfigure(next);
        return null;
    }

    /**
     * A timed {@code resize} event (between ticks): the hypervisor requests {@code pages} of guest
     * {@code index}'s memory hotplug device; the guest reads it with its next tick start. Returns why
     * it cannot (no such guest or device, a size not a multiple of the block or beyond the device),
     * or null when taken.
     */
    public String resize(int index, long pages) {
        if (!isGuest(index)) {
            return "no guest " + index;
        }
        ballast.host.hotplug.HotplugDevice device = guests[index].hotplug();
        if (device == null) {
            return guests[index].spec().name() + " has no memory hotplug device";
        }
        String problem = device.resizeProblem(pages);
        if (problem != null) {
            return guests[index].spec().name() + ": " + problem;
        }
        device.request(pages);
        return null;
    }

    /** Counts a refused call of {@code index} (for calls refused before reaching the core). */
    public void countRefusal(int index, RefusalReason reason) {
        if (isGuest(index)) {
            guests[index].refuse(reason);
        }
    }

    /**
     * Reads every page of the guest's integrity record through the hypervisor's own tables, without
     * side effects, and returns how many differ from what the guest expects. A mapped
     * guest-physical page with no frame yet reads as the zero page, a swapped one reads from host
     * swap; an unmapped page, or one whose PPN is in the balloon, counts as a difference.
     */
    public long audit(int index, long[] keys, long[] tokens) {
        GuestMemory g = guests[index];
        long mismatches = g.view().mismatches(keys, tokens, Math.min(keys.length, tokens.length));
        return mismatches + Math.abs(keys.length - tokens.length);
    }

    // ---------------------------------------------------------------- page sharing

    /** Applies a page-sharing daemon's work for a tick (after every guest's work); see {@link SharingMerges#apply}. */
    public SharingResult applySharing(SharingWork work) {
        if (work.scanPages() != null) {
            time.hypervisorWork(work.scanPages().length * settings.time().hypervisor().hashPage());
        }
        merges.setLargePagesBreakable(largePagesBreakable());
        return merges.apply(work, guests);
    }

    /** Whether para-virtual guests' pages may be merged; see {@link SharingMerges#setShareParavirtual}. */
    public void setShareParavirtual(boolean share) {
        merges.setShareParavirtual(share);
    }

    /** Which para-virtual guests' pages may be merged now; see {@link SharingMerges#setParavirtualMergeable}. */
    public void setParavirtualMergeable(java.util.function.IntPredicate mergeable) {
        merges.setParavirtualMergeable(mergeable);
    }

    /** The content hash this host gives a page holding {@code token}. */
    public long hashOfToken(long token) {
        return ContentHash.of(token, shared.hashBits());
    }

    /** The para-virtual guest's remap notice for this tick (PPNs and their new MPNs), or null. */
    public int[][] takeNotice(int index) {
        return guests[index].takeNotice();
    }

    public HostStats hostStats() {
        return hostStats(SharingCounters.ZERO);
    }

    /** The host's figures, with the page-sharing daemon's own counters. */
    public HostStats hostStats(SharingCounters daemon) {
        return figures.hostStats(guests, daemon);
    }

    /** The host's reclamation figures now. */
    public HostReclaim hostReclaim() {
        return figures.hostReclaim(guests);
    }

    /** Figures of one guest, merging the guest's own counters with the hypervisor's. */
    public GuestStats guestStats(int index, GuestCounters own) {
        return figures.guestStats(guests[index], own);
    }

    /** Guest {@code index}'s reclamation figures, with its own paging counters from {@code own}. */
    GuestReclaim guestReclaim(int index, GuestCounters own) {
        return figures.guestReclaim(guests[index], own);
    }

    /**
     * Live migration: a guest arriving from another host gets the next index here ({@code spec}
     * must carry it); it is incoming ({@link GuestMemory#incoming}) until installed.
     */
    public int admit(GuestSpec spec) {
        if (spec.index() != guests.length) {
            throw new IllegalArgumentException("arriving guest " + spec.name() + " has index " + spec.index()
                    + ", expected " + guests.length);
        }
        swap.addGuest(spec.configuredPages());
        if (compression != null) {
            compression.addGuest(spec.configuredPages());
        }
        time.addGuest(spec.cpu().vcpus(), spec.cpu().cpuShares(), spec.cpu().cyclesPerAccess());
        GuestMemory g = newGuest(spec);
        g.markIncoming();
        guests = java.util.Arrays.copyOf(guests, guests.length + 1);
        guests[spec.index()] = g;
        reclamation.admitted(guests);
        offload.admitted(guests);
        g.onShortage(reclamation::freeOne);
        List<GuestSpec> specs = new ArrayList<>(settings.guests());
        specs.add(spec);
        settings = settings.withGuests(List.copyOf(specs));
        return spec.index();
    }

    /** Whether guest {@code index} runs here (not on its way in, not migrated away). */
    public boolean isResident(int index) {
        return isGuest(index) && guests[index].resident();
    }

    public SharedFrames shared() {
        return shared;
    }

    /** Checks the structural invariants 1 to 3 of docs/reliability.md (and table coherence); see {@link HostInvariants}. */
    public List<String> checkInvariants() {
        List<String> found = HostInvariants.check(settings.name(), frames, guests, shared, swap);
        if (compression != null) {
            List<String> more = new ArrayList<>(found);
            GuestMemory[] gs = guests;
            compression.check(i -> i < gs.length ? gs[i].pmap() : null, swap, line -> more.add(settings.name() + ": " + line));
            found = more;
        }
        List<String> times = time.check();
        List<String> offloaded = offload.enabled() ? offload.check() : List.of();
        if (times.isEmpty() && offloaded.isEmpty()) {
            return found;
        }
        List<String> all = new ArrayList<>(found);
        for (String t : times) {
            all.add(settings.name() + ": " + t);
        }
        all.addAll(offloaded);
        return all;
    }
}
