package ballast.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.app.report.RunWriter;
import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden safety net: every scenario of the library (shortened where its full length would make
 * {@code mvn verify} slow) is played and its {@code summary.json}, apart from {@code timing} (wall
 * clock), must equal the committed golden file in {@code src/test/resources/golden/}.
 *
 * <p>A change that alters a figure on purpose regenerates the goldens in the same commit, with
 * the reason in its message: {@code mvn -pl app -am verify -Dtest=GoldenSummaryTest
 * -Dballast.golden.update=true -Dsurefire.failIfNoSpecifiedTests=false}. Any other change leaves
 * them as they are.
 */
class GoldenSummaryTest {
    static final Path LIBRARY = Path.of("..", "conf", "scenarios");
    static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Overrides that shorten a scenario, or make it reproducible: the free-running stress is played
     * in deterministic mode here (free-running figures depend on message interleaving).
     */
    static final Map<String, List<String>> SHORTENED = Map.ofEntries(
            Map.entry("esx-idle-tax", List.of()),
            Map.entry("esx-overcommit", List.of()),
            Map.entry("esx-balloon-overhead", List.of("scenario.duration=30s")),
            Map.entry("balloon-vs-swap", List.of("scenario.duration=30s")),
            Map.entry("quickstart", List.of("scenario.duration=20s")),
            Map.entry("modes", List.of("scenario.duration=25s")),
            Map.entry("esx-sharing", List.of("scenario.duration=10s")),
            Map.entry("large-pages", List.of("scenario.duration=10s")),
            Map.entry("free-page-reporting", List.of("scenario.duration=30s")),
            Map.entry("hotplug", List.of("scenario.duration=20s")),
            Map.entry("stress-free-running", List.of("scenario.duration=2s", "scenario.mode=deterministic")),
            Map.entry("proactive-offload", List.of("scenario.duration=20s", "hosts.tmo.offload.cold-after=4s",
                    "hosts.tmo.offload.max-step=5%")),
            Map.entry("compression", List.of("scenario.duration=30s")));

    static Stream<String> scenarios() throws Exception {
        try (Stream<Path> files = Files.list(LIBRARY)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf"))
                    .map(n -> n.substring(0, n.length() - ".conf".length())).sorted().toList().stream();
        }
    }

    /** A library scenario, shortened as above, and what playing it gave. */
    record Played(Scenario scenario, RunResult result) {
    }

    private static final java.util.Map<String, Played> PLAYED = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Library scenario {@code name}, shortened as above, played once per test JVM with the default
     * options: this test and {@link LibraryChartsTest} read the same play.
     */
    static Played played(String name) throws Exception {
        Played p = PLAYED.get(name);
        if (p == null) {
            Scenario scenario = ScenarioLoader.load(LIBRARY.resolve(name + ".conf"),
                    SHORTENED.getOrDefault(name, List.of()), null);
            p = new Played(scenario, Simulation.run(scenario, Simulation.Options.defaults()));
            PLAYED.put(name, p);
        }
        return p;
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void summaryApartFromTimingEqualsTheGolden(String name) throws Exception {
        Played played = played(name);
        Scenario scenario = played.scenario();
        RunResult result = played.result();
        ObjectNode summary = (ObjectNode) JSON.readTree(RunWriter.summaryJson(scenario, result, false));
        summary.remove("timing");
        String actual = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n";
        Path golden = GOLDEN.resolve(name + ".json");
        if (Boolean.getBoolean("ballast.golden.update")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, actual);
        }
        assertThat(Files.exists(golden)).as("golden " + golden + " exists (make it with -Dballast.golden.update=true)").isTrue();
        JsonNode expected = JSON.readTree(Files.readString(golden));
        assertThat(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(expected) + "\n")
                .as("summary of %s against %s", name, golden).isEqualTo(actual);
    }
}
