package ballast.scheduler.report;

import ballast.host.control.GuestStats;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The per-guest figures, in the order and under the names used by both {@code summary.json}
 * ({@code guests[]}) and {@code timeseries.csv}: one list, so the two can never disagree.
 */
public final class GuestFigures {

    /** One named figure and how to read it from {@link GuestStats}. */
    public record Figure(String name, ToLongFunction<GuestStats> value) {
    }

    public static final List<Figure> ALL = List.of(
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
            new Figure("overheadCycles", GuestStats::overheadCycles),
            new Figure("sharedPages", GuestStats::sharedPages),
            new Figure("cowBreaks", GuestStats::cowBreaks));

    private GuestFigures() {
    }
}
