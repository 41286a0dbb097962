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
     * A scenario played once per point of a sweep ({@code sweep { vary, combine, seeds }}): the
     * points are the values of one or more settings, crossed (every combination) or zipped (the
     * i-th value of each), and each point is played once per seed.
     *
     * @param paths   the HOCON paths of the settings swept, e.g. {@code guests.linux.count}, in order
     * @param zipped  true when the i-th values of the paths go together, false for their cross product
     * @param seeds   runs per point, with the seeds scenario.seed, scenario.seed + 1, ...
     * @param figures the figures the sweep report draws against the swept values (empty: its choice)
     * @param points  one per combination of values, in order
     */
    public record Sweep(List<String> paths, boolean zipped, int seeds, List<String> figures, List<Point> points) {
        public Sweep {
            paths = List.copyOf(paths);
            figures = List.copyOf(figures);
            points = List.copyOf(points);
        }

        /** A sweep of one path, one seed per value. */
        public Sweep(String path, List<Point> points) {
            this(List.of(path), false, 1, List.of(), points);
        }

        /** The swept paths as one name: {@code a} or {@code a x b} (crossed) or {@code a + b} (zipped). */
        public String path() {
            return String.join(zipped ? " + " : " x ", paths);
        }
    }

    /**
     * One point of a sweep.
     *
     * @param label  the values as a user would write them: {@code 4} for one path,
     *               {@code count=4 memory=64MiB} for several (names its output directory)
     * @param values the value of each swept path, as written, in the order of {@link Sweep#paths()}
     * @param runs   the scenario with the values in place (no sweep of its own), once per seed
     */
    public record Point(String label, List<String> values, List<Scenario> runs) {
        public Point {
            values = List.copyOf(values);
            runs = List.copyOf(runs);
        }

        /** A point of a one-path sweep, played with one seed. */
        public Point(String label, Scenario scenario) {
            this(label, List.of(label), List.of(scenario));
        }

        /** The point's scenario with the first seed. */
        public Scenario scenario() {
            return runs.get(0);
        }
    }
}
