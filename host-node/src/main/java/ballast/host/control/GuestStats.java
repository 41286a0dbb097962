package ballast.host.control;

/**
 * One guest's figures at one instant, merged from the guest's own counters (accesses, reads,
 * writes, pages touched, verified and mismatched reads) and the hypervisor's (everything else).
 * Field names are the names used in {@code summary.json} and {@code timeseries.csv}.
 * {@code sharedPages} are the guest's PPNs mapped to a shared frame, {@code cowBreaks} its writes
 * that broke copy-on-write.
 */
public record GuestStats(
        String name,
        long configuredPages,
        long allocatedPages,
        long pagesTouched,
        long accesses,
        long reads,
        long writes,
        long readsVerified,
        long readMismatches,
        long tlbHits,
        long tlbMisses,
        long tlbFlushes,
        long hiddenFaults,
        long guestFaults,
        long traps,
        long hypercalls,
        long mmuUpdateEntries,
        long vmExits,
        long refusedHypercalls,
        long overheadCycles,
        long sharedPages,
        long cowBreaks) {
}
