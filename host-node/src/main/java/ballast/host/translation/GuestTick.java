package ballast.host.translation;

import ballast.abi.KernelActivity;
import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.Reservation;
import ballast.abi.TickResult;
import ballast.abi.Tokens;
import ballast.abi.TranslationMode;
import ballast.host.GuestWork;
import ballast.host.balloon.BalloonCalls;
import ballast.host.balloon.FreePageReports;
import ballast.host.memory.FramePool;
import ballast.host.memory.Tlb;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies one guest's {@link GuestWork} for a tick: its reservation calls around its
 * {@code mmu_update} hypercalls, kernel activity and operation stream, each validated whole first
 * ({@link MmuUpdateCheck}, {@link OpStreamCheck}, {@link BalloonCalls}) and refused whole with a
 * typed reason, changing nothing. The accepted operations then run in the access loop
 * ({@link #runOps}): in order through the guest's TLB, a miss going to the guest's mode
 * ({@link GuestMemory#miss}, {@link GuestMemory#missForWrite}), allocating nothing per operation.
 *
 * <p>Owns nothing but the count of the last run's reads. Owned by one {@link ballast.host.HypervisorCore}, on
 * the hypervisor actor's thread; not thread-safe.
 */
public final class GuestTick {
    /** Folded into the read digest for a read of an unmapped page (never a real token by design). */
    public static final long FAULT_TOKEN = 0xFA17FA17FA17FA17L;

    private final FramePool frames;
    private final int maxBatchOps;
    private final int maxMmuUpdateEntries;
    /** Reads of the last {@link #runOps}. */
    private int lastReads;

    public GuestTick(FramePool frames, int maxBatchOps, int maxMmuUpdateEntries) {
        this.frames = frames;
        this.maxBatchOps = maxBatchOps;
        this.maxMmuUpdateEntries = maxMmuUpdateEntries;
    }

    /**
     * Applies one guest's work for a tick, in this order: its page-outs (see {@link #pageOuts}),
     * its mmu_update hypercalls, its kernel activity (counted and charged; refused whole when
     * malformed), its operations (refused whole when malformed, and when a count passes its
     * array), then its balloon's inflate and deflate calls (each applied whole or refused whole,
     * whatever became of the operations). When one of its accesses reached a ballooned PPN, its
     * whole balloon is emptied right after the operations and the result says
     * {@link TickResult#POPPED}; the tick's inflate then starts the new balloon (as the driver
     * counts it), and its deflate is not applied (the PPNs it names are out of the balloon
     * already). Last, its free page reports ({@link FreePageReports}), each applied whole or refused
     * whole; then its memory hotplug requests ({@link HotplugCalls}), each applied whole or refused
     * whole. A guest with a hotplug device has its operations, page-outs and balloon calls refused
     * whole when they name a PPN of an unplugged block.
     */
    public TickResult apply(GuestMemory g, GuestWork work) {
        long tick = work.tick();
        Reservation reservation = work.reservation();
        List<Refusal> refusals = new ArrayList<>(0);
        if (reservation != null) {
            pageOuts(g, reservation.pageOuts(), refusals);
        }
        long digest = applyWork(g, work.mmuUpdates(), work.ops(), work.opCount(), work.values(), work.valueCount(),
                work.kernel(), refusals);
        int reads = lastReads;
        int status = 0;
        if (g.popped()) {
            g.paging().emptyBalloon();
            status |= TickResult.POPPED;
        }
        if (reservation != null) {
            status |= balloonCall(g, reservation.inflate(), true, refusals);
            if ((status & TickResult.POPPED) == 0) {
                status |= balloonCall(g, reservation.deflate(), false, refusals);
            }
        }
        long refusedReports = work.reports().isEmpty() ? 0
                : FreePageReports.apply(g, g.mode() == TranslationMode.PARA, work.reports(), refusals);
        long refusedHotplug = work.hotplug().isEmpty() ? 0 : HotplugCalls.apply(g, work.hotplug(), refusals);
        return new TickResult(tick, digest, reads, refusals.isEmpty() ? List.of() : List.copyOf(refusals), status,
                refusedReports, refusedHotplug);
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
            String problem = g.cpu().check(kernel);
            if (problem != null) {
                g.refuse(RefusalReason.MALFORMED);
                refusals.add(new Refusal(RefusalReason.MALFORMED, -1, problem));
            } else {
                // A para-virtual kernel's page-table writes and TLB flushes join the tick's mmu_update batch.
                g.cpu().kernel(kernel, batched);
            }
        }
        Refusal bad = OpStreamCheck.check(ops, opCount, values, valueCount, maxBatchOps, g.spec().processes(),
                g.pmap().pages(), g.mode() == TranslationMode.PARA);
        if (bad == null && g.hotplug() != null) {
            bad = HotplugCalls.checkOps(g.hotplug(), ops, opCount, values);
        }
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
        Refusal r = BalloonCalls.checkPageOuts(g.pmap(), ppns);
        if (r == null && g.hotplug() != null) {
            r = HotplugCalls.checkPpns(g.hotplug(), ppns, "page-out");
        }
        if (r != null) {
            g.refuse(r.reason());
            refusals.add(r);
            return;
        }
        for (int ppn : ppns) {
            g.paging().pageOut(ppn);
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
        Refusal r = inflate ? BalloonCalls.checkInflate(g.pmap(), ppns, g.spec().allocation().balloonCapPages())
                : BalloonCalls.checkDeflate(g.pmap(), ppns, g.mode() == TranslationMode.PARA, frames.freeFrames());
        if (r == null && g.hotplug() != null) {
            r = HotplugCalls.checkPpns(g.hotplug(), ppns, inflate ? "balloon inflate" : "balloon deflate");
        }
        if (r != null) {
            g.refuse(r.reason());
            refusals.add(r);
            return inflate ? TickResult.INFLATE_REFUSED : TickResult.DEFLATE_REFUSED;
        }
        for (int ppn : ppns) {
            if (inflate) {
                g.paging().inflate(ppn);
            } else {
                g.paging().deflate(ppn);
            }
        }
        return 0;
    }

    /** Validates then applies one mmu_update hypercall; returns the refusal, or null if applied. */
    Refusal mmuUpdate(GuestMemory g, int hypercallIndex, MmuUpdate update) {
        Refusal r = MmuUpdateCheck.check(hypercallIndex, update, g.index(), g.spec().name(), g.mode() == TranslationMode.PARA,
                g.mode().configName(), g.spec().processes(), maxMmuUpdateEntries, g.pmap(), frames);
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
        g.cpu().mmuUpdate(keys.length);
        return null;
    }

    /** The hot loop: operations in order through the TLB; returns the read digest (reads in {@link #lastReads}). Allocates nothing per operation. */
    private long runOps(GuestMemory g, long[] ops, int opCount, long[] values) {
        final Tlb tlb = g.tlb();
        final boolean large = tlb.hasLarge(); // 2 MiB entries, asked only after a 4 KiB miss
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
                    if (mpn >= 0 || large && (mpn = tlb.lookupLarge(key)) >= 0) {
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
                    if (mpn >= 0 || large && (mpn = tlb.lookupLarge(key)) >= 0) {
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
        g.counters().tlbHits += hits;
        g.counters().tlbMisses += misses;
        g.chargeTlbMisses(misses);
        lastReads = reads;
        return digest;
    }
}
