package ballast.app.scenario;

import ballast.scheduler.scenario.ClusterPlan;
import ballast.scheduler.migration.HotspotPolicies;
import ballast.scheduler.migration.HotspotSettings;
import ballast.scheduler.migration.MigrationSettings;
import ballast.scheduler.migration.MigrationStrategy;
import ballast.scheduler.placement.Placements;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Reads a scenario's cluster-level blocks into a {@link ClusterPlan}: {@code cluster},
 * {@code placement}, {@code migration}, {@code hotspot}, and the {@code migrate} entries of
 * {@code events} (other kinds of event are read elsewhere: an entry is this reader's only when it
 * has a {@code migrate} block). Problems go to the scenario's {@link Problems}.
 */
final class ClusterScenarioReader {
    static final List<String> ON_NODE_LOSS = List.of("lost", "restart");
    static final List<String> HOTSPOT_STATES = List.of("high", "soft", "hard", "low");
    /** Event kinds read by other readers; an entry with none of these nor migrate is a problem here. */
    static final Set<String> OTHER_EVENT_KINDS = Set.of("set", "start", "stop", "workload");

    private final Problems problems;
    private final Config defaults;

    ClusterScenarioReader(Problems problems, Config defaults) {
        this.problems = problems;
        this.defaults = defaults;
    }

    private Entry.Layer layer(String section) {
        return new Entry.Layer("ballast." + section, defaults.getObject(section), false);
    }

    /** Reads the blocks; returns null when anything was wrong (the problems are reported). */
    /** The run is free-running: a migrate event may move only a guest without a balloon driver. */
    private boolean freeRunning;
    private Collection<String> withDriver = java.util.Set.of();
    private Collection<String> withHotplug = java.util.Set.of();

    ClusterPlan read(Entry top, Collection<String> hosts, Collection<String> guests, Duration tick, boolean freeRunning) {
        return read(top, hosts, guests, tick, freeRunning, java.util.Set.of());
    }

    /**
     * As above; {@code withDriver}: the guests that run a balloon driver, which a free-running run
     * cannot move (a free-running driver's step count does not travel with its guest).
     */
    ClusterPlan read(Entry top, Collection<String> hosts, Collection<String> guests, Duration tick, boolean freeRunning,
                     Collection<String> withDriver) {
        return read(top, hosts, guests, tick, freeRunning, withDriver, java.util.Set.of());
    }

    /**
     * As above; {@code withHotplug}: the guests with a memory hotplug device, which no migrate event
     * may move (a guest's snapshot does not carry the device's plugged blocks).
     */
    ClusterPlan read(Entry top, Collection<String> hosts, Collection<String> guests, Duration tick, boolean freeRunning,
                     Collection<String> withDriver, Collection<String> withHotplug) {
        this.freeRunning = freeRunning;
        this.withDriver = withDriver;
        this.withHotplug = withHotplug;
        int before = problems.reports();
        Entry cluster = top.child("cluster").withFallback(layer("cluster"));
        cluster.checkKeys(defaults.getObject("cluster").keySet());
        String seedNode = cluster.string("seed-node");
        if (seedNode != null && !seedNode.isEmpty() && !seedNode.matches("[^:\\s]+:\\d{1,5}")) {
            cluster.problemAtValue("seed-node", "expected HOST:PORT, such as 127.0.0.1:2551, got " + seedNode);
        }
        Long nodes = cluster.integer("nodes", 0, 10_000);
        Duration join = cluster.positiveDuration("join-timeout");
        String onNodeLoss = cluster.oneOf("on-node-loss", "on-node-loss", ON_NODE_LOSS);

        Entry placement = top.child("placement").withFallback(layer("placement"));
        placement.checkKeys(defaults.getObject("placement").keySet());
        String policy = placement.oneOf("policy", "placement policy", Placements.names());

        MigrationSettings migration = readMigration(top.child("migration").withFallback(layer("migration")), hosts);
        HotspotSettings hotspot = readHotspot(top.child("hotspot").withFallback(layer("hotspot")));
        List<ClusterPlan.MigrateEvent> events = readEvents(top, hosts, guests);
        if (problems.reports() != before || migration == null || hotspot == null) {
            return null;
        }
        return new ClusterPlan(seedNode, nodes.intValue(), Entry.seconds(join), onNodeLoss, policy, migration,
                hotspot, events);
    }

