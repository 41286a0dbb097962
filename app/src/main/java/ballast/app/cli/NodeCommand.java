package ballast.app.cli;

import ballast.scheduler.cluster.ClusterNodes;
import ballast.host.node.HostNode;
import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ballast node}: a host-node process. It joins the Pekko cluster of the seed node and waits
 * for a scheduler ({@code ballast run SCENARIO --cluster SEED}) to give it hosts to run, with their
 * guests; it serves run after run until stopped (Ctrl-C leaves the cluster cleanly).
 */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Run a host-node process: join the cluster of --seed-node and run the hosts (and their guests) "
                + "a scheduler assigns to it. Runs until stopped.")
final class NodeCommand implements Callable<Integer> {
    @Option(names = "--port", required = true, paramLabel = "P", description = "Artery TCP port of this node.")
    int port;

    @Option(names = "--seed-node", paramLabel = "HOST:PORT",
            description = "A node of the cluster to join (default: this node, which then starts the cluster).")
    String seedNode;

    @Option(names = "--hosts", paramLabel = "N", defaultValue = "0",
            description = "Hosts this node runs at most (default: no limit).")
    int hosts;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to bind and be reached at (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--plugin", paramLabel = "JAR",
            description = "A policy jar the scenarios run on this node use (repeatable; see docs/extending.md).")
    java.util.List<java.nio.file.Path> plugins = new java.util.ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (port < 1 || port > 65535 || hosts < 0) {
            err.println("ballast node: --port must be 1..65535 and --hosts not negative");
            return Main.BAD_INPUT;
        }
        String seed = seedNode != null ? seedNode : bind + ":" + port;
        if (!seed.matches("[^:\\s]+:\\d{1,5}")) {
            err.println("ballast node: --seed-node must be HOST:PORT, got " + seed);
            return Main.BAD_INPUT;
        }
        String portProblem = PortCheck.problem("--port", bind, port);
        if (portProblem != null) {
            err.println("ballast node: " + portProblem);
            return Main.BAD_INPUT;
        }
        try {
            Plugins.load(plugins);
        } catch (ballast.app.scenario.ScenarioException e) {
            return ScenarioOptions.badInput(e, err);
        }
        ActorSystem<Void> system = ActorSystem.create(HostNode.create(hosts), ClusterNodes.SYSTEM,
                ClusterNodes.config(bind, port, seed, ClusterNodes.HOST_NODE_ROLE).withFallback(ConfigFactory.load()));
        out.println("ballast node: " + ClusterNodes.seedAddress(bind + ":" + port) + " joining "
                + ClusterNodes.seedAddress(seed) + (hosts > 0 ? ", up to " + hosts + " hosts" : "") + "; Ctrl-C to stop");
        out.flush();
        system.getWhenTerminated().toCompletableFuture().get();
        return Main.OK;
    }
}
