package ballast.host.translation;

import ballast.host.GuestSpec;
import ballast.host.sharing.SharedFrames;
import ballast.abi.Ops;
import ballast.abi.RefusalReason;
import ballast.abi.TranslationMode;
import ballast.host.cpu.CostTable;
import ballast.host.cpu.CpuAccount;
import ballast.host.memory.FramePool;
import ballast.host.memory.HostSwap;
import ballast.host.memory.LargePageSettings;
import ballast.host.memory.Pmap;
import ballast.host.memory.RadixPageTable;
import ballast.host.memory.ReverseMap;
import ballast.host.memory.Tlb;
import ballast.host.offload.AccessProbes;
import ballast.host.offload.OffloadedPages;
import ballast.host.reclaim.SampledPages;
import ballast.host.reclaim.WorkingSetEstimator;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;

/**
 * The hypervisor's state for one guest: its pmap, the page tables the (simulated) hardware walks,
 * the shadow tables and their reverse map (shadow paging), its TLB and its counters; and
 * the mode-specific work of a TLB miss and of a guest page-table write. What each event costs is
 * charged to the guest's {@link CpuAccount}.
 *
 * <p>Which tables exist depends on the mode:
 * <ul>
 *   <li>{@code full}, and {@code nested} without nested paging: {@code tables} are the guest's own
 *       VPN -> PPN tables as they sit in guest memory, kept by emulating each trapped (or exiting)
 *       write; {@code shadow} holds VPN -> MPN built from them and the pmap on hidden faults;
 *       {@code rmap} finds shadow entries by PPN.</li>
 *   <li>{@code nested} with nested paging: {@code tables} are the guest's VPN -> PPN tables, written
 *       without traps; a miss walks them and the pmap (the nested table).</li>
 *   <li>{@code para}: {@code tables} are VPN -> MPN, written only through validated
 *       {@code mmu_update} hypercalls; {@code paraPpn} records the PPN each entry's frame backed
 *       when it was validated, and {@code rmap} finds the entries by PPN, so that the hypervisor
 *       can repoint them when it merges or unshares the PPN.</li>
 * </ul>
 *
 * <p>Page sharing: a TLB entry for a shared frame is always read-only (filled so on a miss), so a
 * write to a shared frame misses and breaks copy-on-write ({@link #missForWrite}): a new private
 * frame, a copy, the remap, the shared frame's refcount drops. When the hypervisor changes the
 * frame behind a PPN, {@link #repoint} updates every shadow or para-virtual entry built from it
 * and drops the TLB entries; a para-virtual guest is also told ({@link #takeNotice}).
 *
 * <p>Reclamation: a PPN may be ballooned ({@link GuestPaging#inflate}, {@link GuestPaging#deflate}: the balloon and host-swap side lives in {@link GuestPaging}), which frees its
 * frame; a guest access that reaches a ballooned PPN pops the balloon ({@link #backing}: a fresh
 * zeroed frame, and {@link #popped} is set for the hypervisor to empty the whole balloon). A PPN
 * on a private frame may be swapped out by the hypervisor ({@link GuestPaging#swapOutPage}), or merged into
 * a shared frame with the same content instead (share before swap); a later access faults it
 * back in from host swap, and the guest pays {@code swapInCycles}. Working-set sampling
 * ({@link GuestPaging#startSamplePeriod}) invalidates the mappings of the sampled PPNs, so that the next
 * touch of each misses; the miss path records it ({@link #miss}). Para-virtual guests are never
 * swapped by the hypervisor: their page tables hold machine frames (Xen does not page PV guests
 * either).
 *
 * <p>Owned by one {@link ballast.host.HypervisorCore}, not thread-safe.
 */
