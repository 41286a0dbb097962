package ballast.app.cli;

import ballast.app.report.ChartPlan;
import ballast.app.report.HtmlReport;
import ballast.app.report.SweepReport;
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
                + "DIR/hosts.csv and DIR/scenario.conf; for a sweep's DIR, every run's report and DIR/sweep.html "
                + "from DIR/sweep.json and DIR/sweep-points.csv.")
final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "A run's output directory, or a sweep's.")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            if (SweepReport.isSweep(dir)) {
                return sweep();
            }
            List<ChartPlan.Chart> charts = HtmlReport.write(dir);
            spec.commandLine().getOut().println("report: " + dir.resolve(HtmlReport.FILE) + " (" + charts.size()
                    + " charts, also in " + dir.resolve(HtmlReport.CHARTS_DIR) + ")");
            return Main.OK;
        } catch (IOException e) {
            spec.commandLine().getErr().println("ballast: " + e.getMessage());
            return Main.BAD_INPUT;
        }
    }

    /** A sweep's folder: every run's report that can be rebuilt, then the sweep's report. */
    private Integer sweep() throws IOException {
        com.fasterxml.jackson.databind.JsonNode sweep = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve(SweepReport.SWEEP_JSON).toFile());
        int runs = 0;
        for (com.fasterxml.jackson.databind.JsonNode point : sweep.path("points")) {
            for (com.fasterxml.jackson.databind.JsonNode run : point.path("runs")) {
                Path runDir = dir.resolve(run.path("dir").asText());
                if (!run.path("dir").asText().isEmpty() && java.nio.file.Files.isRegularFile(runDir.resolve("summary.json"))) {
                    HtmlReport.write(runDir);
                    runs++;
                }
            }
        }
        List<SweepReport.Chart> charts = SweepReport.write(dir);
        spec.commandLine().getOut().println("report: " + dir.resolve(SweepReport.FILE) + " (" + charts.size()
                + " charts, also in " + dir.resolve(HtmlReport.CHARTS_DIR) + ") and " + runs + " run reports");
        return Main.OK;
    }
}
