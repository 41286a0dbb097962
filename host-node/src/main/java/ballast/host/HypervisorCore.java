package ballast.host;

import ballast.abi.GuestCounters;
import ballast.abi.KernelActivity;
import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.Reservation;
import ballast.abi.TickResult;
import ballast.abi.TickStart;
import ballast.abi.TranslationMode;
import ballast.host.control.GuestReclaim;
import ballast.host.control.GuestStats;
import ballast.host.control.HostReclaim;
import ballast.host.control.HostStats;
import ballast.host.cpu.CpuAccount;
import ballast.host.memory.FramePool;
import ballast.host.memory.HostSwap;
import ballast.host.memory.Pmap;
import ballast.abi.Tokens;
import ballast.host.memory.Tlb;
import ballast.host.sharing.ContentHash;
import ballast.host.sharing.MergeOutcome;
import ballast.host.sharing.ScanState;
import ballast.host.sharing.SharingCounters;
import ballast.host.sharing.SharingResult;
import ballast.host.sharing.SharingWork;
import ballast.host.policy.FreeMemoryStates;
import ballast.host.policy.ReclaimSettings;
import ballast.host.policy.WorkingSetEstimator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One host's memory manager as a plain object: the machine frames, every guest's pmap, tables and
 * TLB, and the rules for applying a guest's tick of work. The {@link Hypervisor} actor owns one
 * and routes messages to it; tests drive it directly.
 *
 * <p>Applying a tick validates everything first and changes nothing when something is refused:
 * an {@code mmu_update} batch is applied whole or refused whole, and an operation stream with a
 * malformed entry is refused whole, and so is malformed kernel activity. Then operations run in
 * order through the TLB; a miss goes to the guest's mode ({@link GuestMemory#miss}). A write to a shared frame breaks
 * copy-on-write. What every event costs is charged to the guest's {@link CpuAccount}.
 *
 * <p>Page sharing: the hypervisor is authoritative. It hashes the pages its page-sharing daemon
 * asks about, and merges the pages the daemon proposes only after checking that each still maps
 * the frame the daemon saw, that the frame's content still has the hash (else a stale hint), and
 * that the content is really the same (else a false match); see {@link #applySharing}.
 *
 * <p>Reclamation: a tick's {@link Reservation} calls are applied around its work (page-outs
 * first, then the work, then the balloon's inflate and deflate, each whole or refused whole), a
 * guest touching a ballooned page pops its balloon, and after every tick {@link #endTick} runs the
 * {@link Reclamation} (working-set sampling, free-memory states, targets, host paging); its
 * decisions go out with the next {@link TickStart} ({@link #tickStart}).
 *
 * <p>Not thread-safe: one actor owns it.
 */
public final class HypervisorCore {
    /** Folded into the read digest for a read of an unmapped page (never a real token by design). */
    static final long FAULT_TOKEN = 0xFA17FA17FA17FA17L;

    private HostSettings settings;
    private final FramePool frames;
    private GuestMemory[] guests;
    private final SharedFrames shared;
    private final HostSwap swap;
    private final Reclamation reclamation;
    /** Reads of the last {@link #runOps}. */
    private int lastReads;
    private long mergeCount;
    private long staleHints;
    private long falseMatches;

    public HypervisorCore(HostSettings settings) {
        this.settings = settings;
        this.frames = new FramePool(settings.totalFrames(), settings.reservedFrames(), settings.seed());
        this.shared = new SharedFrames(frames, settings.sharing().hashBits());
        this.guests = new GuestMemory[settings.guests().size()];
        int[] pages = new int[guests.length];
        for (int i = 0; i < guests.length; i++) {
            pages[i] = settings.guests().get(i).configuredPages();
        }
        ReclaimSettings reclaim = settings.reclaim();
        this.swap = new HostSwap(reclaim.swapPages(), pages);
        for (int i = 0; i < guests.length; i++) {
            GuestSpec spec = settings.guests().get(i);
            if (spec.index() != i) {
                throw new IllegalArgumentException("guest " + spec.name() + " has index " + spec.index() + ", expected " + i);
            }
            WorkingSetEstimator estimator = new WorkingSetEstimator(
                    Tokens.derive(settings.seed(), settings.name() + "/" + spec.name() + "/working-set"),
                    reclaim.samplesPerPeriod(), WorkingSetEstimator.DEFAULT_SLOW_GAIN, WorkingSetEstimator.DEFAULT_FAST_GAIN);
            guests[i] = new GuestMemory(spec, frames, settings.costs(), settings.tlbEntries(), shared,
                    settings.sharing().enabled(), swap, reclaim.swapInCycles(), estimator);
        }
        this.reclamation = new Reclamation(settings, guests, frames, swap);
        for (GuestMemory g : guests) {
            g.onShortage(reclamation::freeOne);
        }
    }

    public HostSettings settings() {
        return settings;
    }

    public int guestCount() {
        return guests.length;
    }

    FramePool frames() {
        return frames;
    }

    HostSwap swap() {
        return swap;
    }

    Reclamation reclamation() {
        return reclamation;
    }

    GuestMemory guest(int index) {
        return guests[index];
    }

    public boolean isGuest(int index) {
        return index >= 0 && index < guests.length;
    }

    public boolean isParavirtual(int index) {
        return guests[index].mode == TranslationMode.PARA;
    }

    public boolean isBooted(int index) {
        return isGuest(index) && guests[index].booted;
    }

    /**
     * Boots a guest. A para-virtual guest's whole reservation is populated now (as Xen's domain
     * builder does; a guest that arrived by live migration with PPNs in its balloon gets no frame
     * for those, and its p2m names none) and its p2m returned; other guests get frames lazily on
     * first touch.
     *
     * @return the p2m (empty for non-para guests), or null with the reason in {@code refusal[0]}
     */
    public int[] boot(int index, String name, Refusal[] refusal) {
        if (!isGuest(index)) {
            refusal[0] = new Refusal(RefusalReason.UNKNOWN_GUEST, index, "no guest " + index + " on host " + settings.name());
            return null;
        }
        GuestMemory g = guests[index];
        if (!g.spec.name().equals(name)) {
            refusal[0] = new Refusal(RefusalReason.UNKNOWN_GUEST, index,
                    "guest " + index + " of host " + settings.name() + " is " + g.spec.name() + ", not " + name);
            return null;
        }
        if (g.booted) {
            refusal[0] = new Refusal(RefusalReason.ALREADY_BOOTED, index, name + " has already booted");
            return null;
        }
        if (g.mode != TranslationMode.PARA) {
            g.booted = true;
            return new int[0];
        }
        int pages = g.pmap.pages();
        // a guest that arrived by live migration is backed already, but for its balloon
        long needed = (long) pages - g.pmap.backedPages() - g.pmap.balloonedPages();
        if (frames.freeFrames() < needed) {
            refusal[0] = new Refusal(RefusalReason.OUT_OF_MEMORY, index,
                    name + " needs " + needed + " frames at boot, " + frames.freeFrames() + " are free");
            return null;
        }
        int[] p2m = new int[pages];
        for (int ppn = 0; ppn < pages; ppn++) {
            p2m[ppn] = g.pmap.state(ppn) == Pmap.BALLOONED ? FramePool.NO_FRAME : g.backing(ppn);
        }
        g.booted = true;
        return p2m;
    }

    /** Applies one guest's work for a tick without kernel activity; see {@link #apply(int, long, List, long[], long[], KernelActivity)}. */
    public TickResult apply(int index, long tick, List<MmuUpdate> mmuUpdates, long[] ops, long[] values) {
        return apply(index, tick, mmuUpdates, ops, values, null);
    }

    /** Applies one guest's work for a tick without reservation calls; see {@link #apply(int, long, List, long[], long[], KernelActivity, Reservation)}. */
    public TickResult apply(int index, long tick, List<MmuUpdate> mmuUpdates, long[] ops, long[] values,
                            KernelActivity kernel) {
        return apply(index, tick, mmuUpdates, ops, values, kernel, null);
    }

    /**
     * Applies one guest's work for a tick, in this order: its page-outs (see {@link #pageOuts}),
     * its mmu_update hypercalls, its kernel activity (counted and charged; refused whole when
     * malformed), its operations (refused whole when malformed), then its balloon's inflate and
     * deflate calls (each applied whole or refused whole, whatever became of the operations).
     * When one of its accesses reached a ballooned PPN, its whole balloon is emptied right after
     * the operations and the result says {@link TickResult#POPPED}; the tick's inflate then starts
     * the new balloon (as the driver counts it), and its deflate is not applied (the PPNs it names
     * are out of the balloon already). The caller has checked that the guest exists and sent this
     * itself.
     */
    public TickResult apply(int index, long tick, List<MmuUpdate> mmuUpdates, long[] ops, long[] values,
                            KernelActivity kernel, Reservation reservation) {
        return apply(index, tick, mmuUpdates, ops, ops == null ? 0 : ops.length, values,
                values == null ? 0 : values.length, kernel, reservation);
    }

    /**
     * As {@link #apply(int, long, List, long[], long[], KernelActivity, Reservation)}, the streams
     * being the first {@code opCount} entries of {@code ops} and the first {@code valueCount} of
     * {@code values} (a guest's reused buffers; see {@link ballast.abi.TickWork}). A count
     * outside its array refuses the operations as malformed.
     */
    public TickResult apply(int index, long tick, List<MmuUpdate> mmuUpdates, long[] ops, int opCount, long[] values,
                            int valueCount, KernelActivity kernel, Reservation reservation) {
        GuestMemory g = guests[index];
        List<Refusal> refusals = new ArrayList<>(0);
        if (reservation != null) {
            pageOuts(g, reservation.pageOuts(), refusals);
        }
        long digest = applyWork(g, mmuUpdates, ops, opCount, values, valueCount, kernel, refusals);
        int reads = lastReads;
        int status = 0;
        if (g.popped) {
            g.emptyBalloon();
            status |= TickResult.POPPED;
        }
        if (reservation != null) {
            status |= balloonCall(g, reservation.inflate(), true, refusals);
            if ((status & TickResult.POPPED) == 0) {
                status |= balloonCall(g, reservation.deflate(), false, refusals);
            }
        }
        return new TickResult(tick, digest, reads, refusals.isEmpty() ? List.of() : List.copyOf(refusals), status);
    }

    /**
     * The mmu_updates, kernel activity and operations; returns the read digest, the reads in
     * {@link #lastReads} (an empty digest and no reads when the operations were refused).
     */
    private long applyWork(GuestMemory g, List<MmuUpdate> mmuUpdates, long[] ops, int opCount, long[] values,
                           int valueCount, KernelActivity kernel, List<Refusal> refusals) {
        boolean batched = false;
        if (mmuUpdates != null) {
            for (int h = 0; h < mmuUpdates.size(); h++) {
                Refusal r = mmuUpdate(g, h, mmuUpdates.get(h));
                if (r != null) {
                    refusals.add(r);
                } else {
                    batched = true;
                }
            }
        }
        if (kernel != null) {
            String problem = g.cpu.check(kernel);
            if (problem != null) {
                g.refuse(RefusalReason.MALFORMED);
                refusals.add(new Refusal(RefusalReason.MALFORMED, -1, problem));
            } else {
                // A para-virtual kernel's page-table writes and TLB flushes join the tick's mmu_update batch.
                g.cpu.kernel(kernel, batched);
            }
        }
        Refusal bad = validateOps(g, ops, opCount, values, valueCount);
        if (bad != null) {
            g.refuse(bad.reason());
            refusals.add(bad);
            lastReads = 0;
            return Tokens.EMPTY_DIGEST;
        }
        return runOps(g, ops, opCount, values);
    }

    // ---------------------------------------------------------------- reservation calls

    /**
     * The guest OS wrote these PPNs to its virtual disk: the disk reads each by DMA, so a PPN the
     * hypervisor had swapped out comes back in first (a double paging, counted, and charged as a
     * swap-in). Refused whole, changing nothing, when a PPN is out of range
     * ({@link RefusalReason#PPN_OUT_OF_RANGE}) or in the balloon ({@link RefusalReason#ALREADY_BALLOONED}:
     * the balloon driver holds it, the OS cannot page it).
     */
    private void pageOuts(GuestMemory g, int[] ppns, List<Refusal> refusals) {
        if (ppns.length == 0) {
            return;
        }
        Pmap pmap = g.pmap;
        for (int i = 0; i < ppns.length; i++) {
            int ppn = ppns[i];
            RefusalReason reason = null;
            String detail = null;
            if (!pmap.isValidPpn(ppn)) {
                reason = RefusalReason.PPN_OUT_OF_RANGE;
                detail = "page-out " + i + ": PPN " + ppn + " outside 0.." + (pmap.pages() - 1);
            } else if (pmap.state(ppn) == Pmap.BALLOONED) {
                reason = RefusalReason.ALREADY_BALLOONED;
                detail = "page-out " + i + ": PPN " + ppn + " is in the balloon";
            }
            if (reason != null) {
                g.refuse(reason);
                refusals.add(new Refusal(reason, -1, detail));
                return;
            }
        }
        for (int ppn : ppns) {
            g.pageOut(ppn);
        }
    }

    /**
     * One balloon call (inflate: decrease_reservation; deflate: increase_reservation), validated
     * first and applied whole, or refused whole with a typed reason and nothing changed. Returns
     * the {@link TickResult#balloonStatus} bit of a refusal, or 0.
     */
    private int balloonCall(GuestMemory g, int[] ppns, boolean inflate, List<Refusal> refusals) {
        if (ppns.length == 0) {
            return 0;
        }
        Refusal r = inflate ? validateInflate(g, ppns) : validateDeflate(g, ppns);
        if (r != null) {
            g.refuse(r.reason());
            refusals.add(r);
            return inflate ? TickResult.INFLATE_REFUSED : TickResult.DEFLATE_REFUSED;
        }
        for (int ppn : ppns) {
            if (inflate) {
                g.inflate(ppn);
            } else {
                g.deflate(ppn);
            }
        }
        return 0;
    }

    private static Refusal outOfRange(GuestMemory g, int[] ppns, String call) {
        for (int i = 0; i < ppns.length; i++) {
            if (!g.pmap.isValidPpn(ppns[i])) {
                return new Refusal(RefusalReason.PPN_OUT_OF_RANGE, -1,
                        call + " entry " + i + ": PPN " + ppns[i] + " outside 0.." + (g.pmap.pages() - 1));
            }
        }
        return null;
    }

    /** A PPN named twice in {@code ppns} (valid PPNs), or -1. */
    private static int duplicate(int[] ppns) {
        int[] sorted = ppns.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                return sorted[i];
            }
        }
        return -1;
    }

    private Refusal validateInflate(GuestMemory g, int[] ppns) {
        Refusal r = outOfRange(g, ppns, "inflate");
        if (r != null) {
            return r;
        }
        for (int i = 0; i < ppns.length; i++) {
            if (g.pmap.state(ppns[i]) == Pmap.BALLOONED) {
                return new Refusal(RefusalReason.ALREADY_BALLOONED, -1, "inflate entry " + i + ": PPN " + ppns[i] + " is already in the balloon");
            }
        }
        int twice = duplicate(ppns);
        if (twice >= 0) {
            return new Refusal(RefusalReason.ALREADY_BALLOONED, -1, "inflate names PPN " + twice + " twice");
        }
        long cap = g.spec.allocation().balloonCapPages();
        if (g.pmap.balloonedPages() + (long) ppns.length > cap) {
            return new Refusal(RefusalReason.BALLOON_CAP, -1, "inflate of " + ppns.length + " pages onto "
                    + g.pmap.balloonedPages() + " would pass the balloon cap of " + cap + " pages");
        }
        return null;
    }

    private Refusal validateDeflate(GuestMemory g, int[] ppns) {
        Refusal r = outOfRange(g, ppns, "deflate");
        if (r != null) {
            return r;
        }
        for (int i = 0; i < ppns.length; i++) {
            if (g.pmap.state(ppns[i]) != Pmap.BALLOONED) {
                return new Refusal(RefusalReason.NOT_BALLOONED, -1, "deflate entry " + i + ": PPN " + ppns[i] + " is not in the balloon");
            }
        }
        int twice = duplicate(ppns);
        if (twice >= 0) {
            return new Refusal(RefusalReason.NOT_BALLOONED, -1, "deflate names PPN " + twice + " twice");
        }
        if (g.mode == TranslationMode.PARA && frames.freeFrames() < ppns.length) {
            return new Refusal(RefusalReason.OUT_OF_MEMORY, -1, "deflate of " + ppns.length + " pages needs as many frames now, "
                    + frames.freeFrames() + " are free");
        }
        return null;
    }

    /** Validates then applies one mmu_update hypercall; returns the refusal, or null if applied. */
    Refusal mmuUpdate(GuestMemory g, int hypercallIndex, MmuUpdate update) {
        Refusal r = validateMmuUpdate(g, hypercallIndex, update);
        if (r != null) {
            g.refuse(r.reason());
            return r;
        }
        long[] keys = update.keys();
        int[] mpns = update.mpns();
        int[] ppns = update.ppns();
        for (int i = 0; i < keys.length; i++) {
            int mpn = mpns[i];
            int ppn = mpn == MmuUpdate.CLEAR ? -1 : ppns != null ? ppns[i] : frames.m2p(mpn);
            g.paraWrite(keys[i], mpn, ppn);
        }
        g.cpu.mmuUpdate(keys.length);
        return null;
    }

    private Refusal validateMmuUpdate(GuestMemory g, int h, MmuUpdate update) {
        if (g.mode != TranslationMode.PARA) {
            return new Refusal(RefusalReason.NOT_PARAVIRTUAL, h, g.spec.name() + " is a " + g.mode.configName() + " guest");
        }
        if (update == null || update.keys() == null || update.mpns() == null
                || update.keys().length != update.mpns().length
                || update.ppns() != null && update.ppns().length != update.keys().length) {
            return new Refusal(RefusalReason.MALFORMED, h, "mmu_update keys, values and PPNs differ in length");
        }
        int n = update.keys().length;
        if (n > settings.maxMmuUpdateEntries()) {
            return new Refusal(RefusalReason.BATCH_TOO_LARGE, h,
                    "mmu_update of " + n + " entries, at most " + settings.maxMmuUpdateEntries());
        }
        long[] keys = update.keys();
        int[] mpns = update.mpns();
        int[] ppns = update.ppns();
        for (int i = 0; i < n; i++) {
            long key = keys[i];
            if (key < 0 || key > Ops.KEY_MASK) {
                return new Refusal(RefusalReason.VPN_OUT_OF_RANGE, h,
                        "entry " + i + ": address 0x" + Long.toHexString(key) + " is outside the 48-bit address space");
            }
            if (Ops.process(key) >= g.spec.processes()) {
                return new Refusal(RefusalReason.PROCESS_OUT_OF_RANGE, h,
                        "entry " + i + ": process " + Ops.process(key) + " of " + g.spec.processes());
            }
            int mpn = mpns[i];
            if (mpn == MmuUpdate.CLEAR) {
                continue;
            }
            if (!frames.isValid(mpn)) {
                return new Refusal(RefusalReason.FRAME_OUT_OF_RANGE, h, "entry " + i + ": MPN " + mpn + " does not exist");
            }
            if (ppns == null) {
                if (frames.owner(mpn) != g.index) {
                    return new Refusal(RefusalReason.FRAME_NOT_OWNED, h,
                            "entry " + i + ": MPN " + mpn + " is not " + g.spec.name() + "'s");
                }
                continue;
            }
            int ppn = ppns[i];
            if (!g.pmap.isValidPpn(ppn)) {
                return new Refusal(RefusalReason.PPN_OUT_OF_RANGE, h,
                        "entry " + i + ": PPN " + ppn + " outside 0.." + (g.pmap.pages() - 1));
            }
            if (g.pmap.mpn(ppn) != mpn) {
                return new Refusal(RefusalReason.FRAME_NOT_OWNED, h, "entry " + i + ": MPN " + mpn + " does not back "
                        + g.spec.name() + "'s PPN " + ppn + (g.pmap.mpn(ppn) >= 0 ? " (it is on MPN " + g.pmap.mpn(ppn) + " now)" : ""));
            }
        }
        return null;
    }

    /** Bits of an operation that must be clear: bits 46 to 59 (bit 63, a kind of 8 or more, fails the kind test). */
    private static final long UNUSED_OP_BITS = ~(Ops.KEY_MASK | (0xFL << Ops.KIND_SHIFT));
    /** Kinds (as bits) a guest may use: all five; a para-virtual guest no MAP or UNMAP. */
    private static final int ALL_KINDS = (1 << Ops.READ) | (1 << Ops.WRITE) | (1 << Ops.MAP) | (1 << Ops.UNMAP) | (1 << Ops.SWITCH);
    private static final int PARA_KINDS = ALL_KINDS & ~((1 << Ops.MAP) | (1 << Ops.UNMAP));
    /** Kinds (as bits) that take a value. */
    private static final int VALUE_KINDS = (1 << Ops.WRITE) | (1 << Ops.MAP);

    /**
     * Validates a tick's operations: one tight pass of mask tests (kind allowed, unused bits clear,
     * process in range, a MAP's PPN in range, values counted); only when it finds something wrong
     * does {@link #refuseOps} go over the stream again to name the first offence.
     */
    private Refusal validateOps(GuestMemory g, long[] ops, int opCount, long[] values, int valueCount) {
        if (ops == null || values == null) {
            return new Refusal(RefusalReason.MALFORMED, -1, "missing operation or value stream");
        }
        if (opCount < 0 || opCount > ops.length || valueCount < 0 || valueCount > values.length) {
            return new Refusal(RefusalReason.MALFORMED, -1, opCount + " operations and " + valueCount
                    + " values counted in streams of " + ops.length + " and " + values.length);
        }
        if (opCount > settings.maxBatchOps()) {
            return new Refusal(RefusalReason.BATCH_TOO_LARGE, -1,
                    opCount + " operations in one tick, at most " + settings.maxBatchOps());
        }
        final int processes = g.spec.processes();
        final long pages = g.pmap.pages();
        final int allowed = g.mode == TranslationMode.PARA ? PARA_KINDS : ALL_KINDS;
        int v = 0;
        boolean bad = false;
        for (int i = 0; i < opCount; i++) {
            long op = ops[i];
            int kind = (int) (op >>> Ops.KIND_SHIFT);
            bad |= (op & UNUSED_OP_BITS) != 0 | ((allowed >>> kind) & 1) == 0
                    | (int) ((op & Ops.KEY_MASK) >>> Ops.PROCESS_SHIFT) >= processes;
            if (kind == Ops.MAP) {
                if (v >= valueCount) {
                    bad = true;
                    break;
                }
                long ppn = values[v];
                bad |= ppn < 0 | ppn >= pages;
            }
            v += (VALUE_KINDS >>> kind) & 1;
            if (bad) {
                break;
            }
        }
        if (!bad && v == valueCount) {
            return null;
        }
        return refuseOps(g, ops, opCount, values, valueCount);
    }

    /** The first offence of a stream {@link #validateOps} found wrong, in stream order, as a refusal. */
    private static Refusal refuseOps(GuestMemory g, long[] ops, int opCount, long[] values, int valueCount) {
        int processes = g.spec.processes();
        int pages = g.pmap.pages();
        boolean para = g.mode == TranslationMode.PARA;
        int v = 0;
        for (int i = 0; i < opCount; i++) {
            long op = ops[i];
            if (!Ops.isWellFormed(op)) {
                return new Refusal(RefusalReason.MALFORMED, i, "operation " + i + " is malformed: 0x" + Long.toHexString(op));
            }
            int kind = Ops.kind(op);
            if (Ops.process(op) >= processes) {
                return new Refusal(RefusalReason.PROCESS_OUT_OF_RANGE, i,
                        "operation " + i + ": process " + Ops.process(op) + " of " + processes);
            }
            if (para && (kind == Ops.MAP || kind == Ops.UNMAP)) {
                return new Refusal(RefusalReason.MALFORMED, i,
                        "operation " + i + ": a para-virtual guest writes its page tables through mmu_update");
            }
            if (Ops.takesValue(kind)) {
                if (v >= valueCount) {
                    return new Refusal(RefusalReason.VALUES_MISMATCH, i, "operation " + i + " has no value");
                }
                if (kind == Ops.MAP) {
                    long ppn = values[v];
                    if (ppn < 0 || ppn >= pages) {
                        return new Refusal(RefusalReason.PPN_OUT_OF_RANGE, i,
                                "operation " + i + ": PPN " + ppn + " outside 0.." + (pages - 1));
                    }
                }
                v++;
            }
        }
        if (v != valueCount) {
            return new Refusal(RefusalReason.VALUES_MISMATCH, -1, valueCount + " values for " + v + " operations that take one");
        }
        throw new IllegalStateException("operation stream found wrong, then right");
    }

    /** The hot loop: operations in order through the TLB; returns the read digest (reads in {@link #lastReads}). Allocates nothing per operation. */
    private long runOps(GuestMemory g, long[] ops, int opCount, long[] values) {
        final Tlb tlb = g.tlb;
        final FramePool frames = this.frames;
        long digest = Tokens.EMPTY_DIGEST;
        int reads = 0;
        int v = 0;
        long hits = 0;
        long misses = 0;
        for (int i = 0; i < opCount; i++) {
            long op = ops[i];
            long key = op & Ops.KEY_MASK;
            switch ((int) (op >>> Ops.KIND_SHIFT)) {
                case Ops.READ: {
                    int mpn = tlb.lookup(key);
                    if (mpn >= 0) {
                        hits++;
                    } else {
                        misses++;
                        mpn = g.miss(key);
                    }
                    digest = Tokens.fold(digest, mpn >= 0 ? frames.token(mpn) : FAULT_TOKEN);
                    reads++;
                    break;
                }
                case Ops.WRITE: {
                    long value = values[v++];
                    int mpn = tlb.lookupWritable(key);
                    if (mpn >= 0) {
                        hits++;
                    } else {
                        misses++;
                        mpn = g.missForWrite(key);
                    }
                    if (mpn >= 0) {
                        frames.setToken(mpn, value);
                    }
                    break;
                }
                case Ops.MAP:
                    g.map(key, (int) values[v++]);
                    break;
                case Ops.UNMAP:
                    g.unmap(key);
                    break;
                case Ops.SWITCH:
                    g.switchProcess();
                    break;
                default:
                    throw new IllegalStateException("validated stream holds kind " + Ops.kind(op));
            }
        }
        g.tlbHits += hits;
        g.tlbMisses += misses;
        g.cpu.tlbMisses(misses);
        lastReads = reads;
        return digest;
    }

    /**
     * Releases everything guest {@code index} holds (it stopped, or it restarts from a fresh boot);
     * returns the number of frames that went back to the host.
     */
    public int releaseGuest(int index) {
        int released = guests[index].release();
        reclamation.guestGone(index);
        return released;
    }

    // ---------------------------------------------------------------- reclamation

    /**
     * The end of a tick (every guest's work and the daemon's applied): runs the reclaimer. The
     * caller calls it once per tick; its decisions go out with the next {@link #tickStart}.
     */
    public void endTick() {
        reclamation.endTick();
    }

    /** Guest {@code index}'s start of tick {@code tick}, with its balloon target and stall. */
    public TickStart tickStart(int index, long tick, boolean audit) {
        return new TickStart(tick, audit, reclamation.balloonTarget(index), reclamation.stall(index));
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
        long mismatches = 0;
        int n = Math.min(keys.length, tokens.length);
        long[] token = new long[1];
        for (int i = 0; i < n; i++) {
            if (!g.peekContent(keys[i], token) || token[0] != tokens[i]) {
                mismatches++;
            }
        }
        return mismatches + Math.abs(keys.length - tokens.length);
    }

    // ---------------------------------------------------------------- page sharing

    /**
     * Applies a page-sharing daemon's work for a tick (after every guest's work): the merge
     * proposals, then the scans; and hands back the shared frames freed since the last call.
     *
     * <p>A proposal group merges its pages into the proposed shared frame, or, with none, into a
     * new shared frame made of the group's first page that still qualifies; a zero page always
     * goes to the one shared zero frame when there is one. Each page is checked first: it must
     * still map the MPN the daemon saw, privately, and that frame's content must still have the
     * group's hash (else it is stale: a hint rehashed and found changed); then its content is
     * compared in full with the shared frame's (else a false match of the hash).
     */
    public SharingResult applySharing(SharingWork work) {
        long[] hashes = work.mergeHashes();
        int[] targets = work.mergeTargets();
        int[] ends = work.mergeEnds();
        long[] pages = work.mergePages();
        int[] seen = work.mergeMpns();
        long[] scan = work.scanPages() == null ? new long[0] : work.scanPages();
        boolean wellFormed = hashes != null && targets != null && ends != null && pages != null && seen != null
                && targets.length == hashes.length && ends.length == hashes.length && seen.length == pages.length;
        byte[] outcomes = new byte[pages == null ? 0 : pages.length];
        int[] groupShared = new int[hashes == null ? 0 : hashes.length];
        Arrays.fill(groupShared, FramePool.NO_FRAME);
        if (wellFormed) {
            int start = 0;
            for (int k = 0; k < hashes.length; k++) {
                int end = ends[k];
                if (end < start || end > pages.length) {
                    Arrays.fill(outcomes, start, pages.length, MergeOutcome.INVALID);
                    break;
                }
                groupShared[k] = mergeGroup(hashes[k], targets[k], pages, seen, start, end, outcomes);
                start = end;
            }
        } else {
            Arrays.fill(outcomes, MergeOutcome.INVALID);
        }

        byte[] states = new byte[scan.length];
        int[] mpns = new int[scan.length];
        long[] scanHashes = new long[scan.length];
        int bits = shared.hashBits();
        for (int i = 0; i < scan.length; i++) {
            int gi = SharingWork.guestOf(scan[i]);
            int ppn = SharingWork.ppnOf(scan[i]);
            mpns[i] = FramePool.NO_FRAME;
            if (!isGuest(gi) || !guests[gi].pmap.isValidPpn(ppn)) {
                states[i] = ScanState.INVALID;
                continue;
            }
            Pmap pmap = guests[gi].pmap;
            int mpn = pmap.mpn(ppn);
            if (mpn < 0) {
                states[i] = ScanState.UNBACKED;
                continue;
            }
            states[i] = pmap.state(ppn) == Pmap.SHARED ? ScanState.SHARED : ScanState.PRIVATE;
            mpns[i] = mpn;
            scanHashes[i] = ContentHash.of(frames.token(mpn), bits);
        }
        return new SharingResult(work.tick(), states, mpns, scanHashes, outcomes, groupShared,
                shared.takeFreedMpns(), shared.takeFreedHashes());
    }

    /** One proposal group; returns the shared frame its pages now map, or -1. */
    /**
     * Whether para-virtual guests' pages may be merged. A merge moves a para-virtual guest's frame,
     * and the guest learns of it from a remap notice before it writes its next page tables; without
     * a tick barrier (free-running) a notice can arrive after the guest has already written its next
     * tick against the old frames, so free-running runs leave para-virtual guests' pages unshared.
     */
    private boolean shareParavirtual = true;

    /** See {@link #shareParavirtual}. */
    public void setShareParavirtual(boolean share) {
        this.shareParavirtual = share;
    }

    private int mergeGroup(long hash, int target, long[] pages, int[] seen, int start, int end, byte[] outcomes) {
        int sharedMpn = FramePool.NO_FRAME;
        if (target != FramePool.NO_FRAME) {
            if (!frames.isValid(target) || frames.owner(target) != FramePool.SHARED || shared.hashOf(target) != hash) {
                Arrays.fill(outcomes, start, end, MergeOutcome.TARGET_GONE);
                return FramePool.NO_FRAME;
            }
            sharedMpn = target;
        }
        int anchor = -1;
        int anchorMpn = FramePool.NO_FRAME;
        for (int i = start; i < end; i++) {
            int gi = SharingWork.guestOf(pages[i]);
            int ppn = SharingWork.ppnOf(pages[i]);
            if (!isGuest(gi) || !guests[gi].pmap.isValidPpn(ppn) || seen[i] < FramePool.NO_FRAME
                    || seen[i] != FramePool.NO_FRAME && !frames.isValid(seen[i])) {
                outcomes[i] = MergeOutcome.INVALID;
                continue;
            }
            GuestMemory g = guests[gi];
            if (!shareParavirtual && g.mode == TranslationMode.PARA) {
                outcomes[i] = MergeOutcome.INVALID; // see shareParavirtual
                continue;
            }
            // A hint's MPN is not recorded (-1): the page is only rehashed, as ESX does.
            int mpn = seen[i] == FramePool.NO_FRAME ? g.pmap.mpn(ppn) : seen[i];
            if (mpn < 0 || g.pmap.mpn(ppn) != mpn || g.pmap.state(ppn) != Pmap.BACKED || frames.owner(mpn) != gi
                    || shared.hashOf(mpn) != hash) {
                outcomes[i] = MergeOutcome.STALE;
                staleHints++;
                continue;
            }
            long token = frames.token(mpn);
            if (sharedMpn == FramePool.NO_FRAME && token == Tokens.ZERO && shared.zeroFrame() != FramePool.NO_FRAME) {
                sharedMpn = shared.zeroFrame();
            }
            if (sharedMpn == FramePool.NO_FRAME && anchor < 0) {
                anchor = i;
                anchorMpn = mpn;
                outcomes[i] = MergeOutcome.KEPT;
                continue;
            }
            int against = sharedMpn != FramePool.NO_FRAME ? sharedMpn : anchorMpn;
            if (frames.token(against) != token) {
                outcomes[i] = MergeOutcome.FALSE_MATCH;
                falseMatches++;
                continue;
            }
            if (sharedMpn == FramePool.NO_FRAME) {
                // compare-and-merge with the hint: its frame becomes the shared frame
                int anchorGuest = SharingWork.guestOf(pages[anchor]);
                guests[anchorGuest].makeShared(SharingWork.ppnOf(pages[anchor]), anchorMpn);
                sharedMpn = anchorMpn;
                outcomes[anchor] = MergeOutcome.MERGED;
            }
            g.mergeInto(ppn, mpn, sharedMpn);
            outcomes[i] = MergeOutcome.MERGED;
            mergeCount++;
        }
        return sharedMpn;
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
        SharingCounters d = daemon == null ? SharingCounters.ZERO : daemon;
        long guestPages = 0;
        long backed = 0;
        for (GuestMemory g : guests) {
            if (g.residence == GuestMemory.RESIDENT) {
                guestPages += g.pmap.pages(); // a guest on its way in or gone is not the host's yet / any more
            }
            backed += g.pmap.backedPages();
        }
        long sharedFrames = frames.sharedFrames();
        return new HostStats(frames.totalFrames(), frames.freeFrames(), frames.mappedFrames(),
                frames.reservedFrames(), sharedFrames, guestPages, backed, sharedFrames,
                shared.mappings() - sharedFrames, d.pagesUnshared(), d.pagesVolatile(), d.fullScans(),
                d.pagesScanned(), shared.zeroPagesShared(), staleHints, falseMatches, mergeCount, hostReclaim());
    }

    /** The host's reclamation figures now. */
    public HostReclaim hostReclaim() {
        long ballooned = 0;
        long swapped = 0;
        long swapOuts = 0;
        long swapIns = 0;
        long doublePagings = 0;
        long sharedBeforeSwap = 0;
        for (GuestMemory g : guests) {
            ballooned += g.pmap.balloonedPages();
            swapped += g.pmap.swappedPages();
            swapOuts += g.hostSwapOuts;
            swapIns += g.hostSwapIns;
            doublePagings += g.doublePagings;
            sharedBeforeSwap += g.sharedBeforeSwap;
        }
        FreeMemoryStates st = reclamation.states();
        ReclaimSettings r = reclamation.settings();
        return new HostReclaim(st.stateName(), st.seconds(FreeMemoryStates.HIGH), st.seconds(FreeMemoryStates.SOFT),
                st.seconds(FreeMemoryStates.HARD), st.seconds(FreeMemoryStates.LOW), r.enabled() ? r.policy() : "off",
                r.tau(), reclamation.availablePages(), ballooned, swapped, swap.capacity(), swapOuts, swapIns,
                doublePagings, sharedBeforeSwap, reclamation.rebalances(), st.thresholdPages(FreeMemoryStates.HIGH),
                st.thresholdPages(FreeMemoryStates.SOFT), st.thresholdPages(FreeMemoryStates.HARD),
                st.thresholdPages(FreeMemoryStates.LOW));
    }

    /** Figures of one guest, merging the guest's own counters with the hypervisor's. */
    public GuestStats guestStats(int index, GuestCounters own) {
        GuestMemory g = guests[index];
        GuestCounters c = own == null ? GuestCounters.ZERO : own;
        CpuAccount cpu = g.cpu;
        return new GuestStats(g.spec.name(), g.spec.configuredPages(), g.pmap.backedPages(),
                c.pagesTouched(), c.accesses(), c.reads(), c.writes(), c.readsVerified(), c.readMismatches(),
                g.tlbHits, g.tlbMisses, g.tlbFlushes, g.hiddenFaults, g.guestFaults, cpu.traps(), cpu.hypercalls(),
                cpu.mmuUpdateEntries(), cpu.vmExits(), g.refusedHypercalls, cpu.overheadCycles(),
                cpu.translations(), cpu.translationCacheHits(), cpu.translationCacheEvictions(), cpu.silentFailures(),
                cpu.nativeCycles(), cpu.eventCounts(), cpu.overheadCyclesByKind(), g.pmap.sharedPages(), g.cowBreaks,
                g.refusedByReason.clone(), guestReclaim(index, c));
    }

    /** Guest {@code index}'s reclamation figures, with its own paging counters from {@code own}. */
    GuestReclaim guestReclaim(int index, GuestCounters own) {
        GuestMemory g = guests[index];
        GuestAllocation a = g.spec.allocation();
        return new GuestReclaim(a.minPages(), g.spec.configuredPages(), a.shares(), reclamation.target(index),
                g.pmap.balloonedPages(), reclamation.balloonTarget(index), g.balloonPops, g.pmap.swappedPages(),
                g.hostSwapOuts, g.hostSwapIns, own.guestSwappedPages(), own.guestPageOuts(), own.guestPageIns(),
                g.doublePagings, reclamation.workingSetEstimate(index), own.workingSetTruePages(), own.stalledTicks());
    }

    /**
     * Live migration: a guest arriving from another host gets the next index here ({@code spec}
     * must carry it); it is {@link GuestMemory#INCOMING} until installed.
     */
    int admit(GuestSpec spec) {
        if (spec.index() != guests.length) {
            throw new IllegalArgumentException("arriving guest " + spec.name() + " has index " + spec.index()
                    + ", expected " + guests.length);
        }
        ReclaimSettings reclaim = settings.reclaim();
        WorkingSetEstimator estimator = new WorkingSetEstimator(
                Tokens.derive(settings.seed(), settings.name() + "/" + spec.name() + "/working-set"),
                reclaim.samplesPerPeriod(), WorkingSetEstimator.DEFAULT_SLOW_GAIN, WorkingSetEstimator.DEFAULT_FAST_GAIN);
        swap.addGuest(spec.configuredPages());
        GuestMemory g = new GuestMemory(spec, frames, settings.costs(), settings.tlbEntries(), shared,
                settings.sharing().enabled(), swap, reclaim.swapInCycles(), estimator);
        g.residence = GuestMemory.INCOMING;
        guests = java.util.Arrays.copyOf(guests, guests.length + 1);
        guests[spec.index()] = g;
        reclamation.admitted(guests);
        g.onShortage(reclamation::freeOne);
        List<GuestSpec> specs = new ArrayList<>(settings.guests());
        specs.add(spec);
        settings = settings.withGuests(List.copyOf(specs));
        return spec.index();
    }

    /**
     * Live migration: pages arriving need {@code frames} free frames; a host that reclaims memory
     * pages victims out of its resident guests until they are free (as for a fault that finds no
     * free frame), or until nothing more can go. A host that does not reclaim changes nothing.
     */
    void makeRoom(int frames) {
        while (this.frames.freeFrames() < frames && reclamation.freeOne(-1)) {
            // one victim per call
        }
    }

    /** Live migration: the swap grows by {@code pages} (a swap file for an arriving guest). */
    void growSwap(long pages) {
        if (pages > 0) {
            swap.setCapacity(swap.capacity() + pages);
        }
    }

    /**
     * Live migration: a guest left, and the swap gives back {@code pages} (its swap file), as far as
     * the slots in use allow.
     */
    void shrinkSwap(long pages) {
        if (pages > 0) {
            swap.setCapacity(Math.max(swap.used(), swap.capacity() - pages));
        }
    }

    /** Live migration: guest {@code index} was installed here with its balloon (see {@link Reclamation#installed}). */
    void installed(int index) {
        reclamation.installed(index);
    }

    /** Whether guest {@code index} runs here (not on its way in, not migrated away). */
    public boolean isResident(int index) {
        return isGuest(index) && guests[index].residence == GuestMemory.RESIDENT;
    }

    SharedFrames shared() {
        return shared;
    }

    /** Checks DESIGN.md's structural invariants 1 to 3 (and table coherence); see {@link HostInvariants}. */
    public List<String> checkInvariants() {
        return HostInvariants.check(settings.name(), frames, guests, shared, swap);
    }
}