public final class GuestMemory {
    private final GuestSpec spec;
    private final int index;
    private final TranslationMode mode;
    private final Pmap pmap;
    private final RadixPageTable[] tables;
    private final RadixPageTable[] shadow;
    /** Para-virtual guests only: VPN -> the PPN the entry's frame backed when it was validated. */
    private final RadixPageTable[] paraPpn;
    private final ReverseMap rmap;
    private final Tlb tlb;
    private final CpuAccount cpu;
    private final FramePool frames;
    private final SharedFrames shared;
    /** Whether the host shares pages at all: without, no frame is ever shared and the checks are skipped. */
    private final boolean sharing;
    /** PPNs whose frame changed this tick, and their new MPNs: the para-virtual guest's notice. */
    private final IntArrayList noticePpns = new IntArrayList(0);
    private final IntArrayList noticeMpns = new IntArrayList(0);
    private boolean booted;
    /** Live migration's write log, or null: while set, TLB fills are read-only until a page's first write ({@link #missForWrite}). */
    private WriteLog dirtyLog;
    /** Post-copy: the pages not arrived yet from the migration's source, or null. */
    private ballast.host.migration.PostCopyArrivals arrivals;
    /** Live migration: {@link #RESIDENT}, {@link #INCOMING} (pages arriving, not running yet) or {@link #DEPARTED}. */
    private byte residence;
    private static final byte RESIDENT = 0;
    private static final byte INCOMING = 1;
    private static final byte DEPARTED = 2;
    private final GuestEventCounts counters = new GuestEventCounts();

    /** Large pages ({@link #enableLargePages}): whether on, and the walks that ended on one. */
    private boolean largeBacking;
    private long hostLargeWalkOverhead;
    private long largeWalkOverhead;
    private long pendingHostLargeWalks;
    private long pendingLargeWalks;
    private long hostLargeWalks;
    private long largeWalks;
    /** Changes to the guest's own tables (map, unmap), for {@link #blockFailedAt}. */
    private int mapGeneration;
    /** Per 2 MiB run: {@code mapGeneration + 1} when {@link #guestMapsBlock} last failed for it. */
    private int[] blockFailedAt;

    /** The host's swap store (shared by its guests). */
    private final HostSwap swap;
    /** CPU cycles one swap-in costs this guest (the host's setting; may change between ticks). */
    private long swapInCycles;
    /** Set when an access reached a ballooned PPN since the hypervisor last emptied the balloon. */
    private boolean popped;
    /** The balloon and host-swap side of this guest (inflate, deflate, swap-out, double paging). */
    private final GuestPaging paging;
    /** What the guest would read, without side effects. */
    private final GuestView view;

    /** Working-set sampling: the estimator, and this period's sampled PPNs not yet touched. */
    private final WorkingSetEstimator estimator;
    private final SampledPages samples;
    /** Cold-page offload: the access-bit probes of its monitor, and the pages it sent out. */
    private final AccessProbes probes;
    private final OffloadedPages offloaded;

    public GuestMemory(GuestSpec spec, FramePool frames, CostTable costs, int tlbEntries, SharedFrames shared, boolean sharing,
                HostSwap swap, long swapInCycles, WorkingSetEstimator estimator) {
        this.spec = spec;
        this.index = spec.index();
        this.mode = spec.mode();
        this.frames = frames;
        this.swap = swap;
        this.swapInCycles = swapInCycles;
        this.estimator = estimator;
        this.samples = new SampledPages(estimator, spec.configuredPages());
        this.probes = new AccessProbes(spec.configuredPages());
        this.offloaded = new OffloadedPages(spec.configuredPages());
        this.cpu = new CpuAccount(costs, spec.technique(), spec.cpu());
        this.shared = shared;
        this.sharing = sharing;
        this.pmap = new Pmap(spec.configuredPages());
        this.tables = new RadixPageTable[spec.processes()];
        for (int p = 0; p < tables.length; p++) {
            tables[p] = new RadixPageTable();
        }
        if (spec.technique().shadowPaging()) {
            this.shadow = new RadixPageTable[spec.processes()];
            for (int p = 0; p < shadow.length; p++) {
                shadow[p] = new RadixPageTable();
            }
            this.rmap = new ReverseMap(spec.configuredPages());
            this.paraPpn = null;
        } else if (mode == TranslationMode.PARA) {
            this.shadow = null;
            this.paraPpn = new RadixPageTable[spec.processes()];
            for (int p = 0; p < paraPpn.length; p++) {
                paraPpn[p] = new RadixPageTable();
            }
            this.rmap = new ReverseMap(spec.configuredPages());
        } else {
            this.shadow = null;
            this.paraPpn = null;
            this.rmap = null;
        }
        this.tlb = new Tlb(tlbEntries);
        this.paging = new GuestPaging(this, frames, shared, swap);
        this.view = new GuestView(index, mode, tables, pmap, frames, swap);
    }

