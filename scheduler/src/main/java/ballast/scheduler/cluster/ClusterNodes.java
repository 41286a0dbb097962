package ballast.scheduler.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;

/**
 * The actor-system configuration of a cluster member: the cluster provider, Artery TCP on
 * {@code bind}:{@code port} (127.0.0.1 unless told otherwise), the seed node, a role. Every member
 * uses the same system name, {@link #SYSTEM}. The split brain resolver and its timing come from
 * the library defaults (scheduler's reference.conf) and may be changed in conf/application.conf.
 */
public final class ClusterNodes {
    public static final String SYSTEM = "ballast";
    public static final String HOST_NODE_ROLE = "host-node";
    public static final String SCHEDULER_ROLE = "scheduler";

    /** Artery's largest message. */
    public static final String MAX_FRAME = "16MiB";

    private ClusterNodes() {
    }

    /** The seed node's address for a {@code HOST:PORT}. */
    public static String seedAddress(String hostPort) {
        return "pekko://" + SYSTEM + "@" + hostPort;
    }

    /**
     * A node's cluster settings. Artery's frame size is set here rather than in reference.conf: in
     * the launcher's jar every module's reference.conf is one file, and Pekko's own (256 KiB)
     * comes after ours, so it would win. A migrating guest's state and page tables travel in one
     * message each (see {@code GuestVmSnapshot}).
     */
    public static Config config(String bind, int port, String seedHostPort, String role) {
        return ConfigFactory.empty()
                .withValue("pekko.remote.artery.advanced.maximum-frame-size", ConfigValueFactory.fromAnyRef(MAX_FRAME))
                .withValue("pekko.remote.artery.advanced.buffer-pool-size", ConfigValueFactory.fromAnyRef(16))
                .withValue("pekko.actor.provider", ConfigValueFactory.fromAnyRef("cluster"))
                .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tcp"))
                .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(bind))
                .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
                .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(List.of(seedAddress(seedHostPort))))
                .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(List.of(role)));
    }
}
