package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.app.scenario.ScenarioLoader;
import ballast.scheduler.run.RunControl;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Scenario;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The launcher's conf/application.conf gives each hypervisor actor a thread of its own (the
 * guests stay on Pekko's shared pool, one thread per core), and where an actor runs changes no
 * figure of a run.
 */
class LauncherDispatcherTest {
    private static final Path LAUNCHER_CONF = Path.of("..", "conf", "application.conf");
    private static final Path SCENARIO = Path.of("..", "conf", "scenarios", "free-page-reporting.conf");
    private static final String HOST_THREADS = "ballast-host-dispatcher";

    /** Records the names of the threads alive when the first tick ends, when every host's actor runs. */
    private static final class ThreadsAtFirstTick extends RunControl {
        final Set<String> names = new TreeSet<>();

        @Override
        public void tickDone(long ticks) {
            if (ticks == 1) {
                Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
            }
            super.tickDone(ticks);
        }
    }

    private static Scenario scenario() throws Exception {
        return ScenarioLoader.load(SCENARIO, List.of("scenario.duration=1s"), null);
    }

    private static Simulation.Options options(Config actorConfig) {
        return new Simulation.Options(false, Duration.ofSeconds(120), actorConfig);
    }

    private static long hostThreads(Set<String> names) {
        return names.stream().filter(n -> n.contains(HOST_THREADS)).count();
    }

    @Test
    void underTheLaunchersConfigEachHypervisorRunsOnAThreadOfItsOwnAndTheFiguresAreTheSameAsOnTheSharedPool()
            throws Exception {
        Scenario scenario = scenario();
        ThreadsAtFirstTick launcher = new ThreadsAtFirstTick();
        RunResult own = Simulation.run(scenario, options(ConfigFactory.parseFile(LAUNCHER_CONF.toFile())), launcher);
        ThreadsAtFirstTick library = new ThreadsAtFirstTick();
        RunResult shared = Simulation.run(scenario, options(ConfigFactory.empty()), library);

        assertThat(scenario.hosts()).hasSize(3);
        assertThat(hostThreads(launcher.names)).as("threads named %s: %s", HOST_THREADS, launcher.names).isEqualTo(3);
        assertThat(hostThreads(library.names)).isZero();

        assertThat(own.failure()).isNull();
        assertThat(own.ticksPlayed()).isEqualTo(10).isEqualTo(shared.ticksPlayed());
        assertThat(own.samples()).isNotEmpty().usingRecursiveComparison().isEqualTo(shared.samples());
        assertThat(own.hostSamples()).isNotEmpty().usingRecursiveComparison().isEqualTo(shared.hostSamples());
        assertThat(own.hosts()).isNotEmpty().usingRecursiveComparison().isEqualTo(shared.hosts());
        assertThat(own.guests()).isNotEmpty().usingRecursiveComparison().isEqualTo(shared.guests());
        assertThat(own.invariantChecks()).isPositive().isEqualTo(shared.invariantChecks());
        assertThat(own.violations()).isEmpty();
    }
}
