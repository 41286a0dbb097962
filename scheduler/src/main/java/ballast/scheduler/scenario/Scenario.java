package ballast.scheduler.scenario;

import ballast.guest.GuestSettings;
import ballast.host.HostSettings;
import java.util.List;

/**
 * A validated scenario, ready to run: every value typed, defaults applied, guests expanded
 * ({@code count = N}) and placed, everything in canonical order (hosts and guests sorted by name,
 * naturally: web-2 before web-10).
 *
 * @param name            scenario.name, or the file's base name
 * @param source          the file it was read from (or "embedded:quickstart.conf")
 * @param seed            scenario.seed after any --seed
 * @param durationSeconds simulated seconds to play
 * @param tickSeconds     simulated seconds per tick
 * @param ticks           ticks to play: floor(duration / tick)
 * @param mode            "deterministic" or "free-running"
 * @param sampleEveryTicks ticks between two time-series samples (>= 1)
 * @param hosts           every host, each listing its guests (index = position on the host)
 * @param guests          every guest, in canonical order
 * @param rendered        the scenario as run (merged with defaults and overrides), as HOCON text
 * @param sweep           the scenario's sweep (each value's own scenario, validated), or null
 * @param events          what changes between ticks (the {@code events} list and guests' {@code start}
 *                        times), in the order the clock applies them
 * @param cluster         where the hosts run, how guests are placed and migrated, migrate events
 */
public record Scenario(String name, String source, long seed, double durationSeconds, double tickSeconds,
                       long ticks, String mode, long sampleEveryTicks, List<HostSettings> hosts,
                       List<GuestSettings> guests, String rendered, Sweep sweep, List<TimedEvent> events,
                       ClusterPlan cluster) {

    public Scenario {
        events = events == null ? List.of() : List.copyOf(events);
        if (cluster == null) {
            cluster = ClusterPlan.DEFAULTS;
        }
    }

    /** A scenario without timed events, with the default cluster, placement and migration settings. */
    public Scenario(String name, String source, long seed, double durationSeconds, double tickSeconds,
                    long ticks, String mode, long sampleEveryTicks, List<HostSettings> hosts,
                    List<GuestSettings> guests, String rendered, Sweep sweep) {
        this(name, source, seed, durationSeconds, tickSeconds, ticks, mode, sampleEveryTicks, hosts, guests, rendered,
                sweep, List.of(), ClusterPlan.DEFAULTS);
    }

    /** A scenario with timed events and the default cluster, placement and migration settings. */
    public Scenario(String name, String source, long seed, double durationSeconds, double tickSeconds,
                    long ticks, String mode, long sampleEveryTicks, List<HostSettings> hosts,
                    List<GuestSettings> guests, String rendered, Sweep sweep, List<TimedEvent> events) {
        this(name, source, seed, durationSeconds, tickSeconds, ticks, mode, sampleEveryTicks, hosts, guests, rendered,
                sweep, events, ClusterPlan.DEFAULTS);
    }
    public static final String DETERMINISTIC = "deterministic";
    public static final String FREE_RUNNING = "free-running";

    /** This scenario with {@code sweep}. */
    public Scenario withSweep(Sweep sweep) {
        return new Scenario(name, source, seed, durationSeconds, tickSeconds, ticks, mode, sampleEveryTicks, hosts,
                guests, rendered, sweep, events, cluster);
    }

    /**
     * The guests that do not boot with the run: those whose first start or stop is a start (a
     * {@code start} time, or a start event), in canonical order.
     */
    public List<String> startingLater() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        java.util.Set<String> later = new java.util.HashSet<>();
        for (TimedEvent e : events) {
            String guest = e.change() instanceof TimedEvent.StartGuest s ? s.guest()
                    : e.change() instanceof TimedEvent.StopGuest s ? s.guest() : null;
            if (guest != null && seen.add(guest) && e.change() instanceof TimedEvent.StartGuest) {
                later.add(guest);
            }
        }
        List<String> out = new java.util.ArrayList<>();
        for (GuestSettings g : guests) {
            if (later.contains(g.name())) {
                out.add(g.name());
            }
        }
        return out;
    }

    /**
     * A scenario played once per value of one setting ({@code sweep { path, values }}).
     *
     * @param path   the HOCON path of the setting, e.g. {@code guests.linux.count}
     * @param points one per value, in order
     */
    public record Sweep(String path, List<Point> points) {
    }

    /**
     * One value of a sweep.
     *
     * @param label    the value as a user would write it (names its output directory)
     * @param scenario the scenario with the value in place (no sweep of its own)
     */
    public record Point(String label, Scenario scenario) {
    }
}
