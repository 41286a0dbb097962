package ballast.guest;

import ballast.host.abi.GuestCounters;

/**
 * A guest OS's whole state between two ticks, as it travels in a live migration's stop-and-copy:
 * its page bookkeeping (which PPN backs each workload page, the free PPNs), its integrity record
 * (the token it last wrote to each page, the pages in first-touch order), its counters and the
 * positions of its random streams. A guest OS made from the same settings and given this snapshot
 * ({@link GuestOs#restore}) goes on exactly as the original would have: same accesses, same
 * tokens, same checks. The machine-frame view (a para-virtual guest's p2m) is not part of it:
 * the destination host hands out its own.
 *
 * <p>A record holding arrays compares by identity; tests compare contents.
 */
public record GuestOsSnapshot(int[] ppnOfPage, long[] expected, int[] touched, int[] freePpns, boolean imageLoaded,
                              int[] remapPages, long accesses, long reads, long writes, long readsVerified,
                              long readMismatches, GuestCounters verifiedCounters, long workloadRandom,
                              double workloadCarry, long kernelRandom, long kernelWorkRemainder, long contentWrites) {
}
