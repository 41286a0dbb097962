package ballast.app.cli;

import ballast.app.report.ChartPlan;
import ballast.app.report.HtmlReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ballast report DIR}: rebuilds DIR/report.html and DIR/charts/*.png and *.svg from the run's files. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Rebuild DIR/report.html and DIR/charts/*.png and *.svg from DIR/summary.json, DIR/timeseries.csv, "
                + "DIR/hosts.csv and DIR/scenario.conf.")
final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "A run's output directory.")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            List<ChartPlan.Chart> charts = HtmlReport.write(dir);
            spec.commandLine().getOut().println("report: " + dir.resolve(HtmlReport.FILE) + " (" + charts.size()
                    + " charts, also in " + dir.resolve(HtmlReport.CHARTS_DIR) + ")");
            return Main.OK;
        } catch (IOException e) {
            spec.commandLine().getErr().println("ballast: " + e.getMessage());
            return Main.BAD_INPUT;
        }
    }
}
