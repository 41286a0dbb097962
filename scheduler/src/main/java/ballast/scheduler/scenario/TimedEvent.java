package ballast.scheduler.scenario;

import ballast.guest.workload.WorkloadSettings;
import ballast.host.reclaim.ReclaimSettings;
import java.util.Map;

/**
 * A change of the simulated world at a point in simulated time: the clock applies it between two
 * ticks, before playing tick {@code tick} (the first tick starting at or after {@code atSeconds}),
 * and waits until it has landed, so that it lands at the same tick in every run.
 *
 * @param atSeconds when it was asked for, in simulated seconds
 * @param tick      the tick it is applied before
 * @param what      what it does, as a user would say it ({@code set hosts.host-a.policy.tau = 0.75})
 * @param change    the change itself
 */
public record TimedEvent(double atSeconds, long tick, String what, Change change) {

    /** What an event changes. */
    public sealed interface Change permits ChangeReclaim, StartGuest, StopGuest, ChangeWorkload, ResizeGuest {
    }

    /**
     * New reclamation settings for one or more hosts (a {@code set} event).
     *
     * @param hosts each host's whole settings after the event, in canonical host order
     */
    public record ChangeReclaim(Map<String, ReclaimSettings> hosts) implements Change {
        public ChangeReclaim {
            hosts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hosts));
        }
    }

    /** A guest boots (a {@code start} event or the guest's {@code start} time). */
    public record StartGuest(String guest) implements Change {
    }

    /** A guest shuts down; its memory goes back to its host. */
    public record StopGuest(String guest) implements Change {
    }

    /**
     * The hypervisor of {@code host} requests {@code pages} of running guest {@code guest}'s memory
     * hotplug device (a {@code resize} event); the guest's driver plugs or unplugs blocks toward it.
     */
    public record ResizeGuest(String guest, String host, long pages) implements Change {
    }

    /** A running guest switches to another workload. */
    public record ChangeWorkload(String guest, WorkloadSettings workload) implements Change {
    }
}
