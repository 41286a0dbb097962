package ballast.app.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ballast list}: the library's scenarios with their one-line descriptions. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the library's scenarios (conf/scenarios) with their one-line descriptions; "
                + "'ballast run NAME' and 'ballast validate NAME' take these names.")
final class ListCommand implements Callable<Integer> {
    /** Descriptions are cut to fit 100 columns. */
    static final int WIDTH = 100;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<ScenarioLibrary.Entry> entries = ScenarioLibrary.list();
        int width = 0;
        for (ScenarioLibrary.Entry e : entries) {
            width = Math.max(width, e.name().length());
        }
        for (ScenarioLibrary.Entry e : entries) {
            String line = String.format("%-" + width + "s  %s", e.name(), e.description());
            out.println(line.length() > WIDTH ? line.substring(0, WIDTH - 3) + "..." : line);
        }
        if (entries.isEmpty()) {
            out.println("no library found (conf/scenarios under BALLAST_HOME or the current directory)");
        }
        out.flush();
        return Main.OK;
    }
}
