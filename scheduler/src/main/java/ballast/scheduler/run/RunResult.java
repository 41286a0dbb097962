package ballast.scheduler.run;

import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import java.util.List;

/**
 * What a run produced, in canonical order.
 *
 * @param ticksPlayed     ticks completed
 * @param samples         the time series: one entry per sampling point and guest
 * @param hosts           final figures per host (scenario host order)
 * @param guests          final figures per guest (scenario guest order)
 * @param invariantChecks invariant evaluations performed
 * @param violations      every invariant violation found, one line each
 * @param failure         why the run could not finish (a barrier timeout), or null
 * @param wallSeconds     wall-clock seconds from the first tick to the last
 * @param faults          guest actors that failed, and how each was handled
 */
public record RunResult(long ticksPlayed, List<Sample> samples, List<HostStats> hosts, List<GuestStats> guests,
                        long invariantChecks, List<String> violations, String failure, double wallSeconds,
                        List<Fault> faults) {

    /** A guest actor failure: which guest, during which tick, why, and what was done. */
    public record Fault(String guest, long tick, String cause, String handling) {
    }

    /** One row of the time series. */
    public record Sample(double simulatedSeconds, String host, GuestStats guest) {
    }

    public boolean ok() {
        return failure == null && violations.isEmpty();
    }
}