    private MigrationSettings readMigration(Entry m, Collection<String> hosts) {
        int before = problems.reports();
        m.checkKeys(defaults.getObject("migration").keySet());
        Long bandwidth = m.bytes("bandwidth", true);
        Long maxRounds = m.integer("max-rounds", 1, 10_000);
        Double factor = m.number("max-sent-factor", 1, 1000);
        Long stopDirty = m.integer("stop-dirty-pages", 0, Integer.MAX_VALUE);
        Long batch = m.integer("batch-pages", 1, 1 << 20);
        Long window = m.integer("window", 1, 1024);
        String strategy = m.oneOf("strategy", "migration strategy", MigrationStrategy.names());
        Long hybridRounds = m.integer("hybrid-rounds", 1, 10_000);
        Long prepage = m.integer("prepage-window", 0, 1 << 20);
        Duration latency = m.duration("link-latency");
        Double converge = m.number("auto-converge", 0, 1);
        List<MigrationSettings.Link> links = new ArrayList<>();
        Entry.Found found = m.find("links");
        if (found != null && !(found.value() instanceof ConfigList)) {
            m.problemAtValue("links", "expected a list such as [ { between = [host-a, host-b], bandwidth = 100MiB } ]");
        } else if (found != null) {
            ConfigList list = (ConfigList) found.value();
            for (int i = 0; i < list.size(); i++) {
                String path = found.path() + "[" + i + "]";
                ConfigValue item = list.get(i);
                if (!(item instanceof ConfigObject object)) {
                    problems.at(item.origin(), path, "expected { between = [host-a, host-b], bandwidth = 100MiB }");
                    continue;
                }
                Entry link = Entry.of(problems, path, object);
                link.checkKeys(List.of("between", "bandwidth"));
                Long bw = link.bytes("bandwidth", true);
                Entry.Found between = link.find("between");
                List<String> ends = new ArrayList<>();
                if (between == null || !(between.value() instanceof ConfigList pair) || pair.size() != 2
                        || pair.get(0).valueType() != ConfigValueType.STRING || pair.get(1).valueType() != ConfigValueType.STRING) {
                    link.problem("between", "expected two host names, such as between = [host-a, host-b]");
                } else {
                    for (ConfigValue v : pair) {
                        String host = (String) v.unwrapped();
                        if (!hosts.contains(host)) {
                            problems.at(v.origin(), between.path(), "no host named " + host);
                        }
                        ends.add(host);
                    }
                }
                if (bw != null && ends.size() == 2) {
                    links.add(new MigrationSettings.Link(ends.get(0), ends.get(1), bw));
                }
            }
        }
        if (problems.reports() != before || bandwidth == null || maxRounds == null || factor == null || stopDirty == null
                || batch == null || window == null || strategy == null || hybridRounds == null || prepage == null
                || latency == null || converge == null) {
            return null;
        }
        return new MigrationSettings(bandwidth, links, maxRounds.intValue(), factor, stopDirty.intValue(),
                batch.intValue(), window.intValue(), MigrationStrategy.named(strategy), hybridRounds.intValue(),
                prepage.intValue(), Entry.seconds(latency), converge);
    }

