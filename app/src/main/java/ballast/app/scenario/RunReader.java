package ballast.app.scenario;

import static ballast.app.scenario.Entry.keysOf;
import static ballast.app.scenario.Entry.show;

import ballast.host.cpu.CostTable;
import ballast.scheduler.scenario.Scenario;
import com.typesafe.config.ConfigObject;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads the run-wide blocks of a scenario: {@code scenario} (name, seed, duration, tick,
 * sampling, mode) into a {@link Run}, and {@code costs} into the {@link CostTable}, each through
 * the library defaults. Problems go to the scenario's {@link Problems}.
 */
final class RunReader {
    static final List<String> SCENARIO_MODES = List.of(Scenario.DETERMINISTIC, Scenario.FREE_RUNNING);

    private final Problems problems;
    private final LibraryDefaults defaults;

    RunReader(Problems problems, LibraryDefaults defaults) {
        this.problems = problems;
        this.defaults = defaults;
    }

    /** The run-wide values of the {@code scenario} block. */
    record Run(String name, long seed, Duration duration, Duration tick, Duration sampleEvery, String mode) {
        /** Stands for a scenario block with problems, so that what depends on it can still be read: every time fits. */
        static final Run UNBOUNDED = new Run("", 0, Duration.ofNanos(Long.MAX_VALUE), Duration.ofNanos(1),
                Duration.ofNanos(1), Scenario.DETERMINISTIC);

        /** Ticks to play: floor(duration / tick). */
        long ticks() {
            return duration.toNanos() / tick.toNanos();
        }
    }

    Run readRun(Entry block, String defaultName) {
        int before = problems.reports();
        block.checkKeys(keysOf(defaults.object("scenario"), "name"));
        String name = block.has("name") ? block.string("name") : defaultName;
        if (name != null && name.isBlank()) {
            block.problemAtValue("name", "must not be empty");
        } else if (name != null && block.has("name") && !Names.isPlain(name)) {
            // the run's folder is named after it (runs/NAME-TIMESTAMP): no path of its own
            block.problemAtValue("name", "a scenario name may hold only letters, digits, '-', '_' and '.', and starts"
                    + " with a letter or a digit");
        }
        Long seed = block.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        Duration tick = block.positiveDuration("tick");
        Duration duration = block.duration("duration");
        Duration sampleEvery = block.positiveDuration("sample-every");
        String mode = block.oneOf("mode", "mode", SCENARIO_MODES);
        if (tick != null && duration != null && duration.compareTo(tick) < 0) {
            block.problemAbout("duration", "must be at least one tick (" + show(tick) + "), got " + show(duration));
        }
        // a sample-every shorter than the tick (the default 1s with tick = 2s) is rounded up to one tick
        if (problems.reports() != before) {
            return null;
        }
        return new Run(name, seed, duration, tick, sampleEvery, mode);
    }

    /**
     * The run's values for checking the timed events when the {@code scenario} block has a problem
     * (reported by {@link #readRun}): each value that reads well, else the library default; the
     * mode deterministic when it does not read. A run whose tick or length does not read is taken
     * as unbounded, so that no event is reported beyond it on a guess.
     */
    Run standIn(Entry block, String defaultName) {
        Entry quiet = block.reportingTo(problems.sibling());
        Duration tick = quiet.positiveDuration("tick");
        Duration duration = quiet.duration("duration");
        String mode = quiet.oneOf("mode", "mode", SCENARIO_MODES);
        Duration sampleEvery = quiet.duration("sample-every");
        boolean bounded = tick != null && duration != null && duration.compareTo(tick) >= 0;
        if (tick == null) {
            tick = Entry.of(problems.sibling(), "scenario", defaults.object("scenario")).positiveDuration("tick");
        }
        return new Run(defaultName, 0, bounded ? duration : UNBOUNDED, tick,
                sampleEvery == null ? tick : sampleEvery, mode == null ? Scenario.DETERMINISTIC : mode);
    }

    /** The length of a stand-in run whose length is not known: a century. */
    private static final Duration UNBOUNDED = Duration.ofDays(36_500);

    CostTable readCosts(Entry costs) {
        int before = problems.reports();
        ConfigObject defaultCosts = defaults.object("costs");
        costs.checkKeys(defaultCosts.keySet());
        for (String key : new TreeSet<>(defaultCosts.keySet())) {
            costs.integer(key, 0, Integer.MAX_VALUE);
        }
        if (problems.reports() != before) {
            return null;
        }
        ConfigObject own = costs.own();
        return CostTable.fromConfig(own == null ? defaultCosts.toConfig() : own.withFallback(defaultCosts).toConfig());
    }
}
