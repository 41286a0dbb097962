package ballast.host.translation;

import ballast.abi.RefusalReason;

/**
 * One guest's translation and paging event counts since it was created: TLB hits, misses and
 * flushes, hidden faults (shadow fills, EPT violations, copy-on-write breaks), true guest page
 * faults, refused hypercalls by reason, allocation failures, copy-on-write breaks, balloon pops,
 * host swap-ins and faults that waited for a victim to be paged out. They are the guest's history:
 * a release keeps them.
 *
 * <p>Written only by the translation package (the access loop, the miss paths, the balloon and
 * host-swap side), read by anyone through the getters. Owned by the guest's {@link GuestMemory},
 * on the hypervisor actor's thread; not thread-safe.
 */
public final class GuestEventCounts {
    long tlbHits;
    long tlbMisses;
    long tlbFlushes;
    long hiddenFaults;
    long guestFaults;
    long refusedHypercalls;
    /** Refused calls by {@link RefusalReason} ordinal. */
    private final long[] refusedByReason = new long[RefusalReason.values().length];
    long allocationFailures;
    long cowBreaks;
    long balloonPops;
    long hostSwapIns;
    long shortageWaits;
    /** Pages in the guest's accepted free page reports. */
    long pagesReported;
    /** Accepted free page reports. */
    long freePageReports;

    GuestEventCounts() {
    }

    /** Counts one refused call, and why. */
    void refuse(RefusalReason reason) {
        refusedHypercalls++;
        refusedByReason[reason.ordinal()]++;
    }

    public long tlbHits() {
        return tlbHits;
    }

    public long tlbMisses() {
        return tlbMisses;
    }

    /** Full TLB flushes (context switches). */
    public long tlbFlushes() {
        return tlbFlushes;
    }

    /** Faults the guest never sees: shadow fills, EPT violations, copy-on-write breaks. */
    public long hiddenFaults() {
        return hiddenFaults;
    }

    /** Accesses to pages the guest has not mapped. */
    public long guestFaults() {
        return guestFaults;
    }

    public long refusedHypercalls() {
        return refusedHypercalls;
    }

    /** Refused calls by {@link RefusalReason} ordinal (a copy). */
    public long[] refusedByReason() {
        return refusedByReason.clone();
    }

    /** Faults that found the host without a free frame. */
    public long allocationFailures() {
        return allocationFailures;
    }

    /** Writes to a shared frame that got a private copy. */
    public long cowBreaks() {
        return cowBreaks;
    }

    /** Accesses that reached a ballooned PPN (each pops the balloon). */
    /** Pages in the guest's accepted free page reports. */
    public long pagesReported() {
        return pagesReported;
    }

    /** The guest's accepted free page reports (one hypercall each). */
    public long freePageReports() {
        return freePageReports;
    }

    /** Counts one accepted free page report of {@code pages} pages. */
    public void reported(long pages) {
        freePageReports++;
        pagesReported += pages;
    }

    public long balloonPops() {
        return balloonPops;
    }

    /** Pages faulted back in from host swap. */
    public long hostSwapIns() {
        return hostSwapIns;
    }

    /** Faults that waited for the hypervisor to page a victim out (the host had no free frame). */
    public long shortageWaits() {
        return shortageWaits;
    }
}