    private HotspotSettings readHotspot(Entry h) {
        int before = problems.reports();
        h.checkKeys(defaults.getObject("hotspot").keySet());
        Boolean enabled = h.bool("enabled");
        Duration after = h.duration("after");
        String policy = h.oneOf("policy", "hotspot policy", HotspotPolicies.names());
        List<String> states = new ArrayList<>();
        Entry.Found found = h.find("states");
        if (!(found.value() instanceof ConfigList list) || list.isEmpty()) {
            h.problemAtValue("states", "expected a list of free-memory states, such as [hard, low]");
        } else {
            for (ConfigValue v : list) {
                Object s = v.unwrapped();
                if (!(s instanceof String) || !HOTSPOT_STATES.contains(s)) {
                    problems.at(v.origin(), found.path(), "not a free-memory state: " + Entry.show(v) + "; allowed: "
                            + String.join(", ", HOTSPOT_STATES));
                } else {
                    states.add((String) s);
                }
            }
        }
        if (problems.reports() != before || enabled == null || after == null || policy == null) {
            return null;
        }
        return new HotspotSettings(enabled, states, Entry.seconds(after), policy);
    }

    private List<ClusterPlan.MigrateEvent> readEvents(Entry top, Collection<String> hosts, Collection<String> guests) {
        List<ClusterPlan.MigrateEvent> events = new ArrayList<>();
        Entry.Found found = top.find("events");
        if (found == null) {
            return events;
        }
        if (!(found.value() instanceof ConfigList list)) {
            return events; // EventReader reports it
        }
        for (int i = 0; i < list.size(); i++) {
            String path = found.path() + "[" + i + "]";
            ConfigValue item = list.get(i);
            if (!(item instanceof ConfigObject object) || !object.containsKey("migrate")) {
                continue; // EventReader reads (and reports) the other events
            }
            List<String> others = new ArrayList<>();
            for (String kind : List.of("set", "start", "stop", "workload")) {
                if (object.containsKey(kind)) {
                    others.add(kind);
                }
            }
            if (!others.isEmpty()) {
                problems.at(item.origin(), path, "an event does one thing, but this one has migrate and "
                        + String.join(" and ", others) + ": write one event for each");
                continue;
            }
            Entry event = Entry.of(problems, path, object);
            List<String> keys = new ArrayList<>(OTHER_EVENT_KINDS);
            keys.addAll(List.of("at", "migrate"));
            event.checkKeys(keys);
            Duration at = event.has("at") ? event.duration("at") : null;
            if (!event.has("at")) {
                event.problem("at", "missing: when the event happens, such as at = 5s");
            }
            Entry migrate = event.child("migrate");
            migrate.checkKeys(List.of("guest", "to", "strategy"));
            String guest = migrate.string("guest");
            String strategy = migrate.has("strategy")
                    ? migrate.oneOf("strategy", "migration strategy", MigrationStrategy.names()) : "";
            String to = migrate.has("to") ? migrate.string("to") : "";
            if (!migrate.has("guest")) {
                migrate.problem("guest", "missing: the guest to move");
            } else if (guest != null && !guests.contains(guest)) {
                migrate.problemAtValue("guest", "no guest named " + guest + Names.didYouMean(guest, guests));
            }
            if (to != null && !to.isEmpty() && !hosts.contains(to)) {
                migrate.problemAtValue("to", "no host named " + to + Names.didYouMean(to, hosts));
            }
            if (guest != null && withHotplug.contains(guest)) {
                migrate.problemAtValue("guest", guest + " has a memory hotplug device (guests." + guest
                        + ".hotplug.enabled = on), which live migration does not carry: its plugged blocks would be lost");
            } else if (freeRunning && guest != null && withDriver.contains(guest)) {
                migrate.problemAtValue("guest", "a free-running run moves only a guest without a balloon driver"
                        + " (guests." + guest + ".balloon.enabled = off): a free-running driver's steps do not travel"
                        + " with its guest");
            } else if (freeRunning && strategy != null && !strategy.isEmpty() && !"pre-copy".equals(strategy)) {
                migrate.problemAtValue("strategy", "a free-running run moves guests by pre-copy only, got " + strategy);
            } else if (at != null && guest != null && to != null && strategy != null) {
                events.add(new ClusterPlan.MigrateEvent(Entry.seconds(at), guest, to, strategy));
            }
        }
        events.sort((a, b) -> Double.compare(a.atSeconds(), b.atSeconds()));
        return events;
    }
}
