package ballast.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.app.scenario.ScenarioLoader;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Scenario;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The console's tables fit a 100-column terminal: memory and CPU tables, and the reclamation ones. */
class ConsoleTableTest {
    private static final Path LIBRARY = Path.of("..", "conf", "scenarios");

    @ParameterizedTest
    @CsvSource({"quickstart, scenario.duration=2s", "esx-idle-tax, scenario.seed=7",
            "trace-replay, scenario.duration=2s"})
    void everyTableLineFitsOneHundredColumns(String name, String shortened) throws Exception {
        Scenario scenario = ScenarioLoader.load(LIBRARY.resolve(name + ".conf"), List.of(shortened), null);
        RunResult result = Simulation.run(scenario, Simulation.Options.defaults());
        String table = ConsoleTable.render(scenario, result);
        assertThat(table).contains("tlbHit%").contains("overhead%");
        if (name.equals("esx-idle-tax")) {
            assertThat(table).contains("guestSwap").contains("rebalances");
        }
        for (String line : table.split("\n")) {
            if (line.startsWith("event at") || line.startsWith("  ")) {
                continue; // events, migrations and faults are sentences, not table rows
            }
            assertThat(line.length()).as(line).isLessThanOrEqualTo(100);
        }
    }
}
