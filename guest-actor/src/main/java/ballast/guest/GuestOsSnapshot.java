package ballast.guest;

import ballast.abi.GuestCounters;

/**
 * A guest OS's whole state between two ticks, as it travels in a live migration's stop-and-copy:
 * its page bookkeeping (which PPN backs each workload page, what each PPN holds, the free PPNs),
 * its integrity record (the token it last wrote to each page, which is also the copy of a page on
 * its virtual disk; the pages in first-touch order), its paging clock (the access and hand stamps,
 * the hand), the PPNs pinned by its balloon driver, its counters and working-set period, the
 * workload in force (a timed event may have changed it), where its trace replay stands (null for
 * a synthetic workload), and the positions of its random streams. A guest OS made from the same settings and given this snapshot
 * ({@link GuestOs#restore}) goes on exactly as the original would have: same accesses, same
 * tokens, same page-outs, same checks. The machine-frame view (a para-virtual guest's p2m) is not
 * part of it: the destination host hands out its own.
 *
 * <p>Its size follows the pages the guest touched, not its memory: the allocator's free PPNs
 * travel as the stack of those given back and the first never-used PPN, the clock's stamps only
 * for pages in memory, and what each PPN holds is rebuilt (a page's, a free one, else pinned by
 * the balloon).
 *
 * <p>A record holding arrays compares by identity; tests compare contents.
 */
public record GuestOsSnapshot(int[] ppnOfPage, long[] expected, int[] touched, int nextNeverUsed, int[] givenBack,
                              boolean imageLoaded,
                              int[] remapPages, long[] remapTicks, long accesses, long reads, long writes,
                              long readsVerified, long readMismatches, GuestCounters verifiedCounters,
                              long workloadRandom, double workloadCarry, long kernelRandom, long kernelWorkRemainder,
                              long contentWrites, Paging paging, Workload workload,
                              ballast.guest.workload.TraceWorkload.State trace) {

    /**
     * The workload in force: {@code changedTo} when a timed event changed it (null: the guest's
     * settings' own), the tick it started at, and how many changes the guest has had (its random
     * stream is derived from that count).
     */
    public record Workload(ballast.guest.workload.WorkloadSettings changedTo, long startTick, int changes) {
        public static final Workload ORIGINAL = new Workload(null, 0, 0);
    }

    /**
     * The memory-pressure part: each page's last access, the clock's stamp of the PPN that holds
     * each page in memory ({@code handStampOfPage}; any value for a page not in memory), the hand,
     * the counts kept with them, the paging counters, and the working-set truth's period.
     */
    public record Paging(int[] lastAccess, int[] handStampOfPage, int hand, int residentPages,
                         int pagesOnDisk, int balloonPages, long pageIns, long pageOuts, long stalledTicks,
                         long workingSetTruePages, long wsPeriod, long wsPeriodFirstTick) {
    }
}