    /** What this guest would read now, through the hypervisor's tables, without side effects. */
    public GuestView view() {
        return view;
    }

    /** This guest's balloon and host-swap operations. */
    public GuestPaging paging() {
        return paging;
    }

    /** A para-virtual guest's PPN now on {@code mpn}: an entry of its next remap notice. */
    void noteRemap(int ppn, int mpn) {
        noticePpns.add(ppn);
        noticeMpns.add(mpn);
    }

    /** Counts one refused call of this guest, and why. */
    public void refuse(RefusalReason reason) {
        counters.refuse(reason);
    }

    /**
     * The frame behind {@code ppn}, giving it one if it has none: a fresh zeroed frame for an
     * unbacked PPN (a first touch) or a ballooned one (the balloon pops: counted, and
     * {@link #popped} set), or a frame filled from host swap for a swapped one (a swap-in, charged
     * to the guest). Returns {@link FramePool#NO_FRAME} when the host has no free frame (then
     * nothing changed).
     */
    public int backing(int ppn) {
        int mpn = pmap.mpn(ppn);
        if (mpn != FramePool.NO_FRAME) {
            return mpn;
        }
        if (largeBacking && pmap.state(ppn) == Pmap.UNBACKED && pmap.runUnbacked(ppn)) {
            int run = frames.allocateRun(index);
            if (run != FramePool.NO_FRAME) {
                return backLarge(ppn, run);
            }
        }
        mpn = allocateFrame(ppn);
        if (mpn == FramePool.NO_FRAME) {
            return FramePool.NO_FRAME;
        }
        byte state = pmap.state(ppn);
        if (state == Pmap.SWAPPED) {
            frames.setToken(mpn, swap.release(index, ppn));
            offloaded.swappedIn(ppn);
            if (compression == null || !compression.take(index, ppn)) { // a compressed page needs no device
                counters.hostSwapIns++;
                cpu.hostSwapIn(swapInCycles);
            }
        } else if (state == Pmap.BALLOONED) {
            counters.balloonPops++;
            popped = true;
            logMove(ppn); // out of the balloon (a read leaves no other mark)
        }
        pmap.back(ppn, mpn);
        return mpn;
    }

    /** The host's compression tier, or null: swapped pages may be compressed ({@link GuestPaging#swapOutPage}). */
    private ballast.host.compression.CompressionCache compression;

    public void useCompression(ballast.host.compression.CompressionCache cache) { this.compression = cache; }

    public ballast.host.compression.CompressionCache compression() { return compression; }

    /** The guest's memory hotplug device, or null when it has none ({@link HotplugCalls}). */
    private ballast.host.hotplug.HotplugDevice hotplug;

    public void useHotplug(ballast.host.hotplug.HotplugDevice device) { this.hotplug = device; }

    public ballast.host.hotplug.HotplugDevice hotplug() { return hotplug; }

    /** A first touch backs {@code ppn}'s whole aligned 2 MiB run with machine run {@code run}: one large page. */
    private int backLarge(int ppn, int run) {
        pmap.backLarge(ppn, run);
        int first = ppn & ~(Pmap.LARGE_PAGES - 1);
        for (int i = 0; i < Pmap.LARGE_PAGES; i++) {
            frames.setM2p(run + i, first + i);
        }
        return run + (ppn - first);
    }

    /** Where a fault waits when the host has no free frame; null: no such fallback (reclamation off). */
    private FrameShortage shortage;

    public void onShortage(FrameShortage shortage) { this.shortage = shortage; }

