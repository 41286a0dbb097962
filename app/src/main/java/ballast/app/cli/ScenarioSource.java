package ballast.app.cli;

import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioException;
import ballast.app.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a command's scenario comes from: a file, a library scenario by name ({@code quickstart},
 * when no file of that name is in the current directory: see {@link ScenarioLibrary}), or the
 * quickstart when none is named.
 */
final class ScenarioSource {
    static final String QUICKSTART_RESOURCE = "ballast/scenarios/quickstart.conf";

    private ScenarioSource() {
    }

    /**
     * Loads {@code file}, or when it is null the quickstart: {@code $BALLAST_HOME/conf/scenarios/quickstart.conf}
     * if the launcher set BALLAST_HOME and the file is there, else the copy embedded in the jar.
     */
    static Scenario load(Path file, List<String> sets, Long seed) throws ScenarioException {
        if (file != null) {
            if (ScenarioLibrary.looksLikeName(file)) {
                Path library = ScenarioLibrary.find(file.toString());
                if (library != null) {
                    return ScenarioLoader.load(library, sets, seed);
                }
                String embedded = ScenarioLibrary.embedded(file.toString());
                if (embedded != null) {
                    return ScenarioLoader.loadResource(embedded, sets, seed);
                }
            }
            return ScenarioLoader.load(file, sets, seed);
        }
        String home = System.getenv("BALLAST_HOME");
        if (home != null) {
            Path quickstart = Path.of(home, "conf", "scenarios", "quickstart.conf");
            if (Files.isRegularFile(quickstart)) {
                return ScenarioLoader.load(quickstart, sets, seed);
            }
        }
        return ScenarioLoader.loadResource(QUICKSTART_RESOURCE, sets, seed);
    }
}
