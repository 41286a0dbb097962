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

    private ClusterNodes() {
    }

    /** The seed node's address for a {@code HOST:PORT}. */
    public static String seedAddress(String hostPort) {
        return "pekko://" + SYSTEM + "@" + hostPort;
    }

    public static Config config(String bind, int port, String seedHostPort, String role) {
        return ConfigFactory.empty()
                .withValue("pekko.actor.provider", ConfigValueFactory.fromAnyRef("cluster"))
                .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tcp"))
                .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(bind))
                .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
                .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(List.of(seedAddress(seedHostPort))))
                .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(List.of(role)));
    }
}