    /**
     * A free frame for this guest to back {@code ppn} (its machine-to-physical reference set): from
     * the free list, or after the hypervisor paged a victim out; else NO_FRAME.
     */
    private int allocateFrame(int ppn) {
        int mpn = frames.allocate(index, ppn);
        if (mpn == FramePool.NO_FRAME && shortage != null && shortage.freeOne(index)) {
            mpn = frames.allocate(index, ppn);
            counters.shortageWaits++;
        }
        if (mpn == FramePool.NO_FRAME) {
            counters.allocationFailures++;
        }
        return mpn;
    }

    /**
     * A TLB miss on {@code key}: walks the mode's tables, fills the TLB and returns the MPN, or
     * {@link FramePool#NO_FRAME} when the guest has no mapping there (a true guest page fault).
     */
    int miss(long key) {
        int process = Ops.process(key);
        long vpn = Ops.vpn(key);
        int mpn;
        if (shadow != null) {
            mpn = shadow[process].get(vpn);
            if (mpn < 0) {
                // A hidden fault: fill the shadow entry from the guest table and the pmap.
                int ppn = tables[process].get(vpn);
                if (ppn < 0) {
                    counters.guestFaults++;
                    return FramePool.NO_FRAME;
                }
                mpn = backing(ppn);
                if (mpn < 0) {
                    return FramePool.NO_FRAME;
                }
                shadow[process].set(vpn, mpn);
                rmap.add(ppn, key);
                counters.hiddenFaults++;
                cpu.hiddenFault();
                if (samples.isSampled(ppn)) {
                    samples.touch(ppn); // the sampled page's shadow entries were dropped: this hidden fault finds it
                }
                if (probes.armed(ppn)) {
                    probes.touch(ppn); // likewise for an offload monitor's probe
                }
            }
            // else a shadow walk: as many references as a native walk, no overhead
        } else if (mode == TranslationMode.NESTED) {
            int ppn = tables[process].get(vpn);
            if (ppn < 0) {
                counters.guestFaults++;
                return FramePool.NO_FRAME;
            }
            mpn = pmap.mpn(ppn);
            boolean sampledTouch = samples.isSampled(ppn);
            boolean probed = probes.armed(ppn);
            if (mpn < 0 || sampledTouch || probed) {
                // EPT violation: the nested table has no entry (never backed, ballooned, swapped, or
                // invalidated for working-set sampling); the hypervisor backs it.
                mpn = backing(ppn);
                counters.hiddenFaults++;
                cpu.hiddenFault();
                if (mpn < 0) {
                    return FramePool.NO_FRAME;
                }
                if (sampledTouch) {
                    samples.touch(ppn);
                    mapGeneration++; // its block may be translated by one large entry again
                }
                if (probed) {
                    probes.touch(ppn);
                    mapGeneration++; // likewise for an offload monitor's probe
                }
            }
            if (largeBacking && pmap.isLarge(ppn)) {
                if (tlb.hasLarge() && dirtyLog == null && guestMapsBlock(process, vpn, ppn)) {
                    tlb.fillLarge(key, mpn - (ppn & (Pmap.LARGE_PAGES - 1)));
                    pendingLargeWalks++;
                    return mpn;
                }
                pendingHostLargeWalks++;
            }
        } else {
            mpn = tables[process].get(vpn);
            if (mpn < 0) {
                counters.guestFaults++;
                return FramePool.NO_FRAME;
            }
            if (samples.any()) {
                // The sampled entries' accessed bits were cleared and their TLB entries dropped: the
                // walk sets the bit again, which the hypervisor reads; no fault.
                int ppn = paraPpn[process].get(vpn);
                if (ppn >= 0 && samples.isSampled(ppn)) {
                    samples.touch(ppn);
                }
            }
        }
        if (arrivals != null) {
            arrivals.touch(ppnOf(key)); // post-copy: a page not arrived yet is a network fault
        }
        tlb.fill(key, mpn, sharing && frames.owner(mpn) == FramePool.SHARED || dirtyLog != null);
        return mpn;
    }

