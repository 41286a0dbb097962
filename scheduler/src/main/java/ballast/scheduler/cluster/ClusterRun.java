package ballast.scheduler.cluster;

import ballast.host.node.NodeAgent;
import ballast.scheduler.run.RunControl;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.RunSystem;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Scenario;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * Plays a scenario over a Pekko cluster: joins it as the scheduler node (Artery on 127.0.0.1, an
 * ephemeral port unless given), finds the host-node agents through the receptionist, waits for
 * the number the scenario asks for (or for whatever joined within the join timeout), and hands
 * them to a {@link RunManager}, which assigns the hosts and plays the run as in one JVM.
 */
public final class ClusterRun {
    private ClusterRun() {
    }

    /** Runs {@code scenario} on the cluster its {@code cluster.seed-node} names. */
    public static RunResult run(Scenario scenario, Simulation.Options options, RunControl control, String bind, int port)
            throws InterruptedException {
        CompletableFuture<RunResult> result = new CompletableFuture<>();
        // Leaving is quick: a host-node process that died must not hold the scheduler's shutdown for long.
        // No JVM shutdown hooks: on Ctrl-C remoting must stay up until the clock has played the last
        // tick and collected every host's final audit (Artery's own hook would cut the nodes off at
        // once, and every node would look lost); the run terminates the system itself.
        Config config = ConfigFactory.parseString("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off\n"
                        + "pekko.jvm-shutdown-hooks = off\n"
                        + "pekko.coordinated-shutdown.phases.cluster-leave.timeout = 3s\n"
                        + "pekko.coordinated-shutdown.phases.cluster-exiting.timeout = 3s\n"
                        + "pekko.coordinated-shutdown.phases.cluster-exiting-done.timeout = 3s")
                .withFallback(ClusterNodes.config(bind, port, scenario.cluster().seedNode(), ClusterNodes.SCHEDULER_ROLE))
                .withFallback(options.actorConfig()).withFallback(ConfigFactory.load());
        return RunSystem.play(Discovery.create(scenario, options, control, result), ClusterNodes.SYSTEM, config, result,
                Duration.ofSeconds(10), "cluster run");
    }

    /** Waits for the node agents, learns their capacity, then starts the run manager. */
    static final class Discovery extends AbstractBehavior<Discovery.Command> {

        /** Only its own wrappers and timers. */
        sealed interface Command extends org.apache.pekko.actor.NoSerializationVerificationNeeded {
        }

        private record Listed(Receptionist.Listing listing) implements Command {
        }

        private record Introduced(NodeAgent.Info info) implements Command {
        }

        private record JoinTimeout() implements Command {
        }

        private record Settled() implements Command {
        }

        /** Looks whether a stop (Ctrl-C) was asked for while waiting for the nodes. */
        private record CheckStop() implements Command {
        }

        static final Duration STOP_POLL = Duration.ofMillis(200);

        static final Duration SETTLE = Duration.ofSeconds(2);

        private final Scenario scenario;
        private final Simulation.Options options;
        private final RunControl control;
        private final CompletableFuture<RunResult> result;
        private final TimerScheduler<Command> timers;
        private final ActorRef<NodeAgent.Info> infoAdapter;
        private final Map<String, NodeAgent.Info> infos = new HashMap<>();
        private boolean started;

        static Behavior<Command> create(Scenario scenario, Simulation.Options options, RunControl control,
                                        CompletableFuture<RunResult> result) {
            return Behaviors.setup(context -> Behaviors.withTimers(timers ->
                    new Discovery(context, timers, scenario, options, control, result)));
        }

        private Discovery(ActorContext<Command> context, TimerScheduler<Command> timers, Scenario scenario,
                          Simulation.Options options, RunControl control, CompletableFuture<RunResult> result) {
            super(context);
            this.scenario = scenario;
            this.options = options;
            this.control = control;
            this.result = result;
            this.timers = timers;
            this.infoAdapter = context.messageAdapter(NodeAgent.Info.class, Introduced::new);
            ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class, Listed::new);
            context.getSystem().receptionist().tell(Receptionist.subscribe(NodeAgent.KEY, listings));
            timers.startSingleTimer(new JoinTimeout(), Duration.ofMillis((long) (scenario.cluster().joinSeconds() * 1000)));
            timers.startTimerWithFixedDelay("stop", new CheckStop(), STOP_POLL);
        }

        @Override
        public Receive<Command> createReceive() {
            return newReceiveBuilder()
                    .onMessage(Listed.class, this::onListing)
                    .onMessage(Introduced.class, this::onInfo)
                    .onMessage(JoinTimeout.class, t -> onTimeout())
                    .onMessage(Settled.class, t -> onSettled())
                    .onMessage(CheckStop.class, t -> onCheckStop())
                    .build();
        }

        private Behavior<Command> onListing(Listed listed) {
            for (ActorRef<NodeAgent.Command> agent : listed.listing().getServiceInstances(NodeAgent.KEY)) {
                agent.tell(new NodeAgent.Hello(infoAdapter));
            }
            return this;
        }

        private Behavior<Command> onInfo(Introduced introduced) {
            NodeAgent.Info info = introduced.info();
            infos.put(info.node(), info);
            int wanted = scenario.cluster().nodes();
            if (!started && wanted > 0 && infos.size() >= wanted) {
                start();
            } else if (!started && wanted == 0) {
                // any number will do: start once no other node has shown up for a while
                timers.startSingleTimer("settle", new Settled(), SETTLE);
            }
            return this;
        }

        private Behavior<Command> onSettled() {
            if (!started) {
                start();
            }
            return this;
        }

        private Behavior<Command> onCheckStop() {
            if (started || !control.stopRequested()) {
                return this;
            }
            control.finish();
            result.complete(new RunResult(0, List.of(), List.of(), List.of(), List.of(), 0, List.of(),
                    "interrupted while waiting for host-node processes to join the cluster of "
                            + scenario.cluster().seedNode() + " (" + infos.size() + " joined)", true, 0, List.of()));
            return Behaviors.stopped();
        }

        private Behavior<Command> onTimeout() {
            if (started) {
                return this;
            }
            int wanted = scenario.cluster().nodes();
            if (infos.isEmpty() || wanted > 0 && infos.size() < wanted) {
                result.complete(new RunResult(0, List.of(), List.of(), List.of(), List.of(), 0, List.of(),
                        "only " + infos.size() + " host-node process(es) joined the cluster of "
                                + scenario.cluster().seedNode() + " within " + scenario.cluster().joinSeconds()
                                + " s, " + (wanted > 0 ? wanted : 1) + " wanted", false, 0, List.of()));
                return Behaviors.stopped();
            }
            start();
            return this;
        }

        private void start() {
            started = true;
            timers.cancelAll();
            List<NodeAgent.Info> nodes = new ArrayList<>(infos.values());
            nodes.sort(Comparator.comparing(NodeAgent.Info::node));
            int wanted = scenario.cluster().nodes();
            if (wanted > 0 && nodes.size() > wanted) {
                nodes = nodes.subList(0, wanted);
            }
            List<RunManager.Agent> agents = new ArrayList<>();
            for (NodeAgent.Info i : nodes) {
                agents.add(new RunManager.Agent(i.node(), i.agent(), i.capacity()));
            }
            RunManager.Settings settings = new RunManager.Settings(System.nanoTime(), options.checkEveryTick(),
                    options.barrierTimeout(), options.onGuestFailure() == Simulation.OnGuestFailure.RESTART,
                    options.injectedCrashes(), control);
            getContext().spawn(RunManager.create(scenario, settings, agents, result), "scheduler");
        }
    }
}
