package ballast.scheduler.run;

import ballast.scheduler.scenario.Scenario;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Plays a scenario in one JVM: an actor system whose {@link Guardian} starts the hypervisors, the
 * guests and the clock, then waits for the clock's result and shuts everything down.
 */
public final class Simulation {

    /**
     * How to run.
     *
     * @param checkEveryTick audit every guest and check every invariant after every tick
     * @param barrierTimeout how long (wall time) the clock waits for a host's tick report
     * @param actorConfig    overrides for the actor system's config (e.g. serialize-messages), may be empty
     */
    public record Options(boolean checkEveryTick, Duration barrierTimeout, Config actorConfig,
                          OnGuestFailure onGuestFailure, Map<String, Long> injectedCrashes) {
        public Options(boolean checkEveryTick, Duration barrierTimeout, Config actorConfig) {
            this(checkEveryTick, barrierTimeout, actorConfig, OnGuestFailure.STOP, Map.of());
        }

        public static Options defaults() {
            return new Options(false, Duration.ofSeconds(120), ConfigFactory.empty());
        }

        /** The same options with guest {@code name} made to fail when tick {@code tick} starts. */
        public Options withCrash(String name, long tick) {
            Map<String, Long> crashes = new java.util.HashMap<>(injectedCrashes);
            crashes.put(name, tick);
            return new Options(checkEveryTick, barrierTimeout, actorConfig, onGuestFailure, Map.copyOf(crashes));
        }

        public Options with(OnGuestFailure policy) {
            return new Options(checkEveryTick, barrierTimeout, actorConfig, policy, injectedCrashes);
        }
    }

    /**
     * The supervision strategy for guest actors that fail (throw). Either way the failed actor is
     * stopped, the scheduler tells its hypervisor, which releases every frame the guest held, and the
     * failure is reported under {@code faults} in the summary.
     */
    public enum OnGuestFailure {
        /** The guest stays gone; the run goes on without it. */
        STOP,
        /** A fresh incarnation of the guest boots (new memory, new integrity record) and joins at a later tick. */
        RESTART
    }

    /**
     * Free-running: invariants are checked after this many applied guest works per host, or after as
     * many as there are guests if that is more (about once per round of every guest).
     */
    static final long FREE_RUNNING_CHECK_EVERY = 64;

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
        return RunSystem.play(Guardian.create(scenario, options, result, control), "ballast", config, result,
                Duration.ofSeconds(30), "simulation");
    }

    static String actorName(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }
}
