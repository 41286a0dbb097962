package ballast.host.cpu;

import ballast.abi.KernelActivity;
import ballast.abi.KernelEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * One guest's CPU virtualization account: every event its kernel and its memory accesses caused,
 * what they would have cost on bare metal ({@code nativeCycles}) and what its technique added
 * ({@code overheadCycles}, also split by kind of event), how often it trapped, exited or called
 * the hypervisor, and its translation cache or its silent failures.
 *
 * <p>Events come from two sources: the memory model reports each real page-table write, process
 * switch, hidden fault and TLB miss as it plays the guest's operations; the guest's
 * {@link KernelActivity} reports the rest of its kernel's events as counts once per tick. Both are
 * charged by the same {@link TechniqueCosts}, so the same activity counts the same in every mode.
 *
 * <p>Sensitive blocks: a tick names each distinct block that ran with its number of runs. With
 * binary translation the first run of a block in a tick looks it up in the translation cache
 * (translating it on a miss) and its further runs in that tick hit: a block stays cached while it
 * runs, which is exact for a cache at least as large as the blocks run in one tick.
 *
 * <p>Owned by one guest's memory state inside one hypervisor, not thread-safe.
 */
public final class CpuAccount {
    /** Index of hidden faults (and EPT violations) in {@link #overheadCyclesByKind()}. */
    public static final int HIDDEN_FAULT = KernelEvent.COUNT;
    /** Index of TLB-miss walks in {@link #overheadCyclesByKind()}. */
    public static final int TLB_MISS = KernelEvent.COUNT + 1;
    /** Index of host swap-ins (a guest access waiting for a page the hypervisor swapped out) in {@link #overheadCyclesByKind()}. */
    public static final int HOST_SWAP_IN = KernelEvent.COUNT + 2;
    /** Figure names of the overhead kinds, by index: the kernel events, then hiddenFault, tlbMiss and hostSwapIn. */
    public static final List<String> OVERHEAD_KINDS;

    static {
        List<String> names = new ArrayList<>();
        KernelEvent.ALL.forEach(e -> names.add(e.figureName()));
        names.add("hiddenFault");
        names.add("tlbMiss");
        names.add("hostSwapIn");
        OVERHEAD_KINDS = List.copyOf(names);
    }

    private final TechniqueCosts costs;
    private final Technique technique;
    private final int blocks;
    private final TranslationCache cache;

    private final long[] events = new long[KernelEvent.COUNT];
    private final long[] overheadByKind = new long[OVERHEAD_KINDS.size()];
    private long nativeCycles;
    private long overheadCycles;
    private long traps;
    private long vmExits;
    private long hypercalls;
    private long mmuUpdateEntries;
    private long silentFailures;

    public CpuAccount(CostTable table, Technique technique, CpuSpec spec) {
        this.costs = new TechniqueCosts(table, technique);
        this.technique = technique;
        this.blocks = spec.sensitiveBlocks();
        this.cache = technique == Technique.BINARY_TRANSLATION
                ? new TranslationCache(spec.translationCacheBlocks(), spec.sensitiveBlocks()) : null;
    }

    public Technique technique() {
        return technique;
    }

    // ---------------------------------------------------------------- events of the memory model

    /** One real page-table write of a full or nested guest (a MAP or UNMAP operation). */
    public void ptWrite() {
        charge(KernelEvent.PT_WRITE, 1);
    }

    /** One real process switch (a SWITCH operation). */
    public void contextSwitch() {
        charge(KernelEvent.CONTEXT_SWITCH, 1);
    }

    /** One applied {@code mmu_update} hypercall of a para-virtual guest, with its entries. */
    public void mmuUpdate(int entries) {
        int k = KernelEvent.PT_WRITE.ordinal();
        events[k] += entries;
        nativeCycles += entries * costs.nativeCost(KernelEvent.PT_WRITE);
        hypercalls++;
        mmuUpdateEntries += entries;
        overhead(k, costs.hypercall() + entries * costs.overhead(KernelEvent.PT_WRITE));
    }

