package ballast.host;

import ballast.host.control.GuestStats;
import ballast.host.control.GuestTimeStats;

/**
 * Figures of a guest that moved between hosts: what the hypervisors count (TLB, faults, traps,
 * exits, cycles, refusals, copy-on-write breaks) adds up over every host it ran on; what it counts
 * itself (accesses, reads, verified reads: its guest OS moved with it) and what it holds now
 * (allocated and shared pages, the balloon, targets and estimates) are the current host's; the
 * hypervisors' reclamation counters (balloon pops, host swap-outs and swap-ins, double pagings)
 * add up too, and so does its time (work units, demand and where its time went).
 */
public final class GuestStatsSum {
    private GuestStatsSum() {
    }

    /** {@code live} with the hypervisor counters of {@code past} added in. */
    public static GuestStats carry(GuestStats past, GuestStats live) {
        return new GuestStats(live.name(), live.configuredPages(), live.allocatedPages(), live.pagesTouched(),
                live.accesses(), live.reads(), live.writes(), live.readsVerified(), live.readMismatches(),
                past.tlbHits() + live.tlbHits(), past.tlbMisses() + live.tlbMisses(),
                past.tlbFlushes() + live.tlbFlushes(), past.hiddenFaults() + live.hiddenFaults(),
                past.guestFaults() + live.guestFaults(), past.traps() + live.traps(),
                past.hypercalls() + live.hypercalls(), past.mmuUpdateEntries() + live.mmuUpdateEntries(),
                past.vmExits() + live.vmExits(), past.refusedHypercalls() + live.refusedHypercalls(),
                past.overheadCycles() + live.overheadCycles(), past.translations() + live.translations(),
                past.translationCacheHits() + live.translationCacheHits(),
                past.translationCacheEvictions() + live.translationCacheEvictions(),
                past.silentFailures() + live.silentFailures(), past.nativeCycles() + live.nativeCycles(),
                sum(past.eventCounts(), live.eventCounts()), sum(past.overheadCyclesByEvent(), live.overheadCyclesByEvent()),
                live.sharedPages(), past.cowBreaks() + live.cowBreaks(),
                sum(past.refusedByReason(), live.refusedByReason()), carry(past.reclaim(), live.reclaim()),
                carry(past.time(), live.time()), live.pageFills(),
                ballast.host.control.GuestOffload.carry(past.offload(), live.offload()),
                past.pagesReported() + live.pagesReported(), live.compression().plusCounters(past.compression()),
                ballast.host.control.LargePageStats.carry(past.largePages(), live.largePages()), live.hotplug());
    }

    /** Time adds up over the hosts; the backlog is the current host's. */
    private static GuestTimeStats carry(GuestTimeStats past, GuestTimeStats live) {
        if (past == null) {
            return live;
        }
        return new GuestTimeStats(live.vcpus(), past.workUnits() + live.workUnits(), past.demand() + live.demand(),
                live.backlog(), past.accountedSeconds() + live.accountedSeconds(),
                past.runSeconds() + live.runSeconds(), past.overheadSeconds() + live.overheadSeconds(),
                past.ioWaitSeconds() + live.ioWaitSeconds(), past.hostSwapWaitSeconds() + live.hostSwapWaitSeconds(),
                past.stalledSeconds() + live.stalledSeconds(), past.readySeconds() + live.readySeconds(),
                past.idleSeconds() + live.idleSeconds());
    }

    private static ballast.host.control.GuestReclaim carry(ballast.host.control.GuestReclaim past,
                                                           ballast.host.control.GuestReclaim live) {
        if (past == null) {
            return live;
        }
        return new ballast.host.control.GuestReclaim(live.minPages(), live.maxPages(), live.shares(), live.targetPages(),
                live.balloonPages(), live.balloonTargetPages(), past.balloonPops() + live.balloonPops(),
                live.hostSwappedPages(), past.hostSwapOuts() + live.hostSwapOuts(),
                past.hostSwapIns() + live.hostSwapIns(), live.guestSwappedPages(), live.guestPageOuts(),
                live.guestPageIns(), past.doublePagings() + live.doublePagings(), live.workingSetEstimatePages(),
                live.workingSetTruePages(), live.stalledTicks());
    }

    private static long[] sum(long[] a, long[] b) {
        long[] out = new long[Math.max(a.length, b.length)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (i < a.length ? a[i] : 0) + (i < b.length ? b[i] : 0);
        }
        return out;
    }
}
