package ballast.host;

import ballast.host.abi.GuestCounters;
import ballast.host.abi.KernelActivity;
import ballast.host.abi.MmuUpdate;
import ballast.host.abi.Ops;
import ballast.host.abi.Refusal;
import ballast.host.abi.RefusalReason;
import ballast.host.abi.TickResult;
import ballast.host.abi.TranslationMode;
import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import ballast.host.cpu.CpuAccount;
import ballast.host.memory.FramePool;
import ballast.host.memory.Tokens;
import ballast.host.memory.Tlb;
import java.util.ArrayList;
import java.util.List;

/**
 * One host's memory manager as a plain object: the machine frames, every guest's pmap, tables and
 * TLB, and the rules for applying a guest's tick of work. The {@link Hypervisor} actor owns one
 * and routes messages to it; tests drive it directly.
 *
 * <p>Applying a tick validates everything first and changes nothing when something is refused:
 * an {@code mmu_update} batch is applied whole or refused whole, and an operation stream with a
 * malformed entry is refused whole, and so is malformed kernel activity. Then operations run in
 * order through the TLB; a miss goes to the guest's mode ({@link GuestMemory#miss}). What every
 * event costs is charged to the guest's {@link CpuAccount}.
 *
 * <p>Not thread-safe: one actor owns it.
 */
public final class HypervisorCore {
    /** Folded into the read digest for a read of an unmapped page (never a real token by design). */
    static final long FAULT_TOKEN = 0xFA17FA17FA17FA17L;

    private final HostSettings settings;
    private final FramePool frames;
    private final GuestMemory[] guests;

    public HypervisorCore(HostSettings settings) {
        this.settings = settings;
        this.frames = new FramePool(settings.totalFrames(), settings.reservedFrames(), settings.seed());
        this.guests = new GuestMemory[settings.guests().size()];
        for (int i = 0; i < guests.length; i++) {
            GuestSpec spec = settings.guests().get(i);
            if (spec.index() != i) {
                throw new IllegalArgumentException("guest " + spec.name() + " has index " + spec.index() + ", expected " + i);
            }
            guests[i] = new GuestMemory(spec, frames, settings.costs(), settings.tlbEntries());
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

    GuestMemory guest(int index) {
        return guests[index];
    }

    public boolean isGuest(int index) {
        return index >= 0 && index < guests.length;
    }

    public boolean isBooted(int index) {
        return isGuest(index) && guests[index].booted;
    }

    /**
     * Boots a guest. A para-virtual guest's whole reservation is populated now (as Xen's domain
     * builder does) and its p2m returned; other guests get frames lazily on first touch.
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
        if (frames.freeFrames() < pages) {
            refusal[0] = new Refusal(RefusalReason.OUT_OF_MEMORY, index,
                    name + " needs " + pages + " frames at boot, " + frames.freeFrames() + " are free");
            return null;
        }
        int[] p2m = new int[pages];
        for (int ppn = 0; ppn < pages; ppn++) {
            p2m[ppn] = g.backing(ppn);
        }
        g.booted = true;
        return p2m;
    }

    /** Applies one guest's work for a tick without kernel activity; see {@link #apply(int, long, List, long[], long[], KernelActivity)}. */
    public TickResult apply(int index, long tick, List<MmuUpdate> mmuUpdates, long[] ops, long[] values) {
        return apply(index, tick, mmuUpdates, ops, values, null);
    }

    /**
     * Applies one guest's work for a tick: its mmu_update hypercalls, its kernel activity (counted
     * and charged; refused whole when malformed), then its operations. The caller has checked that
     * the guest exists and sent this itself.
     */
    public TickResult apply(int index, long tick, List<MmuUpdate> mmuUpdates, long[] ops, long[] values,
                            KernelActivity kernel) {
        GuestMemory g = guests[index];
        List<Refusal> refusals = new ArrayList<>(0);
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
                g.refusedHypercalls++;
                refusals.add(new Refusal(RefusalReason.MALFORMED, -1, problem));
            } else {
                // A para-virtual kernel's page-table writes and TLB flushes join the tick's mmu_update batch.
                g.cpu.kernel(kernel, batched);
            }
        }
        Refusal bad = validateOps(g, ops, values);
        if (bad != null) {
            g.refusedHypercalls++;
            refusals.add(bad);
            return new TickResult(tick, Tokens.EMPTY_DIGEST, 0, List.copyOf(refusals));
        }
        return runOps(g, tick, ops, values, refusals);
    }

