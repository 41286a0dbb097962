package ballast.host.control;

/**
 * A host's reclamation figures at one instant. Field names are those of {@code summary.json}
 * {@code hosts[]}.
 *
 * @param state                  the free-memory state: {@code high}, {@code soft}, {@code hard} or {@code low}
 * @param secondsHigh            simulated seconds spent in the high state so far (and so on)
 * @param policy                 the allocation policy's name
 * @param tau                    the idle memory tax rate in force
 * @param availablePages         machine pages the policy shares out among the guests
 * @param balloonedPages         guest PPNs in balloons
 * @param hostSwappedPages       guest PPNs in host swap
 * @param swapPages              the host swap's capacity, in pages
 * @param swapOuts               pages swapped out so far
 * @param swapIns                pages swapped back in so far
 * @param doublePagings          double pagings so far (all guests)
 * @param sharedBeforeSwap       victim pages merged into an existing shared frame instead of swapped
 * @param rebalances             rebalances so far
 * @param highThresholdPages     free pages at which the host is in the high state (and so on);
 *                               the report draws them on the free-memory chart
 */
public record HostReclaim(String state, double secondsHigh, double secondsSoft, double secondsHard, double secondsLow,
                          String policy, double tau, long availablePages, long balloonedPages, long hostSwappedPages,
                          long swapPages, long swapOuts, long swapIns, long doublePagings, long sharedBeforeSwap,
                          long rebalances, long highThresholdPages, long softThresholdPages, long hardThresholdPages,
                          long lowThresholdPages) {
    public static final HostReclaim NONE = new HostReclaim("high", 0, 0, 0, 0, "none", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0);
}
