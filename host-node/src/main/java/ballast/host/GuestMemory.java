package ballast.host;

import ballast.host.abi.Ops;
import ballast.host.abi.TranslationMode;
import ballast.host.cpu.CostTable;
import ballast.host.cpu.CpuAccount;
import ballast.host.memory.FramePool;
import ballast.host.memory.Pmap;
import ballast.host.memory.RadixPageTable;
import ballast.host.memory.ReverseMap;
import ballast.host.memory.Tlb;

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
 *       {@code mmu_update} hypercalls.</li>
 * </ul>
 *
 * <p>Owned by one {@link HypervisorCore}, not thread-safe.
 */
final class GuestMemory {
    final GuestSpec spec;
    final int index;
    final TranslationMode mode;
    final Pmap pmap;
    final RadixPageTable[] tables;
    final RadixPageTable[] shadow;
    final ReverseMap rmap;
    final Tlb tlb;
    final CpuAccount cpu;
    private final FramePool frames;
    boolean booted;

    long tlbHits;
    long tlbMisses;
    long tlbFlushes;
    long hiddenFaults;
    long guestFaults;
    long refusedHypercalls;
    long allocationFailures;

    GuestMemory(GuestSpec spec, FramePool frames, CostTable costs, int tlbEntries) {
        this.spec = spec;
        this.index = spec.index();
        this.mode = spec.mode();
        this.frames = frames;
        this.cpu = new CpuAccount(costs, spec.technique(), spec.cpu());
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
        } else {
            this.shadow = null;
            this.rmap = null;
        }
        this.tlb = new Tlb(tlbEntries);
    }

    /**
     * Backs {@code ppn} with a fresh zeroed frame if it has none; returns its MPN, or
     * {@link FramePool#NO_FRAME} when the host has no free frame.
     */
    int backing(int ppn) {
        int mpn = pmap.mpn(ppn);
        if (mpn != FramePool.NO_FRAME) {
            return mpn;
        }
        mpn = frames.allocate(index);
        if (mpn == FramePool.NO_FRAME) {
            allocationFailures++;
            return FramePool.NO_FRAME;
        }
        pmap.back(ppn, mpn);
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
                    guestFaults++;
                    return FramePool.NO_FRAME;
                }
                mpn = backing(ppn);
                if (mpn < 0) {
                    return FramePool.NO_FRAME;
                }
                shadow[process].set(vpn, mpn);
                rmap.add(ppn, key);
                hiddenFaults++;
                cpu.hiddenFault();
            }
            // else a shadow walk: as many references as a native walk, no overhead
        } else if (mode == TranslationMode.NESTED) {
            int ppn = tables[process].get(vpn);
            if (ppn < 0) {
                guestFaults++;
                return FramePool.NO_FRAME;
            }
            mpn = pmap.mpn(ppn);
            if (mpn < 0) {
                // EPT violation: the nested table has no entry yet; the hypervisor backs it.
                mpn = backing(ppn);
                hiddenFaults++;
                cpu.hiddenFault();
                if (mpn < 0) {
                    return FramePool.NO_FRAME;
                }
            }
        } else {
            mpn = tables[process].get(vpn);
            if (mpn < 0) {
                guestFaults++;
                return FramePool.NO_FRAME;
            }
        }
        tlb.fill(key, mpn, false);
        return mpn;
    }

    /** A guest page-table write making {@code key} map {@code ppn} (full and nested guests). */
    void map(long key, int ppn) {
        int process = Ops.process(key);
        long vpn = Ops.vpn(key);
        int old = tables[process].set(vpn, ppn);
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
        tlbFlushes++;
        // full: a trap; para: an MMUEXT_NEW_BASEPTR hypercall; nested: an exit only without nested paging
        cpu.contextSwitch();
    }

    /** Applies one validated para-virtual page-table entry write. */
    void paraWrite(long key, int mpn) {
        int process = Ops.process(key);
        long vpn = Ops.vpn(key);
        if (mpn < 0) {
            tables[process].clear(vpn);
        } else {
            tables[process].set(vpn, mpn);
        }
        tlb.invalidate(key);
    }

    private void dropShadow(long key, int oldPpn) {
        if (shadow[Ops.process(key)].clear(Ops.vpn(key)) >= 0) {
            rmap.remove(oldPpn, key);
        }
        tlb.invalidate(key);
    }

    /**
     * Drops every shadow and TLB entry built from {@code ppn}; used when the hypervisor changes the
     * PPN's backing. Returns how many shadow entries went.
     */
    int invalidatePpn(int ppn) {
        if (rmap == null) {
            return 0;
        }
        return rmap.drain(ppn, key -> {
            shadow[Ops.process(key)].clear(Ops.vpn(key));
            tlb.invalidate(key);
        });
    }

    /**
     * The guest is gone (stopped or about to boot afresh): every frame it held goes back to the
     * host, its tables, shadow tables and TLB are emptied, and it may boot again. Returns how many
     * frames were released. Counters are kept: they are the guest's history.
     */
    int release() {
        int released = 0;
        for (int ppn = 0; ppn < pmap.pages(); ppn++) {
            int mpn = pmap.mpn(ppn);
            if (mpn != FramePool.NO_FRAME && pmap.state(ppn) == Pmap.BACKED) {
                frames.free(mpn);
                released++;
            }
        }
        pmap.clear();
        for (int p = 0; p < tables.length; p++) {
            tables[p] = new RadixPageTable();
            if (shadow != null) {
                shadow[p] = new RadixPageTable();
            }
        }
        if (rmap != null) {
            rmap.clear();
        }
        tlb.flush();
        booted = false;
        return released;
    }

    /**
     * What the guest would read at {@code key} right now, without touching the TLB or any counter;
     * {@link FramePool#NO_FRAME} when unmapped.
     */
    int peekMpn(long key) {
        int process = Ops.process(key);
        if (process >= tables.length) {
            return FramePool.NO_FRAME;
        }
        int target = tables[process].get(Ops.vpn(key));
        if (target < 0) {
            return FramePool.NO_FRAME;
        }
        if (mode == TranslationMode.PARA) {
            return target;
        }
        return pmap.isValidPpn(target) ? pmap.mpn(target) : FramePool.NO_FRAME;
    }

    /** {@link #peekTarget}: the guest has no (valid) mapping at the key. */
    static final int UNMAPPED = -2;

    /**
     * Like {@link #peekMpn}, but tells a key the guest has not mapped ({@link #UNMAPPED}) from a key
     * mapped to a guest-physical page that has no frame yet ({@link FramePool#NO_FRAME}, which reads
     * as the zero page on first touch).
     */
    int peekTarget(long key) {
        int process = Ops.process(key);
        if (key < 0 || key > Ops.KEY_MASK || process >= tables.length) {
            return UNMAPPED;
        }
        int target = tables[process].get(Ops.vpn(key));
        if (target < 0) {
            return UNMAPPED;
        }
        if (mode == TranslationMode.PARA) {
            return target;
        }
        return pmap.isValidPpn(target) ? pmap.mpn(target) : UNMAPPED;
    }
}
