package ballast.app.report;

import ballast.abi.KernelEvent;
import ballast.host.control.GuestStats;
import ballast.host.cpu.CpuAccount;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The per-guest figures, in the order and under the names used by both {@code summary.json}
 * ({@code guests[]}) and {@code timeseries.csv}: one list, so the two can never disagree. A name
 * with a dot is a member of a group: {@code eventCounts.syscall} is {@code syscall} inside the
 * {@code eventCounts} object of {@code summary.json}, and a column of that name in the csv.
 */
public final class GuestFigures {

    /** One named figure (a Long, a Double or a Boolean) and how to read it from {@link GuestStats}. */
    public record Figure(String name, Function<GuestStats, Object> value) {
        /** The group before the dot, or null. */
        public String group() {
            int dot = name.indexOf('.');
            return dot < 0 ? null : name.substring(0, dot);
        }

        /** The name inside its group (the whole name when it has none). */
        public String member() {
            return name.substring(name.indexOf('.') + 1);
        }
    }

    public static final List<Figure> ALL;

    static {
        List<Figure> all = new ArrayList<>(List.of(
                new Figure("configuredPages", GuestStats::configuredPages),
                new Figure("allocatedPages", GuestStats::allocatedPages),
                new Figure("pagesTouched", GuestStats::pagesTouched),
                new Figure("accesses", GuestStats::accesses),
                new Figure("reads", GuestStats::reads),
                new Figure("writes", GuestStats::writes),
                new Figure("readsVerified", GuestStats::readsVerified),
                new Figure("readMismatches", GuestStats::readMismatches),
                new Figure("tlbHits", GuestStats::tlbHits),
                new Figure("tlbMisses", GuestStats::tlbMisses),
                new Figure("tlbFlushes", GuestStats::tlbFlushes),
                new Figure("hiddenFaults", GuestStats::hiddenFaults),
                new Figure("guestFaults", GuestStats::guestFaults),
                new Figure("traps", GuestStats::traps),
                new Figure("hypercalls", GuestStats::hypercalls),
                new Figure("mmuUpdateEntries", GuestStats::mmuUpdateEntries),
                new Figure("vmExits", GuestStats::vmExits),
                new Figure("refusedHypercalls", GuestStats::refusedHypercalls),
                new Figure("sharedPages", GuestStats::sharedPages),
                new Figure("cowBreaks", GuestStats::cowBreaks),
                new Figure("minPages", s -> s.reclaim().minPages()),
                new Figure("maxPages", s -> s.reclaim().maxPages()),
                new Figure("shares", s -> s.reclaim().shares()),
                new Figure("targetPages", s -> s.reclaim().targetPages()),
                new Figure("balloonPages", s -> s.reclaim().balloonPages()),
                new Figure("balloonTargetPages", s -> s.reclaim().balloonTargetPages()),
                new Figure("balloonPops", s -> s.reclaim().balloonPops()),
                new Figure("hostSwappedPages", s -> s.reclaim().hostSwappedPages()),
                new Figure("hostSwapOuts", s -> s.reclaim().hostSwapOuts()),
                new Figure("hostSwapIns", s -> s.reclaim().hostSwapIns()),
                new Figure("guestSwappedPages", s -> s.reclaim().guestSwappedPages()),
                new Figure("guestPageOuts", s -> s.reclaim().guestPageOuts()),
                new Figure("guestPageIns", s -> s.reclaim().guestPageIns()),
                new Figure("doublePagings", s -> s.reclaim().doublePagings()),
                new Figure("workingSetEstimatePages", s -> s.reclaim().workingSetEstimatePages()),
                new Figure("workingSetTruePages", s -> s.reclaim().workingSetTruePages()),
                new Figure("stalledTicks", s -> s.reclaim().stalledTicks()),
                new Figure("translations", GuestStats::translations),
                new Figure("translationCacheHits", GuestStats::translationCacheHits),
                new Figure("translationCacheEvictions", GuestStats::translationCacheEvictions),
                new Figure("silentFailures", GuestStats::silentFailures),
                new Figure("correct", GuestStats::correct),
                new Figure("nativeCycles", GuestStats::nativeCycles),
                new Figure("overheadCycles", GuestStats::overheadCycles),
                new Figure("overheadPercent", s -> Math.round(s.overheadPercent() * 100.0) / 100.0)));
        for (KernelEvent kind : KernelEvent.ALL) {
            all.add(new Figure("eventCounts." + kind.figureName(), s -> s.eventCounts()[kind.ordinal()]));
        }
        for (int i = 0; i < CpuAccount.OVERHEAD_KINDS.size(); i++) {
            int index = i;
            all.add(new Figure("overheadCyclesByEvent." + CpuAccount.OVERHEAD_KINDS.get(i),
                    s -> s.overheadCyclesByEvent()[index]));
        }
        ALL = List.copyOf(all);
    }

    private GuestFigures() {
    }
}