    /** Validates then applies one mmu_update hypercall; returns the refusal, or null if applied. */
    Refusal mmuUpdate(GuestMemory g, int hypercallIndex, MmuUpdate update) {
        Refusal r = validateMmuUpdate(g, hypercallIndex, update);
        if (r != null) {
            g.refusedHypercalls++;
            return r;
        }
        long[] keys = update.keys();
        int[] mpns = update.mpns();
        for (int i = 0; i < keys.length; i++) {
            g.paraWrite(keys[i], mpns[i]);
        }
        g.cpu.mmuUpdate(keys.length);
        return null;
    }

    private Refusal validateMmuUpdate(GuestMemory g, int h, MmuUpdate update) {
        if (g.mode != TranslationMode.PARA) {
            return new Refusal(RefusalReason.NOT_PARAVIRTUAL, h, g.spec.name() + " is a " + g.mode.configName() + " guest");
        }
        if (update == null || update.keys() == null || update.mpns() == null
                || update.keys().length != update.mpns().length) {
            return new Refusal(RefusalReason.MALFORMED, h, "mmu_update keys and values differ in length");
        }
        int n = update.keys().length;
        if (n > settings.maxMmuUpdateEntries()) {
            return new Refusal(RefusalReason.BATCH_TOO_LARGE, h,
                    "mmu_update of " + n + " entries, at most " + settings.maxMmuUpdateEntries());
        }
        long[] keys = update.keys();
        int[] mpns = update.mpns();
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
            if (frames.owner(mpn) != g.index) {
                return new Refusal(RefusalReason.FRAME_NOT_OWNED, h,
                        "entry " + i + ": MPN " + mpn + " is not " + g.spec.name() + "'s");
            }
        }
        return null;
    }

    private Refusal validateOps(GuestMemory g, long[] ops, long[] values) {
        if (ops == null || values == null) {
            return new Refusal(RefusalReason.MALFORMED, -1, "missing operation or value stream");
        }
        if (ops.length > settings.maxBatchOps()) {
            return new Refusal(RefusalReason.BATCH_TOO_LARGE, -1,
                    ops.length + " operations in one tick, at most " + settings.maxBatchOps());
        }
        int processes = g.spec.processes();
        int pages = g.pmap.pages();
        boolean para = g.mode == TranslationMode.PARA;
        int v = 0;
        for (int i = 0; i < ops.length; i++) {
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
                if (v >= values.length) {
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
        if (v != values.length) {
            return new Refusal(RefusalReason.VALUES_MISMATCH, -1, values.length + " values for " + v + " operations that take one");
        }
        return null;
    }

    /** The hot loop: operations in order through the TLB. Allocates nothing per operation. */
    private TickResult runOps(GuestMemory g, long tick, long[] ops, long[] values, List<Refusal> refusals) {
        final Tlb tlb = g.tlb;
        final FramePool frames = this.frames;
        long digest = Tokens.EMPTY_DIGEST;
        int reads = 0;
        int v = 0;
        long hits = 0;
        long misses = 0;
        for (int i = 0; i < ops.length; i++) {
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
                        mpn = g.miss(key);
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
        return new TickResult(tick, digest, reads, refusals.isEmpty() ? List.of() : List.copyOf(refusals));
    }

    /**
     * Releases everything guest {@code index} holds (it stopped, or it restarts from a fresh boot);
     * returns the number of frames that went back to the host.
     */
    public int releaseGuest(int index) {
        return guests[index].release();
    }

    /** Counts a refused call of {@code index} (for calls refused before reaching the core). */
    public void countRefusal(int index) {
        if (isGuest(index)) {
            guests[index].refusedHypercalls++;
        }
    }

    /**
     * Reads every page of the guest's integrity record through the hypervisor's own tables, without
     * side effects, and returns how many differ from what the guest expects (an unmapped page
     * counts as a difference).
     */
    public long audit(int index, long[] keys, long[] tokens) {
        GuestMemory g = guests[index];
        long mismatches = 0;
        int n = Math.min(keys.length, tokens.length);
        for (int i = 0; i < n; i++) {
            int target = g.peekTarget(keys[i]);
            if (target == GuestMemory.UNMAPPED) {
                mismatches++;
                continue;
            }
            // a mapped guest-physical page with no frame yet reads as the zero page
            long token = target == FramePool.NO_FRAME ? Tokens.ZERO : frames.token(target);
            if (token != tokens[i]) {
                mismatches++;
            }
        }
        return mismatches + Math.abs(keys.length - tokens.length);
    }

    public HostStats hostStats() {
        return new HostStats(frames.totalFrames(), frames.freeFrames(), frames.mappedFrames(),
                frames.reservedFrames(), frames.sharedFrames());
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
                cpu.nativeCycles(), cpu.eventCounts(), cpu.overheadCyclesByKind());
    }

    /** Checks DESIGN.md's structural invariants 1 to 3 (and table coherence); see {@link HostInvariants}. */
    public List<String> checkInvariants() {
        return HostInvariants.check(settings.name(), frames, guests);
    }
}
