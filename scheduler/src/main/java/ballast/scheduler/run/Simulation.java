package ballast.scheduler.run;

import ballast.guest.GuestSettings;
import ballast.guest.GuestVm;
import ballast.host.HostSettings;
import ballast.host.Hypervisor;
import ballast.host.abi.GuestCall;
import ballast.scheduler.clock.Clock;
import ballast.scheduler.scenario.Scenario;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Plays a scenario in one JVM: an actor system whose guardian starts one {@link Hypervisor} per
 * host, one {@link GuestVm} per guest (next to its host) and the {@link Clock}, then waits for
 * the clock's result and shuts everything down.
 */
public final class Simulation {

    /**
     * How to run.
     *
     * @param checkEveryTick audit every guest and check every invariant after every tick
     * @param barrierTimeout how long (wall time) the clock waits for a host's tick report
     * @param actorConfig    overrides for the actor system's config (e.g. serialize-messages), may be empty
     */
    public record Options(boolean checkEveryTick, Duration barrierTimeout, Config actorConfig) {
        public static Options defaults() {
            return new Options(false, Duration.ofSeconds(120), ConfigFactory.empty());
        }
    }

    private Simulation() {
    }

    /**
     * Settings the run depends on whatever the user's config says: Pekko must not terminate the actor
     * system on its own when the JVM shuts down (Ctrl-C), because the clock still has to play the last
     * tick and hand over its result; {@link #run} terminates the system itself.
     */
    private static final Config REQUIRED = ConfigFactory.parseString(
            "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off");

    public static RunResult run(Scenario scenario, Options options) throws InterruptedException {
        return run(scenario, options, new RunControl());
    }

    /** Runs the scenario, reporting progress to and taking stop requests from {@code control}. */
    public static RunResult run(Scenario scenario, Options options, RunControl control) throws InterruptedException {
        CompletableFuture<RunResult> result = new CompletableFuture<>();
        Config config = REQUIRED.withFallback(options.actorConfig()).withFallback(ConfigFactory.load());
        ActorSystem<Void> system = ActorSystem.create(guardian(scenario, options, result, control), "ballast", config);
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("simulation failed: " + e.getCause(), e.getCause());
        } finally {
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // the result is already in hand; a slow shutdown changes nothing
            }
        }
    }

    static Behavior<Void> guardian(Scenario scenario, Options options, CompletableFuture<RunResult> result,
                                   RunControl control) {
        return Behaviors.setup(context -> {
            Map<String, ActorRef<Hypervisor.Command>> hosts = new LinkedHashMap<>();
            List<String> hostNames = new ArrayList<>();
            for (HostSettings host : scenario.hosts()) {
                hosts.put(host.name(), context.spawn(Hypervisor.create(host), "host-" + actorName(host.name())));
                hostNames.add(host.name());
            }
            Map<String, HostSettings> byName = new LinkedHashMap<>();
            scenario.hosts().forEach(h -> byName.put(h.name(), h));
            for (GuestSettings guest : scenario.guests()) {
                ActorRef<GuestCall> hypervisor = hosts.get(guest.host()).narrow();
                int maxMmu = byName.get(guest.host()).maxMmuUpdateEntries();
                context.spawn(GuestVm.create(guest, hypervisor, maxMmu), "guest-" + actorName(guest.name()));
            }
            Clock.Plan plan = new Clock.Plan(scenario.ticks(), scenario.sampleEveryTicks(), scenario.tickSeconds(),
                    options.checkEveryTick(), options.barrierTimeout(), hostNames);
            context.spawn(Clock.create(plan, hosts, result, control), "clock");
            return Behaviors.empty();
        });
    }

    private static String actorName(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }
}
