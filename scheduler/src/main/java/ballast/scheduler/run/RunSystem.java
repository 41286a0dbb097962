package ballast.scheduler.run;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The actor system of one run, started and stopped in one place: the one-JVM run ({@link Simulation})
 * and the scheduler node of a cluster run both start it with their root behavior, wait for the run's
 * result and terminate it, waiting at most {@code stopWithin} for the shutdown (the result is in
 * hand by then: a slow shutdown, e.g. a cluster leave towards a dead node, changes nothing).
 */
public final class RunSystem {
    private RunSystem() {
    }

    /**
     * Starts an actor system named {@code name} with root {@code root}, returns {@code result} once
     * the run completes it, then terminates the system.
     *
     * @param what what is run, for the exception when the result completes exceptionally
     */
    public static <T> RunResult play(Behavior<T> root, String name, Config config, CompletableFuture<RunResult> result,
                                     Duration stopWithin, String what) throws InterruptedException {
        ActorSystem<T> system = ActorSystem.create(root, name, config);
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        } finally {
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(stopWithin.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // the result is already in hand; a slow shutdown changes nothing
            }
        }
    }
}
