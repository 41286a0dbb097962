package ballast.scheduler.cluster;

import ballast.host.node.NodeAgent;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.control.GuestStats;
import ballast.scheduler.run.RunControl;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioLoader;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * on-node-loss = restart, in one JVM with two node agents: one agent (a node) goes away mid-run;
 * the run goes on without its host, whose guests boot afresh on the others, and ends failed with
 * a report that says so.
 */
class NodeLossRestartTest {

    @Test
    void theGuestsOfALostNodeBootAfreshElsewhereAndTheRunSaysSo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("restart.conf");
        Files.writeString(file, """
                scenario { duration = 100s, tick = 100ms, seed = 5, sample-every = 10s }
                cluster.on-node-loss = restart
                placement.policy = spread
                hosts { host-a { memory = 256MiB }, host-b { memory = 256MiB }, host-c { memory = 512MiB } }
                guest-templates { vm { memory = 32MiB, workload { type = hot-cold, working-set = 2MiB, accesses-per-second = 2000 } } }
                guests {
                  a { template = vm, host = host-a }
                  b { template = vm, host = host-b, count = 2 }
                  c { template = vm, host = host-c, mode = para }
                }
                """);
        Scenario scenario = ScenarioLoader.load(file, List.of(), null);
        CompletableFuture<RunResult> result = new CompletableFuture<>();
        RunControl control = new RunControl();
        CompletableFuture<ActorRef<NodeAgent.Command>> second = new CompletableFuture<>();
        ActorSystem<String> system = ActorSystem.create(Behaviors.<String>setup(context -> {
            ActorRef<NodeAgent.Command> one = context.spawn(NodeAgent.create("node-1"), "node-1");
            ActorRef<NodeAgent.Command> two = context.spawn(NodeAgent.create("node-2"), "node-2");
            second.complete(two);
            RunManager.Settings settings = new RunManager.Settings(1, false, Duration.ofSeconds(30), false, Map.of(),
                    control);
            context.spawn(RunManager.create(scenario, settings, List.of(new RunManager.Agent("node-1", one, 0),
                    new RunManager.Agent("node-2", two, 0)), result), "scheduler");
            return Behaviors.receiveMessage(msg -> {
                context.stop(two); // its node goes, with host-b and its guests
                return Behaviors.same();
            });
        }), "restart-test", ConfigFactory.parseString("pekko.actor.serialize-messages = on")
                .withFallback(ConfigFactory.load()));
        try {
            second.get(10, TimeUnit.SECONDS);
            while (control.ticksDone() < 10) {
                Thread.sleep(10);
            }
            system.tell("lose node-2"); // long before the 1000th tick: the run goes on for seconds after it
            RunResult r = result.get(60, TimeUnit.SECONDS);
            assertThat(r.ticksPlayed()).isEqualTo(1000);
            assertThat(r.failure()).contains("node node-2 was lost").contains("host-b")
                    .contains("b-1 on host-c").contains("b-2 on host-c");
            assertThat(r.violations()).isEmpty();
            assertThat(r.faults()).extracting(RunResult.Fault::guest).containsExactlyInAnyOrder("b-1", "b-2");
            assertThat(r.faults()).allSatisfy(f -> assertThat(f.handling()).isEqualTo("restarted from a fresh boot on host-c"));
            assertThat(r.guestHosts()).containsEntry("b-1", "host-c").containsEntry("b-2", "host-c")
                    .containsEntry("a", "host-a");
            assertThat(r.guests()).extracting(GuestStats::name).containsExactlyInAnyOrder("a", "b-1", "b-2", "c");
            for (GuestStats g : r.guests()) {
                assertThat(g.readMismatches()).isZero();
                assertThat(g.readsVerified()).as(g.name()).isPositive();
            }
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
