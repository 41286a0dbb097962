package ballast.scheduler.run;

import ballast.host.node.NodeAgent;
import ballast.scheduler.cluster.RunManager;
import ballast.scheduler.scenario.Scenario;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The root of a one-JVM run: one {@link NodeAgent} that runs every host and guest, and the
 * {@link RunManager} that assigns it the hosts, starts the clock and plays the tick boundaries
 * (live migrations) exactly as it does over a cluster of host-node processes.
 */
final class Guardian {
    private Guardian() {
    }

    static Behavior<Void> create(Scenario scenario, Simulation.Options options, CompletableFuture<RunResult> result,
                                 RunControl control) {
        return Behaviors.setup(context -> {
            var agent = context.spawn(NodeAgent.create("local"), "node");
            RunManager.Settings settings = new RunManager.Settings(1, options.checkEveryTick(), options.barrierTimeout(),
                    options.onGuestFailure() == Simulation.OnGuestFailure.RESTART,
                    options.injectedCrashes(), control);
            context.spawn(RunManager.create(scenario, settings, List.of(new RunManager.Agent("local", agent, 0)), result),
                    "scheduler");
            return Behaviors.empty();
        });
    }
}
