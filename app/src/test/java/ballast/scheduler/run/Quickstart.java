package ballast.scheduler.run;

import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The library's quickstart scenario, shortened and slowed down so that tests stay quick. */
public final class Quickstart {
    public static final Path FILE = Path.of("..", "conf", "scenarios", "quickstart.conf");

    private Quickstart() {
    }

    /** The quickstart lasting {@code seconds} simulated seconds at a tenth of its access rates. */
    public static List<String> shortSets(int seconds) {
        List<String> sets = new ArrayList<>();
        sets.add("scenario.duration=" + seconds + "s");
        sets.add("guest-templates.linux-small.workload.accesses-per-second=60000");
        sets.add("guests.db.workload.accesses-per-second=50000");
        sets.add("guests.batch.workload.phases=[{duration=" + Math.max(1, seconds / 2) + "s, working-set=32MiB,"
                + " accesses-per-second=40000, write-fraction=0.5}, {duration=30s, working-set=96MiB,"
                + " accesses-per-second=60000, write-fraction=0.1}]");
        return sets;
    }

    public static Scenario load(int seconds, Long seed) throws Exception {
        return ScenarioLoader.load(FILE, shortSets(seconds), seed);
    }
}
