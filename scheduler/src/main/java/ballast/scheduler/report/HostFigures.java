package ballast.scheduler.report;

import ballast.host.control.HostStats;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The per-host figures, in the order and under the names used by both {@code summary.json}
 * ({@code hosts[]}) and {@code hosts.csv}: one list, so the two can never disagree. A figure
 * added here reaches the HTML report without further work (see {@link ChartPlan}).
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
            new Figure("framesShared", HostStats::framesShared));

    private HostFigures() {
    }
}
