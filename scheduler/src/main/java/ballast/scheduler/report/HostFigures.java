package ballast.scheduler.report;

import ballast.host.control.HostStats;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The per-host figures, in the order and under the names used by {@code summary.json}
 * ({@code hosts[]}), {@code hosts.csv} and {@code sweep.csv}: one list, so they can never disagree.
 * The sharing figures have Linux KSM's meanings (see {@link HostStats}). A figure added here
 * reaches the HTML report without further work (see {@link ChartPlan}).
 */
public final class HostFigures {

    /** One named figure and how to read it from {@link HostStats}. */
    public record Figure(String name, ToLongFunction<HostStats> value) {
    }

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
            new Figure("mergeCount", HostStats::mergeCount));

    private HostFigures() {
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