    /**
     * Whether the guest maps the aligned 2 MiB block of {@code vpn} onto the aligned run of
     * {@code ppn} (a large page) page for page, none of it sampled or probed by the offload monitor: then the block stands for a
     * guest 2 MiB page (as Linux's transparent huge pages make) on a host 2 MiB page, and one
     * large TLB entry translates it. A failed check is remembered for the run until the guest's
     * tables change, so a block that does not qualify costs one check, not one per miss.
     */
    private boolean guestMapsBlock(int process, long vpn, int ppn) {
        int offset = ppn & (Pmap.LARGE_PAGES - 1);
        if ((vpn & (Pmap.LARGE_PAGES - 1)) != offset) {
            return false;
        }
        int run = ppn >>> Pmap.LARGE_SHIFT;
        if (blockFailedAt[run] == mapGeneration + 1) {
            return false;
        }
        long firstVpn = vpn - offset;
        int firstPpn = ppn - offset;
        RadixPageTable t = tables[process];
        boolean anySampled = samples.any();
        for (int i = 0; i < Pmap.LARGE_PAGES; i++) {
            if (t.get(firstVpn + i) != firstPpn + i || anySampled && samples.isSampled(firstPpn + i)
                    || probes.armed(firstPpn + i)) {
                blockFailedAt[run] = mapGeneration + 1;
                return false;
            }
        }
        return true;
    }

    /**
     * The tick's {@code misses} TLB misses, charged to the guest: the walks that ended on a large
     * page at their shorter prices, the rest at the technique's.
     */
    void chargeTlbMisses(long misses) {
        long hostLarge = pendingHostLargeWalks;
        long both = pendingLargeWalks;
        if (hostLarge + both == 0) {
            cpu.tlbMisses(misses);
            return;
        }
        cpu.tlbMisses(Math.max(0, misses - hostLarge - both));
        cpu.tlbMisses(hostLarge, hostLargeWalkOverhead);
        cpu.tlbMisses(both, largeWalkOverhead);
        hostLargeWalks += hostLarge;
        largeWalks += both;
        pendingHostLargeWalks = 0;
        pendingLargeWalks = 0;
    }

    /**
     * Backs this guest with large pages from now on (a nested guest with nested paging): first
     * touches of a wholly unbacked aligned 2 MiB run take an aligned run of 512 frames when the
     * host has one; the TLB gets {@code settings.tlbEntries()} entries for 2 MiB pages; nested
     * walks that end on a large page cost {@code settings}' references.
     */
    public void enableLargePages(LargePageSettings settings, CostTable costs) {
        largeBacking = true;
        pmap.enableLargePages();
        frames.enableRuns();
        tlb.enableLarge(settings.tlbEntries());
        blockFailedAt = new int[(pmap.pages() >>> Pmap.LARGE_SHIFT) + 1];
        hostLargeWalkOverhead = Math.max(0, (long) (settings.hostLargeWalkReferences() - costs.nativeWalkReferences())
                * costs.memoryReference());
        largeWalkOverhead = Math.max(0, (long) (settings.largeWalkReferences() - costs.nativeWalkReferences())
                * costs.memoryReference());
    }

    /** The sampled pages changed: blocks refused a large TLB entry for one of them may be checked again. */
    void samplesChanged() {
        mapGeneration++;
    }

    /** Whether this guest is backed with large pages. */
    public boolean largeBacking() {
        return largeBacking;
    }

    /** TLB misses whose walk ended on a host large page (the guest's block not one large page). */
    public long hostLargeWalks() {
        return hostLargeWalks;
    }

    /** TLB misses that filled a large TLB entry (guest and host both 2 MiB). */
    public long largeWalks() {
        return largeWalks;
    }

    /** Memory the guest's TLB entries cover now, in 4 KiB pages. */
    public long tlbReachPages() {
        return tlb.reachPages();
    }

