package ballast.scheduler.scenario;

import ballast.scheduler.migration.HotspotSettings;
import ballast.scheduler.migration.MigrationSettings;
import java.util.List;

/**
 * The scenario's cluster-level settings: where its hosts run ({@code cluster}), how guests without
 * a host are placed ({@code placement}), how live migrations run ({@code migration}), when a host
 * under pressure sheds a guest ({@code hotspot}), and the {@code migrate} events.
 *
 * @param seedNode   HOST:PORT of a cluster seed node to run on, or empty for one JVM
 * @param nodes      host-node processes to wait for before the run starts (0: any that joined)
 * @param joinSeconds wall seconds to wait for them
 * @param onNodeLoss what happens to the guests of a node process that dies: {@code lost} or {@code restart}
 * @param placement  the placement policy's name
 * @param migration  pre-copy settings
 * @param hotspot    the hotspot trigger
 * @param events     migrate events, in time order
 * @param autoSwapHosts hosts whose {@code swap} is {@code auto}: their swap grows by an arriving
 *                   guest's max - min (ESX makes a swap file for a VM that arrives)
 */
public record ClusterPlan(String seedNode, int nodes, double joinSeconds, String onNodeLoss, String placement,
                          MigrationSettings migration, HotspotSettings hotspot, List<MigrateEvent> events,
                          java.util.Set<String> autoSwapHosts) {
    public static final ClusterPlan DEFAULTS = new ClusterPlan("", 0, 60, "lost", "first-fit",
            MigrationSettings.DEFAULTS, HotspotSettings.DISABLED, List.of());

    public ClusterPlan {
        events = List.copyOf(events);
        autoSwapHosts = autoSwapHosts == null ? java.util.Set.of() : java.util.Set.copyOf(autoSwapHosts);
    }

    public ClusterPlan(String seedNode, int nodes, double joinSeconds, String onNodeLoss, String placement,
                       MigrationSettings migration, HotspotSettings hotspot, List<MigrateEvent> events) {
        this(seedNode, nodes, joinSeconds, onNodeLoss, placement, migration, hotspot, events, java.util.Set.of());
    }

    /** This plan with the hosts whose swap is {@code auto}. */
    public ClusterPlan withAutoSwap(java.util.Set<String> hosts) {
        return new ClusterPlan(seedNode, nodes, joinSeconds, onNodeLoss, placement, migration, hotspot, events, hosts);
    }

    /** Whether the scenario runs on a cluster of host-node processes. */
    public boolean clustered() {
        return !seedNode.isEmpty();
    }

    /** This plan on the cluster of seed node {@code seedNode}. */
    public ClusterPlan onCluster(String seedNode, int nodes) {
        return new ClusterPlan(seedNode, nodes, joinSeconds, onNodeLoss, placement, migration, hotspot, events,
                autoSwapHosts);
    }

    /**
     * Move guest {@code guest} at simulated second {@code atSeconds} (at the first tick boundary at or
     * after it) to host {@code to}, or, when {@code to} is empty, to the host the placement policy picks,
     * with {@code strategy} ({@code pre-copy}, {@code post-copy}, {@code hybrid}, {@code auto}; empty:
     * the scenario's {@code migration.strategy}).
     */
    public record MigrateEvent(double atSeconds, String guest, String to, String strategy) {
        public MigrateEvent {
            strategy = strategy == null ? "" : strategy;
        }

        /** With the scenario's default strategy. */
        public MigrateEvent(double atSeconds, String guest, String to) {
            this(atSeconds, guest, to, "");
        }
    }
}
