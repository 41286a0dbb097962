package ballast.app.cli;

import ballast.app.report.CompareReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ballast compare A B [C ...]}: runs (or sweep points) side by side. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Put runs (or a sweep's points) side by side: every figure of their summary.json with each run's "
                + "difference from the first and ratio to it (the console shows the figures that differ), and an "
                + "HTML page with the guests' time series overlaid.")
final class CompareCommand implements Callable<Integer> {
    @Parameters(arity = "2..*", paramLabel = "RUN", description = "Run directories (each with a summary.json).")
    List<Path> runs;

    @Option(names = "--all", description = "Show every figure on the console, not only those that differ.")
    boolean all;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Where to write the HTML page (default: runs/compare-TIMESTAMP.html).")
    Path html;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<CompareReport.Row> rows;
        try {
            rows = CompareReport.rows(runs);
        } catch (IOException e) {
            err.println("ballast: " + e.getMessage());
            err.flush();
            return Main.BAD_INPUT;
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            labels.add(String.valueOf((char) ('A' + Math.min(i, 25))) + (i >= 26 ? String.valueOf(i) : ""));
        }
        for (int i = 0; i < runs.size(); i++) {
            out.println(labels.get(i) + " = " + runs.get(i));
        }
        List<String[]> table = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("figure"));
        for (int i = 0; i < runs.size(); i++) {
            header.add(labels.get(i));
            if (i > 0) {
                header.add(labels.get(i) + "-A");
                header.add(labels.get(i) + "/A");
            }
        }
        table.add(header.toArray(new String[0]));
        int differing = 0;
        for (CompareReport.Row r : rows) {
            if (r.differs()) {
                differing++;
            }
            if (!all && !r.differs()) {
                continue;
            }
            List<String> cells = new ArrayList<>(List.of(r.figure()));
            for (int i = 0; i < r.values().length; i++) {
                cells.add(CompareReport.show(r.values()[i]));
                if (i > 0) {
                    cells.add(CompareReport.show(r.values()[i] - r.values()[0]));
                    cells.add(CompareReport.ratio(r.values()[0], r.values()[i]));
                }
            }
            table.add(cells.toArray(new String[0]));
        }
        int[] widths = new int[header.size()];
        for (String[] row : table) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : table) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                line.append(c == 0 ? String.format("%-" + widths[c] + "s", row[c])
                        : String.format("  %" + widths[c] + "s", row[c]));
            }
            out.println(line.toString().stripTrailing());
        }
        out.println(differing + " of " + rows.size() + " figures differ" + (all ? "" : " (--all shows every figure)"));
        Path file = html != null ? html : Path.of("runs", "compare-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".html");
        if (Files.isDirectory(file)) {
            err.println("ballast: --html " + file + " is a directory");
            err.flush();
            return Main.BAD_INPUT;
        }
        try {
            int charts = CompareReport.write(runs, labels, rows, file);
            out.println("compare: " + file + " (" + charts + " charts)");
        } catch (IOException e) {
            err.println("ballast: could not write " + file + ": " + e.getMessage());
            err.flush();
            return Main.FAILED;
        }
        out.flush();
        return Main.OK;
    }
}
