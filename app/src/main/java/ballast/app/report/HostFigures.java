package ballast.app.report;

import ballast.host.control.HostReclaim;
import ballast.host.control.HostStats;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The per-host figures, in the order and under the names used by {@code summary.json}
 * ({@code hosts[]}), {@code hosts.csv} and {@code sweep.csv}: one list, so they can never disagree.
 * The sharing figures have Linux KSM's meanings (see {@link HostStats}), the reclamation figures
 * those of {@link HostReclaim}. A name with a dot is a member of a group: {@code thresholds.high}
 * is {@code high} inside the {@code thresholds} object of {@code summary.json}, and a column of that
 * name in the csv files. A figure added here reaches the HTML report without further work (see
 * {@link ChartPlan}).
 */
public final class HostFigures {

    /** One named figure (a Long, a Double or a String) and how to read it from {@link HostStats}. */
    public record Figure(String name, Function<HostStats, Object> value) {
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

    /** Figures that are words, not numbers (text columns of hosts.csv). */
    public static final Set<String> TEXT = Set.of("state", "policy");

    public static final List<Figure> ALL = List.of(
            new Figure("framesTotal", HostStats::framesTotal),
            new Figure("framesFree", HostStats::framesFree),
            new Figure("framesMapped", HostStats::framesMapped),
            new Figure("framesReserved", HostStats::framesReserved),
            new Figure("framesShared", HostStats::framesShared),
            new Figure("guestPages", HostStats::guestPages),
            new Figure("guestPagesBacked", HostStats::guestPagesBacked),
            new Figure("pagesShared", HostStats::pagesShared),
            new Figure("pagesSharing", HostStats::pagesSharing),
            new Figure("pagesUnshared", HostStats::pagesUnshared),
            new Figure("pagesVolatile", HostStats::pagesVolatile),
            new Figure("fullScans", HostStats::fullScans),
            new Figure("pagesScanned", HostStats::pagesScanned),
            new Figure("zeroPagesShared", HostStats::zeroPagesShared),
            new Figure("staleHints", HostStats::staleHints),
            new Figure("falseMatches", HostStats::falseMatches),
            new Figure("mergeCount", HostStats::mergeCount),
            new Figure("state", s -> s.reclaim().state()),
            new Figure("policy", s -> s.reclaim().policy()),
            new Figure("tau", s -> s.reclaim().tau()),
            new Figure("availablePages", s -> s.reclaim().availablePages()),
            new Figure("balloonedPages", s -> s.reclaim().balloonedPages()),
            new Figure("hostSwappedPages", s -> s.reclaim().hostSwappedPages()),
            new Figure("swapPages", s -> s.reclaim().swapPages()),
            new Figure("swapOuts", s -> s.reclaim().swapOuts()),
            new Figure("swapIns", s -> s.reclaim().swapIns()),
            new Figure("doublePagings", s -> s.reclaim().doublePagings()),
            new Figure("sharedBeforeSwap", s -> s.reclaim().sharedBeforeSwap()),
            new Figure("rebalances", s -> s.reclaim().rebalances()),
            new Figure("secondsInState.high", s -> millis(s.reclaim().secondsHigh())),
            new Figure("secondsInState.soft", s -> millis(s.reclaim().secondsSoft())),
            new Figure("secondsInState.hard", s -> millis(s.reclaim().secondsHard())),
            new Figure("secondsInState.low", s -> millis(s.reclaim().secondsLow())),
            new Figure("thresholds.high", s -> s.reclaim().highThresholdPages()),
            new Figure("thresholds.soft", s -> s.reclaim().softThresholdPages()),
            new Figure("thresholds.hard", s -> s.reclaim().hardThresholdPages()),
            new Figure("thresholds.low", s -> s.reclaim().lowThresholdPages()));

    private HostFigures() {
    }

    /** Seconds to the millisecond, so that sums of tick lengths print as 12.3, not 12.299999999999999. */
    private static double millis(double seconds) {
        return Math.round(seconds * 1000.0) / 1000.0;
    }

    /** Guest memory mapped to shared frames, in percent of the guests' configured memory (ESX's "shared"). */
    public static double sharedPercent(HostStats s) {
        return s.guestPages() == 0 ? 0 : 100.0 * (s.pagesShared() + s.pagesSharing()) / s.guestPages();
    }

    /** Frames saved by sharing, in percent of the guests' configured memory (ESX's "reclaimed"). */
    public static double reclaimedPercent(HostStats s) {
        return s.guestPages() == 0 ? 0 : 100.0 * s.pagesSharing() / s.guestPages();
    }
}