    /**
     * A write that found no writable TLB entry for {@code key}: a miss as for a read and, when the
     * page sits on a shared frame, a copy-on-write break. Returns the (private) MPN written, or
     * {@link FramePool#NO_FRAME}.
     */
    int missForWrite(long key) {
        int mpn = miss(key);
        if (sharing && mpn >= 0 && frames.owner(mpn) == FramePool.SHARED) {
            mpn = breakCow(key, mpn);
        }
        if (dirtyLog != null && mpn >= 0) {
            logWrite(key, mpn);
        }
        return mpn;
    }

    /** Pre-copy write tracking: the page's first write this round sets its bit and makes its TLB entry writable. */
    private void logWrite(long key, int mpn) {
        int ppn = ppnOf(key);
        if (ppn >= 0) {
            dirtyLog.mark(ppn);
        }
        tlb.fill(key, mpn, false);
    }

    /**
     * Breaking copy-on-write: {@code key}'s PPN gets a private copy of shared frame {@code sharedMpn},
     * every entry built from the PPN is repointed, the shared frame loses one reference (and is
     * freed with its last). The write-protection fault is a hidden fault (a VM exit with nested
     * paging).
     */
    private int breakCow(long key, int sharedMpn) {
        int ppn = ppnOf(key);
        if (ppn < 0 || pmap.mpn(ppn) != sharedMpn) {
            throw new IllegalStateException(spec.name() + ": key 0x" + Long.toHexString(key) + " maps shared MPN "
                    + sharedMpn + " but its PPN " + ppn + " does not");
        }
        int copy = allocateFrame(ppn);
        if (copy == FramePool.NO_FRAME) {
            return FramePool.NO_FRAME;
        }
        frames.setToken(copy, frames.token(sharedMpn));
        pmap.unshare(ppn, copy);
        repoint(ppn, sharedMpn, copy);
        shared.release(sharedMpn);
        counters.cowBreaks++;
        counters.hiddenFaults++;
        cpu.hiddenFault(); // a trap under BT, an exit with hardware assistance
        tlb.fill(key, copy, false);
        return copy;
    }

    /** The PPN that {@code key} maps, through the guest's tables (or, para-virtual, the validated record). */
    int ppnOf(long key) {
        int process = Ops.process(key);
        long vpn = Ops.vpn(key);
        return mode == TranslationMode.PARA ? paraPpn[process].get(vpn) : tables[process].get(vpn);
    }

    /**
     * The hypervisor moved {@code ppn} from frame {@code oldMpn} to {@code newMpn} (they may be the
     * same frame, now write-protected): repoints the shadow (full, nested without nested paging) or para-virtual entries built
     * from the PPN and drops their TLB entries; with nested paging, drops every TLB entry of the
     * old frame. A para-virtual guest's notice records the change.
     */
    void repoint(int ppn, int oldMpn, int newMpn) {
        if (shadow != null) { // full, and nested without nested paging
            rmap.forEach(ppn, key -> {
                shadow[Ops.process(key)].set(Ops.vpn(key), newMpn);
                tlb.invalidate(key);
            });
        } else if (mode == TranslationMode.PARA) {
            rmap.forEach(ppn, key -> {
                tables[Ops.process(key)].set(Ops.vpn(key), newMpn);
                tlb.invalidate(key);
            });
            if (oldMpn != newMpn) {
                noticePpns.add(ppn);
                noticeMpns.add(newMpn);
            }
        } else {
            tlb.invalidateFrame(oldMpn);
        }
    }

    /** Merges {@code ppn}, on private frame {@code mpn}, into shared frame {@code sharedMpn}, freeing {@code mpn}. */
    public void mergeInto(int ppn, int mpn, int sharedMpn) {
        pmap.share(ppn, sharedMpn);
        shared.addRef(sharedMpn);
        repoint(ppn, mpn, sharedMpn);
        frames.free(mpn);
    }

    /** Turns {@code ppn}'s private frame {@code mpn} into a shared frame (write-protects it). */
    public void makeShared(int ppn, int mpn) {
        shared.create(mpn);
        pmap.share(ppn, mpn);
        repoint(ppn, mpn, mpn);
    }

