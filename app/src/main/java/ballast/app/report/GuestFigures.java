package ballast.app.report;

import ballast.abi.KernelEvent;
import ballast.host.control.GuestStats;
import ballast.host.cpu.CpuAccount;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-guest figures, in the order and under the names used by both {@code summary.json}
 * ({@code guests[]}) and {@code timeseries.csv}: one list, so the two can never disagree. A name
 * with a dot is a member of a group: {@code eventCounts.syscall} is {@code syscall} inside the
 * {@code eventCounts} object of {@code summary.json}, and a column of that name in the csv.
 */
public final class GuestFigures {


    public static final List<Figure<GuestStats>> ALL;

    static {
        List<Figure<GuestStats>> all = new ArrayList<>(List.of(
                new Figure<GuestStats>("configuredPages", GuestStats::configuredPages),
                new Figure<GuestStats>("allocatedPages", GuestStats::allocatedPages),
                new Figure<GuestStats>("pagesTouched", GuestStats::pagesTouched),
                new Figure<GuestStats>("accesses", GuestStats::accesses),
                new Figure<GuestStats>("reads", GuestStats::reads),
                new Figure<GuestStats>("writes", GuestStats::writes),
                new Figure<GuestStats>("readsVerified", GuestStats::readsVerified),
                new Figure<GuestStats>("readMismatches", GuestStats::readMismatches),
                new Figure<GuestStats>("tlbHits", GuestStats::tlbHits),
                new Figure<GuestStats>("tlbMisses", GuestStats::tlbMisses),
                new Figure<GuestStats>("tlbFlushes", GuestStats::tlbFlushes),
                new Figure<GuestStats>("hiddenFaults", GuestStats::hiddenFaults),
                new Figure<GuestStats>("guestFaults", GuestStats::guestFaults),
                new Figure<GuestStats>("traps", GuestStats::traps),
                new Figure<GuestStats>("hypercalls", GuestStats::hypercalls),
                new Figure<GuestStats>("mmuUpdateEntries", GuestStats::mmuUpdateEntries),
                new Figure<GuestStats>("vmExits", GuestStats::vmExits),
                new Figure<GuestStats>("refusedHypercalls", GuestStats::refusedHypercalls),
                new Figure<GuestStats>("sharedPages", GuestStats::sharedPages),
                new Figure<GuestStats>("cowBreaks", GuestStats::cowBreaks),
                new Figure<GuestStats>("minPages", s -> s.reclaim().minPages()),
                new Figure<GuestStats>("maxPages", s -> s.reclaim().maxPages()),
                new Figure<GuestStats>("shares", s -> s.reclaim().shares()),
                new Figure<GuestStats>("targetPages", s -> s.reclaim().targetPages()),
                new Figure<GuestStats>("balloonPages", s -> s.reclaim().balloonPages()),
                new Figure<GuestStats>("balloonTargetPages", s -> s.reclaim().balloonTargetPages()),
                new Figure<GuestStats>("balloonPops", s -> s.reclaim().balloonPops()),
                new Figure<GuestStats>("hostSwappedPages", s -> s.reclaim().hostSwappedPages()),
                new Figure<GuestStats>("hostSwapOuts", s -> s.reclaim().hostSwapOuts()),
                new Figure<GuestStats>("hostSwapIns", s -> s.reclaim().hostSwapIns()),
                new Figure<GuestStats>("guestSwappedPages", s -> s.reclaim().guestSwappedPages()),
                new Figure<GuestStats>("guestPageOuts", s -> s.reclaim().guestPageOuts()),
                new Figure<GuestStats>("guestPageIns", s -> s.reclaim().guestPageIns()),
                new Figure<GuestStats>("doublePagings", s -> s.reclaim().doublePagings()),
                new Figure<GuestStats>("workingSetEstimatePages", s -> s.reclaim().workingSetEstimatePages()),
                new Figure<GuestStats>("workingSetTruePages", s -> s.reclaim().workingSetTruePages()),
                new Figure<GuestStats>("stalledTicks", s -> s.reclaim().stalledTicks()),
                new Figure<GuestStats>("translations", GuestStats::translations),
                new Figure<GuestStats>("translationCacheHits", GuestStats::translationCacheHits),
                new Figure<GuestStats>("translationCacheEvictions", GuestStats::translationCacheEvictions),
                new Figure<GuestStats>("silentFailures", GuestStats::silentFailures),
                new Figure<GuestStats>("correct", GuestStats::correct),
                new Figure<GuestStats>("nativeCycles", GuestStats::nativeCycles),
                new Figure<GuestStats>("overheadCycles", GuestStats::overheadCycles),
                new Figure<GuestStats>("overheadPercent", s -> Math.round(s.overheadPercent() * 100.0) / 100.0),
                new Figure<GuestStats>("vcpus", s -> (long) s.time().vcpus()),
                new Figure<GuestStats>("workUnits", s -> s.time().workUnits()),
                new Figure<GuestStats>("throughput", s -> round(s.time().throughput(), 1)),
                new Figure<GuestStats>("demandThroughput", s -> round(s.time().demandThroughput(), 1)),
                new Figure<GuestStats>("slowdown", s -> round(s.time().slowdown(), 4)),
                new Figure<GuestStats>("backlog", s -> s.time().backlog()),
                new Figure<GuestStats>("runSeconds", s -> round(s.time().runSeconds(), 6)),
                new Figure<GuestStats>("overheadSeconds", s -> round(s.time().overheadSeconds(), 6)),
                new Figure<GuestStats>("ioWaitSeconds", s -> round(s.time().ioWaitSeconds(), 6)),
                new Figure<GuestStats>("hostSwapWaitSeconds", s -> round(s.time().hostSwapWaitSeconds(), 6)),
                new Figure<GuestStats>("stalledSeconds", s -> round(s.time().stalledSeconds(), 6)),
                new Figure<GuestStats>("readySeconds", s -> round(s.time().readySeconds(), 6)),
                new Figure<GuestStats>("idleSeconds", s -> round(s.time().idleSeconds(), 6))));
        for (KernelEvent kind : KernelEvent.ALL) {
            all.add(new Figure<GuestStats>("eventCounts." + kind.figureName(), s -> s.eventCounts()[kind.ordinal()]));
        }
        for (int i = 0; i < CpuAccount.OVERHEAD_KINDS.size(); i++) {
            int index = i;
            all.add(new Figure<GuestStats>("overheadCyclesByEvent." + CpuAccount.OVERHEAD_KINDS.get(i),
                    s -> s.overheadCyclesByEvent()[index]));
        }
        ALL = List.copyOf(all);
    }

    private GuestFigures() {
    }

    /** {@code x} rounded to {@code digits} decimals (so that the outputs do not show floating-point noise). */
    static double round(double x, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }
}
