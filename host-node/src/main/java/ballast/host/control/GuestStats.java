package ballast.host.control;

import ballast.abi.KernelEvent;
import ballast.abi.RefusalReason;
import ballast.host.cpu.CpuAccount;

/**
 * One guest's figures at one instant, merged from the guest's own counters (accesses, reads,
 * writes, pages touched, verified and mismatched reads) and the hypervisor's (everything else).
 * Field names are the names used in {@code summary.json} and {@code timeseries.csv}.
 *
 * <p>{@code eventCounts} is indexed by {@link KernelEvent} ordinal, {@code overheadCyclesByEvent}
 * as {@link CpuAccount#OVERHEAD_KINDS}; the record compares them by identity.
 *
 * <p>{@code refusedByReason} counts refused calls by {@link RefusalReason} ordinal.
 *
 * <p>{@code sharedPages} are the guest's PPNs mapped to a shared frame, {@code cowBreaks} its writes
 * that broke copy-on-write.
 *
 * <p>{@code pagesReported} are the pages of its accepted free page reports.
 *
 * <p>{@code hotplug} holds its memory hotplug device's figures ({@link HotplugStats}; zero without one).
 *
 * <p>{@code reclaim} holds the balloon, paging, allocation and working-set figures ({@link GuestReclaim}).
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
        long translations,
        long translationCacheHits,
        long translationCacheEvictions,
        long silentFailures,
        long nativeCycles,
        long[] eventCounts,
        long[] overheadCyclesByEvent,
        long sharedPages,
        long cowBreaks,
        long[] refusedByReason,
        GuestReclaim reclaim,
        GuestTimeStats time,
        long pageFills,
        GuestOffload offload,
        long pagesReported,
        ballast.host.compression.GuestCompression compression,
        LargePageStats largePages,
        HotplugStats hotplug) {

    /** Figures of a guest on a host that does not offload or compress, without free page reporting or large pages. */
    public GuestStats(String name, long configuredPages, long allocatedPages, long pagesTouched, long accesses,
                      long reads, long writes, long readsVerified, long readMismatches, long tlbHits, long tlbMisses,
                      long tlbFlushes, long hiddenFaults, long guestFaults, long traps, long hypercalls,
                      long mmuUpdateEntries, long vmExits, long refusedHypercalls, long overheadCycles,
                      long translations, long translationCacheHits, long translationCacheEvictions,
                      long silentFailures, long nativeCycles, long[] eventCounts, long[] overheadCyclesByEvent,
                      long sharedPages, long cowBreaks, long[] refusedByReason, GuestReclaim reclaim,
                      GuestTimeStats time, long pageFills) {
        this(name, configuredPages, allocatedPages, pagesTouched, accesses, reads, writes, readsVerified,
                readMismatches, tlbHits, tlbMisses, tlbFlushes, hiddenFaults, guestFaults, traps, hypercalls,
                mmuUpdateEntries, vmExits, refusedHypercalls, overheadCycles, translations, translationCacheHits,
                translationCacheEvictions, silentFailures, nativeCycles, eventCounts, overheadCyclesByEvent,
                sharedPages, cowBreaks, refusedByReason, reclaim, time, pageFills, GuestOffload.ZERO, 0, null, null, null);
    }

    /** The same figures with {@code figures} as its offload figures. */
    public GuestStats withOffload(GuestOffload figures) {
        return new GuestStats(name, configuredPages, allocatedPages, pagesTouched, accesses, reads, writes,
                readsVerified, readMismatches, tlbHits, tlbMisses, tlbFlushes, hiddenFaults, guestFaults, traps,
                hypercalls, mmuUpdateEntries, vmExits, refusedHypercalls, overheadCycles, translations,
                translationCacheHits, translationCacheEvictions, silentFailures, nativeCycles, eventCounts,
                overheadCyclesByEvent, sharedPages, cowBreaks, refusedByReason, reclaim, time, pageFills, figures,
                pagesReported, compression, largePages, hotplug);
    }

    /** Figures without page fills counted apart. */
    public GuestStats(String name, long configuredPages, long allocatedPages, long pagesTouched, long accesses,
                      long reads, long writes, long readsVerified, long readMismatches, long tlbHits, long tlbMisses,
                      long tlbFlushes, long hiddenFaults, long guestFaults, long traps, long hypercalls,
                      long mmuUpdateEntries, long vmExits, long refusedHypercalls, long overheadCycles,
                      long translations, long translationCacheHits, long translationCacheEvictions,
                      long silentFailures, long nativeCycles, long[] eventCounts, long[] overheadCyclesByEvent,
                      long sharedPages, long cowBreaks, long[] refusedByReason, GuestReclaim reclaim,
                      GuestTimeStats time) {
        this(name, configuredPages, allocatedPages, pagesTouched, accesses, reads, writes, readsVerified,
                readMismatches, tlbHits, tlbMisses, tlbFlushes, hiddenFaults, guestFaults, traps, hypercalls,
                mmuUpdateEntries, vmExits, refusedHypercalls, overheadCycles, translations, translationCacheHits,
                translationCacheEvictions, silentFailures, nativeCycles, eventCounts, overheadCyclesByEvent,
                sharedPages, cowBreaks, refusedByReason, reclaim, time, 0);
    }

    public GuestStats {
        if (reclaim == null) {
            reclaim = GuestReclaim.ZERO;
        }
        if (time == null) {
            time = GuestTimeStats.ZERO;
        }
        if (offload == null) {
            offload = GuestOffload.ZERO;
        }
        if (compression == null) {
            compression = ballast.host.compression.GuestCompression.ZERO;
        }
        if (largePages == null) {
            largePages = LargePageStats.ZERO;
        }
        if (hotplug == null) {
            hotplug = HotplugStats.ZERO;
        }
    }


    /** Figures of a guest on a host without reclamation. */
    public GuestStats(String name, long configuredPages, long allocatedPages, long pagesTouched, long accesses,
                      long reads, long writes, long readsVerified, long readMismatches, long tlbHits, long tlbMisses,
                      long tlbFlushes, long hiddenFaults, long guestFaults, long traps, long hypercalls,
                      long mmuUpdateEntries, long vmExits, long refusedHypercalls, long overheadCycles,
                      long translations, long translationCacheHits, long translationCacheEvictions,
                      long silentFailures, long nativeCycles, long[] eventCounts, long[] overheadCyclesByEvent,
                      long sharedPages, long cowBreaks, long[] refusedByReason) {
        this(name, configuredPages, allocatedPages, pagesTouched, accesses, reads, writes, readsVerified,
                readMismatches, tlbHits, tlbMisses, tlbFlushes, hiddenFaults, guestFaults, traps, hypercalls,
                mmuUpdateEntries, vmExits, refusedHypercalls, overheadCycles, translations, translationCacheHits,
                translationCacheEvictions, silentFailures, nativeCycles, eventCounts, overheadCyclesByEvent,
                sharedPages, cowBreaks, refusedByReason, GuestReclaim.ZERO, GuestTimeStats.ZERO, 0);
    }

    /** Refused calls by reason (only reasons that occurred), in {@link RefusalReason} order. */
    public java.util.Map<String, Long> refusedHypercallsByReason() {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        RefusalReason[] reasons = RefusalReason.values();
        for (int i = 0; i < refusedByReason.length && i < reasons.length; i++) {
            if (refusedByReason[i] != 0) {
                m.put(reasons[i].name(), refusedByReason[i]);
            }
        }
        return m;
    }

    /** The count of one kind of kernel event. */
    public long eventCount(KernelEvent kind) {
        return eventCounts[kind.ordinal()];
    }

    /** Virtualization overhead relative to the same activity on bare metal, in percent (0 when there was none). */
    public double overheadPercent() {
        return nativeCycles == 0 ? 0.0 : 100.0 * overheadCycles / nativeCycles;
    }

    /** Whether the guest ran correctly: no silently failed instruction and every read as written. */
    public boolean correct() {
        return silentFailures == 0 && readMismatches == 0;
    }
}