    /** The PPNs whose frame changed since the last call, for a para-virtual guest's notice; null when none. */
    public int[][] takeNotice() {
        if (noticePpns.isEmpty()) {
            return null;
        }
        int[][] notice = {noticePpns.toIntArray(), noticeMpns.toIntArray()};
        noticePpns.clear();
        noticeMpns.clear();
        return notice;
    }

    /** Entries of the next remap notice. */
    public int pendingNotices() {
        return noticePpns.size();
    }

    /** A guest page-table write making {@code key} map {@code ppn} (full and nested guests). */
    void map(long key, int ppn) {
        int process = Ops.process(key);
        long vpn = Ops.vpn(key);
        int old = tables[process].set(vpn, ppn);
        mapGeneration++;
        cpu.ptWrite();
        if (shadow != null) {
            if (old >= 0 && old != ppn) {
                dropShadow(key, old);
            }
        } else if (old >= 0) {
            tlb.invalidate(key); // the guest's own INVLPG; no exit with nested paging
        }
    }

    /** A guest page-table write clearing {@code key} (full and nested guests). */
    void unmap(long key) {
        int process = Ops.process(key);
        long vpn = Ops.vpn(key);
        int old = tables[process].clear(vpn);
        mapGeneration++;
        cpu.ptWrite();
        if (shadow != null) {
            if (old >= 0) {
                dropShadow(key, old);
            }
        } else if (old >= 0) {
            tlb.invalidate(key);
        }
    }

    /** A context switch: a page-table base write; the untagged TLB is flushed. */
    void switchProcess() {
        tlb.flush();
        counters.tlbFlushes++;
        // full: a trap; para: an MMUEXT_NEW_BASEPTR hypercall; nested: an exit only without nested paging
        cpu.contextSwitch();
    }

    /** Applies one validated para-virtual page-table entry write: {@code key} maps {@code mpn}, which backs {@code ppn}. */
    void paraWrite(long key, int mpn, int ppn) {
        int process = Ops.process(key);
        long vpn = Ops.vpn(key);
        int oldPpn;
        if (mpn < 0) {
            tables[process].clear(vpn);
            oldPpn = paraPpn[process].clear(vpn);
        } else {
            tables[process].set(vpn, mpn);
            oldPpn = paraPpn[process].set(vpn, ppn);
        }
        if (oldPpn != ppn) {
            if (oldPpn >= 0) {
                rmap.remove(oldPpn, key);
            }
            if (mpn >= 0) {
                rmap.add(ppn, key);
            }
        }
        tlb.invalidate(key);
    }

    private void dropShadow(long key, int oldPpn) {
        if (shadow[Ops.process(key)].clear(Ops.vpn(key)) >= 0) {
            rmap.remove(oldPpn, key);
        }
        tlb.invalidate(key);
    }

    // ---------------------------------------------------------------- reclamation

    /** Pre-copy: a PPN moved into or out of the balloon is sent again in the next round. */
    void logMove(int ppn) {
        if (dirtyLog != null) {
            dirtyLog.mark(ppn);
        }
    }

    /**
     * The guest is gone (stopped or about to boot afresh): every private frame it held goes back to
     * the host, every shared frame loses its reference and every swap slot is freed, its balloon is
     * forgotten, its tables, shadow tables and TLB are emptied, and it may boot again. Returns how many of its pages were released. Counters are kept: they are the guest's history.
     */
    public int release() {
        int released = paging.releaseAll();
        paging.endSamplePeriod(false);
        popped = false;
        for (int p = 0; p < tables.length; p++) {
            tables[p] = new RadixPageTable();
            if (shadow != null) {
                shadow[p] = new RadixPageTable();
            }
            if (paraPpn != null) {
                paraPpn[p] = new RadixPageTable();
            }
        }
        noticePpns.clear();
        noticeMpns.clear();
        if (rmap != null) {
            rmap.clear();
        }
        tlb.flush();
        booted = false;
        return released;
    }

    // ---------------------------------------------------------------- for the other mechanisms

