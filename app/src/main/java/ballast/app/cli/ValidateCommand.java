package ballast.app.cli;

import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ballast validate SCENARIO}: reports every problem of a scenario without running it. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a scenario and report every problem as file:line: path: message (exit 2), or summarise it (exit 0).")
final class ValidateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "Scenario file (HOCON), or a library scenario by name (ballast list).")
    Path scenarioFile;

    @Mixin
    ScenarioOptions scenarioOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            Scenario s = scenarioOptions.load(scenarioFile, List.of());
            long pages = s.guests().stream().mapToLong(g -> g.configuredPages()).sum();
            spec.commandLine().getOut().printf("%s: valid: %d host(s), %d guest(s), %d guest pages, %d ticks of %.3f s%s%n",
                    s.source(), s.hosts().size(), s.guests().size(), pages, s.ticks(), s.tickSeconds(),
                    (s.sweep() == null ? "" : "; a sweep of " + s.sweep().path() + " over " + s.sweep().points().size()
                            + (s.sweep().paths().size() == 1 ? " values" : " points")
                            + (s.sweep().seeds() == 1 ? "" : ", " + s.sweep().seeds() + " seeds each"))
                            + (s.events().isEmpty() ? "" : "; " + s.events().size() + " timed event(s)"));
            for (var event : s.events()) {
                spec.commandLine().getOut().printf(java.util.Locale.ROOT, "  at %s s (before tick %d): %s%n",
                        event.atSeconds(), event.tick(), event.what());
            }
            for (var guest : s.guests()) {
                for (var trace : guest.workload().traces()) {
                    double seconds = trace.accessesPerSecond() > 0 ? trace.records() / trace.accessesPerSecond()
                            : Double.POSITIVE_INFINITY;
                    spec.commandLine().getOut().printf(java.util.Locale.ROOT,
                            "  %s replays %s (%s): %,d records, %,d distinct pages (%.1f MiB), %.1f s at %,.0f per second%s%n",
                            guest.name(), trace.path(), trace.format().configName(), trace.records(), trace.distinctPages(),
                            trace.distinctPages() / 256.0, seconds, trace.accessesPerSecond(), trace.loop() ? ", looping" : "");
                }
            }
            return Main.OK;
        } catch (ScenarioException e) {
            return ScenarioOptions.badInput(e, spec.commandLine().getErr());
        }
    }
}
