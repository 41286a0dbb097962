package ballast.scheduler.run;

import ballast.host.control.GuestStats;
import ballast.host.control.HostStats;
import java.util.List;

/**
 * What a run produced, in canonical order.
 *
 * @param ticksPlayed     ticks completed
 * @param samples         the time series: one entry per sampling point and guest
 * @param hostSamples     the hosts' time series: one entry per sampling point and host
 * @param hosts           final figures per host (scenario host order)
 * @param guests          final figures per guest (scenario guest order)
 * @param invariantChecks invariant evaluations performed
 * @param violations      every invariant violation found, one line each
 * @param failure         why the run could not finish (a barrier timeout), or null
 * @param interrupted     whether the run was stopped early on request (Ctrl-C)
 * @param wallSeconds     wall-clock seconds from the first tick to the last
 * @param faults          guest actors that failed, and how each was handled
 * @param events          the timed events applied, in order
 * @param migrations      live migrations completed, in the order they finished
 * @param guestHosts      the host each guest ended on (empty: every guest on its scenario host)
 */
public record RunResult(long ticksPlayed, List<Sample> samples, List<HostSample> hostSamples, List<HostStats> hosts,
                        List<GuestStats> guests, long invariantChecks, List<String> violations, String failure,
                        boolean interrupted, double wallSeconds, List<Fault> faults, List<AppliedEvent> events,
                        List<ballast.scheduler.migration.PreCopy.Outcome> migrations,
                        java.util.Map<String, String> guestHosts) {

    public RunResult {
        events = events == null ? List.of() : List.copyOf(events);
        migrations = migrations == null ? List.of() : List.copyOf(migrations);
        guestHosts = guestHosts == null ? java.util.Map.of() : java.util.Map.copyOf(guestHosts);
    }

    /** A run without timed events or migrations. */
    public RunResult(long ticksPlayed, List<Sample> samples, List<HostSample> hostSamples, List<HostStats> hosts,
                     List<GuestStats> guests, long invariantChecks, List<String> violations, String failure,
                     boolean interrupted, double wallSeconds, List<Fault> faults) {
        this(ticksPlayed, samples, hostSamples, hosts, guests, invariantChecks, violations, failure, interrupted,
                wallSeconds, faults, List.of());
    }

    /** A run with timed events but without migrations: every guest stayed on its scenario host. */
    public RunResult(long ticksPlayed, List<Sample> samples, List<HostSample> hostSamples, List<HostStats> hosts,
                     List<GuestStats> guests, long invariantChecks, List<String> violations, String failure,
                     boolean interrupted, double wallSeconds, List<Fault> faults, List<AppliedEvent> events) {
        this(ticksPlayed, samples, hostSamples, hosts, guests, invariantChecks, violations, failure, interrupted,
                wallSeconds, faults, events, List.of(), java.util.Map.of());
    }

    /** This result with the run's migrations and where each guest ended up. */
    public RunResult withMigrations(List<ballast.scheduler.migration.PreCopy.Outcome> migrations,
                                    java.util.Map<String, String> guestHosts) {
        return new RunResult(ticksPlayed, samples, hostSamples, hosts, guests, invariantChecks, violations, failure,
                interrupted, wallSeconds, faults, events, migrations, guestHosts);
    }

    /** This result ending with {@code failure}. */
    /** This result with {@code more} faults after its own. */
    public RunResult withFaults(List<Fault> more) {
        List<Fault> all = new java.util.ArrayList<>(faults);
        all.addAll(more);
        return new RunResult(ticksPlayed, samples, hostSamples, hosts, guests, invariantChecks, violations, failure,
                interrupted, wallSeconds, List.copyOf(all), events, migrations, guestHosts);
    }

    public RunResult withFailure(String failure) {
        return new RunResult(ticksPlayed, samples, hostSamples, hosts, guests, invariantChecks, violations, failure,
                interrupted, wallSeconds, faults, events, migrations, guestHosts);
    }

    /**
     * A timed event as applied: when it was asked for, the tick it landed before, what it did, and
     * {@code ok} or what went wrong.
     */
    public record AppliedEvent(double atSeconds, long tick, String what, String result) {
    }

    /** A guest actor failure: which guest, during which tick, why, and what was done. */
    public record Fault(String guest, long tick, String cause, String handling) {
    }

    /** One row of the time series. */
    public record Sample(double simulatedSeconds, String host, GuestStats guest) {
    }

    /** One row of the hosts' time series. */
    public record HostSample(double simulatedSeconds, String host, HostStats stats) {
    }

    public boolean ok() {
        return failure == null && violations.isEmpty();
    }
}