    public GuestSpec spec() { return spec; }
    public int index() { return index; }
    public TranslationMode mode() { return mode; }
    public Pmap pmap() { return pmap; }
    public CpuAccount cpu() { return cpu; }
    public GuestEventCounts counters() { return counters; }
    public WorkingSetEstimator estimator() { return estimator; }
    /** Whether the guest has booted here (and not been released since). */
    public boolean booted() { return booted; }
    public void markBooted() { booted = true; }
    /** The host's swap-in cost for this guest's next faults. */
    public void setSwapInCycles(long cycles) { swapInCycles = cycles; }
    /** Whether the guest runs here (neither arriving by migration nor gone). */
    public boolean resident() { return residence == RESIDENT; }
    /** Whether the guest's pages are arriving by migration (it does not run here yet). */
    public boolean incoming() { return residence == INCOMING; }
    public void markIncoming() { residence = INCOMING; }
    public void markResident() { residence = RESIDENT; }
    public void markDeparted() { residence = DEPARTED; }

    // package-private reads for the access loop and the audits of this package (final: inlined)
    final Tlb tlb() { return tlb; }
    final boolean popped() { return popped; }
    final void clearPopped() { popped = false; }
    final RadixPageTable[] tables() { return tables; }
    final RadixPageTable[] shadow() { return shadow; }
    final RadixPageTable[] paraPpn() { return paraPpn; }
    final ReverseMap rmap() { return rmap; }
    final SampledPages samples() { return samples; }
    /** The offload monitor's access-bit probes of this guest. */
    public AccessProbes probes() { return probes; }
    /** The pages the offload controller sent out of this guest, and its refaults. */
    public OffloadedPages offloaded() { return offloaded; }

    // ---------------------------------------------------------------- pre-copy write log

    /** Starts logging the guest's writes: a fresh, empty log; the TLB flushed, so that fills are read-only. */
    public void startWriteLog() {
        dirtyLog = new WriteLog(pmap.pages());
        tlb.flush();
    }

    /** Stops logging the guest's writes; the TLB is flushed, so that fills are writable again. */
    public void stopWriteLog() {
        dirtyLog = null;
        tlb.flush();
    }

    /** Forgets the log without touching the TLB (the guest is leaving). */
    public void dropWriteLog() { dirtyLog = null; }

    /** Post-copy: the pages not arrived yet (null when none is on its way). */
    public ballast.host.migration.PostCopyArrivals arrivals() { return arrivals; }

    public void setArrivals(ballast.host.migration.PostCopyArrivals arrivals) { this.arrivals = arrivals; }

    /** This round's write log, or null when the guest's writes are not logged. */
    public WriteLog writeLog() {
        return dirtyLog;
    }

    /** Starts the next round: the log is cleared and the TLB flushed (write-protected again). */
    public void clearWriteLog() {
        dirtyLog.clear();
        tlb.flush();
    }

    // ---------------------------------------------------------------- the guest's tables, for migration

    /**
     * Adds the guest's page-table entries as (key, PPN) pairs, in table order: its own VPN -> PPN
     * tables, or for a para-virtual guest its validated entries with their frames turned back into PPNs.
     */
    public void collectMappings(LongArrayList keys, IntArrayList ppns) {
        RadixPageTable[] source = mode == TranslationMode.PARA ? paraPpn : tables;
        for (int p = 0; p < source.length; p++) {
            final int process = p;
            source[p].forEach((vpn, ppn) -> {
                keys.add(Ops.key(process, vpn));
                ppns.add(ppn);
            });
        }
    }

    /**
     * An arriving guest's page-table entry: {@code key} maps {@code ppn} (for a para-virtual guest,
     * validated onto the PPN's frame here). Entries outside the guest's memory or processes are skipped.
     */
    public void installMapping(long key, int ppn) {
        if (!pmap.isValidPpn(ppn) || Ops.process(key) >= tables.length) {
            return;
        }
        if (mode == TranslationMode.PARA) {
            paraWrite(key, pmap.mpn(ppn), ppn);
        } else {
            tables[Ops.process(key)].set(Ops.vpn(key), ppn);
        }
    }
}