    /** A shadow miss filled by the hypervisor, or (nested paging) an EPT violation. */
    public void hiddenFault() {
        if (costs.hiddenFaultInvolvement() == TechniqueCosts.Involvement.EXIT) {
            vmExits++;
        }
        overhead(HIDDEN_FAULT, costs.hiddenFault());
    }

    /** {@code n} TLB misses, each a page walk. */
    public void tlbMisses(long n) {
        nativeCycles += n * costs.nativeWalk();
        overhead(TLB_MISS, n * costs.walkOverhead());
    }

    /**
     * {@code n} TLB misses whose walk adds {@code overheadEach} cycles instead of the technique's
     * (a nested walk that ends on a 2 MiB host mapping is shorter).
     */
    public void tlbMisses(long n, long overheadEach) {
        nativeCycles += n * costs.nativeWalk();
        overhead(TLB_MISS, n * overheadEach);
    }

    /**
     * One page brought back from host swap for this guest (it touched a page the hypervisor had
     * paged out, or its OS paged out such a page): {@code cycles} of waiting for the disk, all
     * overhead (natively the page would have been in memory).
     */
    public void hostSwapIn(long cycles) {
        overhead(HOST_SWAP_IN, cycles);
    }

    // ---------------------------------------------------------------- the kernel's activity

    /**
     * Why {@code a} cannot be charged to this guest, or null when it can: arrays of the right
     * length, counts in [0, {@link KernelActivity#MAX_COUNT}] (work cycles in [0,
     * {@link KernelActivity#MAX_WORK_CYCLES}]), blocks of this guest's OS, each run
     * at least once, runs adding up to the sensitive-block count.
     */
    public String check(KernelActivity a) {
        if (a.events() == null || a.blockRuns() == null) {
            return "kernel activity without event counts or block runs";
        }
        if (a.events().length != KernelEvent.COUNT) {
            return "kernel activity with " + a.events().length + " event counts, expected " + KernelEvent.COUNT;
        }
        if (a.workCycles() < 0 || a.workCycles() > KernelActivity.MAX_WORK_CYCLES) {
            return "kernel activity with " + a.workCycles() + " work cycles";
        }
        for (KernelEvent e : KernelEvent.ALL) {
            long n = a.count(e);
            if (n < 0 || n > KernelActivity.MAX_COUNT) {
                return "kernel activity with " + n + " " + e.figureName() + " events";
            }
        }
        long runs = 0;
        for (long entry : a.blockRuns()) {
            int block = KernelActivity.block(entry);
            int r = KernelActivity.runs(entry);
            if (block < 0 || block >= blocks) {
                return "sensitive block " + block + " is not one of the " + blocks + " blocks of the guest's OS";
            }
            if (r <= 0) {
                return "sensitive block " + block + " ran " + r + " times";
            }
            runs += r;
        }
        if (runs != a.count(KernelEvent.SENSITIVE_BLOCK)) {
            return "block runs add up to " + runs + ", not the " + a.count(KernelEvent.SENSITIVE_BLOCK)
                    + " sensitive-block events";
        }
        return null;
    }

    /**
     * Charges one tick's checked kernel activity. {@code batchedThisTick}: a para-virtual guest
     * already made an {@code mmu_update} hypercall this tick, which the kernel's page-table writes
     * and TLB flushes join (else they make one batch of their own).
     */
    public void kernel(KernelActivity a, boolean batchedThisTick) {
        nativeCycles += a.workCycles();
        long batched = 0;
        int batchKind = -1;
        for (KernelEvent e : KernelEvent.ALL) {
            long n = a.count(e);
            if (n == 0 || e == KernelEvent.SENSITIVE_BLOCK) {
                continue;
            }
            if (costs.involvement(e) == TechniqueCosts.Involvement.BATCHED) {
                events[e.ordinal()] += n;
                nativeCycles += n * costs.nativeCost(e);
                overhead(e.ordinal(), n * costs.overhead(e));
                batched += n;
                if (e == KernelEvent.PT_WRITE) {
                    mmuUpdateEntries += n;
                }
                if (batchKind < 0 || e == KernelEvent.PT_WRITE) {
                    batchKind = e.ordinal();
                }
            } else {
                charge(e, n);
            }
        }
        if (batched > 0 && !batchedThisTick) {
            hypercalls++;
            overhead(batchKind, costs.hypercall());
        }
        sensitive(a);
    }

