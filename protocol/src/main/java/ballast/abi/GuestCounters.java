package ballast.abi;

/**
 * The guest's own account of its activity, as the guest OS counts it.
 *
 * @param guestSwappedPages   workload pages now on the guest's own virtual disk (paged out by it)
 * @param guestPageIns        pages the guest OS read back from its virtual disk
 * @param guestPageOuts       pages the guest OS wrote to its virtual disk
 * @param balloonPages        pages in its balloon, as its balloon driver counts them
 * @param workingSetTruePages distinct pages the guest touched in the last complete working-set
 *                            period (the ground truth the hypervisor's estimate is compared with)
 * @param stalledTicks        ticks whose accesses stalled (the host was in the low state)
 * @param pageFills           pages the guest OS filled itself: a first touch's zeroing or first
 *                            content, a page-in's write-back, its image's load (not among
 *                            {@code accesses} and {@code writes}, which are the workload's and the
 *                            OS's re-issued page-table writes)
 * @param unplugBusy          memory hotplug: unplug attempts that failed (a block given up for lack
 *                            of free pages to move its pages to, or held by the balloon)
 * @param pagesMigrated       memory hotplug: pages moved out of the blocks it emptied to unplug them
 */
public record GuestCounters(long accesses, long reads, long writes, long pagesTouched,
                            long readsVerified, long readMismatches, long guestSwappedPages,
                            long guestPageIns, long guestPageOuts, long balloonPages,
                            long workingSetTruePages, long stalledTicks, long pageFills, long unplugBusy,
                            long pagesMigrated) {

    /** Counters of a guest without a memory hotplug device. */
    public GuestCounters(long accesses, long reads, long writes, long pagesTouched,
                         long readsVerified, long readMismatches, long guestSwappedPages,
                         long guestPageIns, long guestPageOuts, long balloonPages,
                         long workingSetTruePages, long stalledTicks, long pageFills) {
        this(accesses, reads, writes, pagesTouched, readsVerified, readMismatches, guestSwappedPages, guestPageIns,
                guestPageOuts, balloonPages, workingSetTruePages, stalledTicks, pageFills, 0, 0);
    }

    /** Counters without page fills. */
    public GuestCounters(long accesses, long reads, long writes, long pagesTouched,
                         long readsVerified, long readMismatches, long guestSwappedPages,
                         long guestPageIns, long guestPageOuts, long balloonPages,
                         long workingSetTruePages, long stalledTicks) {
        this(accesses, reads, writes, pagesTouched, readsVerified, readMismatches, guestSwappedPages, guestPageIns,
                guestPageOuts, balloonPages, workingSetTruePages, stalledTicks, 0);
    }
    public static final GuestCounters ZERO = new GuestCounters(0, 0, 0, 0, 0, 0);

    /** Counters of a guest that neither pages nor balloons. */
    public GuestCounters(long accesses, long reads, long writes, long pagesTouched,
                         long readsVerified, long readMismatches) {
        this(accesses, reads, writes, pagesTouched, readsVerified, readMismatches, 0, 0, 0, 0, 0, 0);
    }
}
