package ballast.host.control;

/**
 * One guest's reclamation and allocation figures at one instant (the hypervisor's view, plus the
 * guest's own paging counters). Field names are those of {@code summary.json} {@code guests[]} and
 * the time series.
 *
 * @param minPages                the guest's guaranteed minimum, in pages
 * @param maxPages                its configured size (the most it can be given), in pages
 * @param shares                  its shares (a number; low / normal / high are 5 / 10 / 20 per MB)
 * @param targetPages             its allocation target from the host's policy at the last rebalance
 * @param balloonPages            PPNs now in its balloon (ballooned in the pmap)
 * @param balloonTargetPages      the balloon size the hypervisor last asked for
 * @param balloonPops             times the guest touched a ballooned page (the balloon popped)
 * @param hostSwappedPages        its PPNs now in host swap
 * @param hostSwapOuts            pages the hypervisor swapped out of it
 * @param hostSwapIns             pages swapped back in on its accesses
 * @param guestSwappedPages       workload pages on its own virtual disk
 * @param guestPageOuts           pages its OS wrote to its virtual disk
 * @param guestPageIns            pages its OS read back
 * @param doublePagings           pages its OS paged out that the hypervisor had already swapped
 * @param workingSetEstimatePages the hypervisor's sampled working-set estimate, in pages
 * @param workingSetTruePages     distinct pages it touched in the last complete period (truth)
 * @param stalledTicks            ticks its accesses stalled in the low state
 */
public record GuestReclaim(long minPages, long maxPages, double shares, long targetPages, long balloonPages,
                           long balloonTargetPages, long balloonPops, long hostSwappedPages, long hostSwapOuts,
                           long hostSwapIns, long guestSwappedPages, long guestPageOuts, long guestPageIns,
                           long doublePagings, long workingSetEstimatePages, long workingSetTruePages,
                           long stalledTicks) {
    public static final GuestReclaim ZERO = new GuestReclaim(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