    private void sensitive(KernelActivity a) {
        long n = a.count(KernelEvent.SENSITIVE_BLOCK);
        if (n == 0) {
            return;
        }
        int k = KernelEvent.SENSITIVE_BLOCK.ordinal();
        events[k] += n;
        if (technique == Technique.TRAP_AND_EMULATE) {
            silentFailures += n;
            return;
        }
        if (cache == null) {
            return;
        }
        long translated = 0;
        for (long entry : a.blockRuns()) {
            if (!cache.lookup(KernelActivity.block(entry))) {
                translated++;
            }
            cache.hits(KernelActivity.runs(entry) - 1L);
        }
        overhead(k, translated * costs.translation() + n * costs.translatedExecution());
    }

    /** {@code n} events of {@code kind} charged one by one (neither batched nor sensitive). */
    private void charge(KernelEvent kind, long n) {
        int k = kind.ordinal();
        events[k] += n;
        nativeCycles += n * costs.nativeCost(kind);
        switch (costs.involvement(kind)) {
            case TRAP:
                traps += n;
                overhead(k, n * costs.overhead(kind));
                break;
            case EXIT:
                vmExits += n;
                overhead(k, n * costs.overhead(kind));
                break;
            case HYPERCALL:
                hypercalls += n;
                overhead(k, n * costs.overhead(kind));
                break;
            case NOTIFY:
                hypercalls++;
                overhead(k, costs.hypercall() + n * costs.overhead(kind));
                break;
            case BATCHED:
                // a real event that should have come in an mmu_update: charged as one entry of its own batch
                hypercalls++;
                overhead(k, costs.hypercall() + n * costs.overhead(kind));
                break;
            default:
                overhead(k, n * costs.overhead(kind));
                break;
        }
    }

    private void overhead(int kind, long cycles) {
        overheadByKind[kind] += cycles;
        overheadCycles += cycles;
    }

    // ---------------------------------------------------------------- figures

    /** Events by {@link KernelEvent} ordinal (a copy). */
    public long[] eventCounts() {
        return events.clone();
    }

    public long eventCount(KernelEvent kind) {
        return events[kind.ordinal()];
    }

    /** Overhead cycles by kind, indexed as {@link #OVERHEAD_KINDS} (a copy). */
    public long[] overheadCyclesByKind() {
        return overheadByKind.clone();
    }

    public long nativeCycles() {
        return nativeCycles;
    }

    /** Overhead cycles of one kind ({@link #overheadCyclesByKind()}'s index), without a copy of the array. */
    public long overheadCycles(int kind) {
        return overheadByKind[kind];
    }

    public long overheadCycles() {
        return overheadCycles;
    }

    public long traps() {
        return traps;
    }

    public long vmExits() {
        return vmExits;
    }

    public long hypercalls() {
        return hypercalls;
    }

    public long mmuUpdateEntries() {
        return mmuUpdateEntries;
    }

    public long silentFailures() {
        return silentFailures;
    }

    /** Blocks translated (translation cache misses). */
    public long translations() {
        return cache == null ? 0 : cache.missCount();
    }

    public long translationCacheHits() {
        return cache == null ? 0 : cache.hitCount();
    }

    public long translationCacheEvictions() {
        return cache == null ? 0 : cache.evictionCount();
    }

    /** The cost model this account charges by. */
    public TechniqueCosts costs() {
        return costs;
    }
}
