package ballast.scheduler.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** A node's settings win over whatever reference.conf says, in whatever order the jars merged them. */
class ClusterNodesTest {
    @Test
    void arteryFramesTakeAMigratingGuestsStateWhateverTheReferenceOrder() {
        // the launcher's single jar: Pekko's reference.conf after ours, so its 256 KiB would win
        Config merged = ConfigFactory.parseString("pekko.remote.artery.advanced.maximum-frame-size = 256 KiB\n"
                + "pekko.remote.artery.advanced.buffer-pool-size = 128");
        Config node = ClusterNodes.config("127.0.0.1", 2551, "127.0.0.1:2551", ClusterNodes.HOST_NODE_ROLE)
                .withFallback(merged).resolve();
        assertThat(node.getBytes("pekko.remote.artery.advanced.maximum-frame-size")).isEqualTo(16L << 20);
        assertThat(node.getInt("pekko.remote.artery.advanced.buffer-pool-size")).isEqualTo(16);
        assertThat(node.getString("pekko.remote.artery.canonical.hostname")).isEqualTo("127.0.0.1");
    }
}
