package ballast.app.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.JFreeChart;

/**
 * Runs side by side ({@code ballast compare A B ...}): every number of their summaries (the run's,
 * {@code invariants.*}, {@code hosts.NAME.FIGURE}, {@code guests.NAME.FIGURE}), with each run's
 * difference from the first and its ratio to it, and the guests' time series summed over the
 * guests, overlaid run over run. Built from the run directories' files alone.
 */
public final class CompareReport {
    /** Time series drawn when they differ between the runs, summed over the guests. */
    static final List<String> SERIES = List.of("allocatedPages", "pagesTouched", "accesses", "tlbMisses",
            "hiddenFaults", "guestFaults", "sharedPages", "balloonPages", "hostSwappedPages", "guestSwappedPages",
            "workingSetEstimatePages", "overheadCycles");

    private CompareReport() {
    }

    /** One figure across the runs: its name and its value in each (NaN where a run lacks it). */
    public record Row(String figure, double[] values) {
        /** Whether any run's value differs from the first's. */
        public boolean differs() {
            for (double v : values) {
                if (Double.compare(v, values[0]) != 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Every number of each run's summary.json, flattened, in the first run's order. */
    public static List<Row> rows(List<Path> runs) throws IOException {
        List<Map<String, Double>> flat = new ArrayList<>();
        Map<String, Boolean> names = new LinkedHashMap<>();
        for (Path run : runs) {
            Path summary = run.resolve("summary.json");
            if (!Files.isRegularFile(summary)) {
                throw new IOException(run + ": not a run directory (no summary.json)");
            }
            Map<String, Double> one = new LinkedHashMap<>();
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(summary.toFile());
            } catch (IOException e) {
                throw new IOException(summary + ": not a readable summary: " + e.getMessage());
            }
            flatten("", root, one);
            flat.add(one);
            one.keySet().forEach(k -> names.put(k, true));
        }
        List<Row> rows = new ArrayList<>();
        for (String name : names.keySet()) {
            if (name.equals("seed") || name.startsWith("timing.")) {
                continue;
            }
            double[] values = new double[runs.size()];
            for (int i = 0; i < runs.size(); i++) {
                values[i] = flat.get(i).getOrDefault(name, Double.NaN);
            }
            rows.add(new Row(name, values));
        }
        return rows;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Double> into) {
        if (node.isNumber()) {
            into.put(prefix, node.asDouble());
        } else if (node.isBoolean()) {
            into.put(prefix, node.asBoolean() ? 1.0 : 0.0);
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), into);
            }
        } else if (node.isArray() && (prefix.equals("hosts") || prefix.equals("guests"))) {
            for (JsonNode element : node) {
                String name = element.path("name").asText("?");
                for (Iterator<Map.Entry<String, JsonNode>> it = element.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    flatten(prefix + "." + name + "." + e.getKey(), e.getValue(), into);
                }
            }
        }
    }

    /** A value as shown: whole numbers plainly, others to 4 significant digits; "-" when missing. */
    public static String show(double d) {
        if (Double.isNaN(d)) {
            return "-";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return new java.math.BigDecimal(d).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** {@code b / a} as shown, or "-" when it has no meaning. */
    public static String ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || a == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.3f", b / a);
    }

    /** The guests' time series of each run, summed over the guests: figure -> per run (seconds, value). */
    static Map<String, List<double[][]>> series(List<Path> runs) throws IOException {
        Map<String, List<double[][]>> out = new LinkedHashMap<>();
        List<SweepReport.Table> tables = new ArrayList<>();
        for (Path run : runs) {
            Path csv = run.resolve("timeseries.csv");
            tables.add(Files.isRegularFile(csv) ? SweepReport.readCsv(csv) : new SweepReport.Table(List.of(), List.of()));
        }
        for (String figure : SERIES) {
            List<double[][]> perRun = new ArrayList<>();
            for (SweepReport.Table t : tables) {
                int time = t.column("simulatedSeconds");
                int column = t.column(figure);
                TreeMap<Double, Double> sums = new TreeMap<>();
                if (time >= 0 && column >= 0) {
                    for (List<String> r : t.rows()) {
                        try {
                            sums.merge(Double.parseDouble(r.get(time)), Double.parseDouble(r.get(column)), Double::sum);
                        } catch (NumberFormatException e) {
                            // not a number: not drawn
                        }
                    }
                }
                double[][] xy = new double[2][sums.size()];
                int i = 0;
                for (Map.Entry<Double, Double> e : sums.entrySet()) {
                    xy[0][i] = e.getKey();
                    xy[1][i] = e.getValue();
                    i++;
                }
                perRun.add(xy);
            }
            boolean differs = false;
            for (double[][] xy : perRun) {
                differs |= !java.util.Arrays.equals(xy[1], perRun.get(0)[1]);
            }
            if (differs) {
                out.put(figure, perRun);
            }
        }
        return out;
    }

    /** Writes the comparison as one HTML page (inline SVG charts) to {@code file}; returns the charts drawn. */
    public static int write(List<Path> runs, List<String> labels, List<Row> rows, Path file) throws IOException {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>ballast compare</title>\n<style>\n")
                .append("body { font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 1200px; color: #222; }\n")
                .append("table { border-collapse: collapse; font-size: 0.85em; } td, th { border: 1px solid #ddd; padding: 2px 6px; }\n")
                .append("td { text-align: right; } td.name { text-align: left; } tr.same { color: #999; }\n")
                .append("figure.chart { margin: 1em 0; max-width: 760px; } figure.chart svg { width: 100%; height: auto; }\n")
                .append("</style>\n</head>\n<body>\n<h1>ballast compare</h1>\n<ol>\n");
        for (int i = 0; i < runs.size(); i++) {
            h.append("<li>").append(SweepReport.esc(labels.get(i))).append(": <a href=\"")
                    .append(SweepReport.esc(runs.get(i).toAbsolutePath().resolve("report.html").toUri().toString()))
                    .append("\">").append(SweepReport.esc(runs.get(i).toString())).append("</a></li>\n");
        }
        h.append("</ol>\n<h2>Time series, summed over the guests</h2>\n");
        Map<String, List<double[][]>> series = series(runs);
        for (Map.Entry<String, List<double[][]>> e : series.entrySet()) {
            List<ChartPlan.Line> lines = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                double[][] xy = e.getValue().get(i);
                lines.add(new ChartPlan.Line(labels.get(i), xy[0], xy[1]));
            }
            ChartPlan.Chart chart = new ChartPlan.Chart("compare-" + e.getKey(), "compare", "",
                    e.getKey() + " (all guests)", e.getKey(), lines, List.of());
            JFreeChart drawn = ChartRenderer.chart(chart);
            h.append("<figure class=\"chart\" data-figure=\"").append(e.getKey()).append("\">\n")
                    .append(ChartRenderer.svg(drawn, chart.id())).append("\n</figure>\n");
        }
        if (series.isEmpty()) {
            h.append("<p>The guests' time series are the same in every run.</p>\n");
        }
        h.append("<h2>Figures</h2>\n<table>\n<tr><th>figure</th>");
        for (int i = 0; i < runs.size(); i++) {
            h.append("<th>").append(SweepReport.esc(labels.get(i))).append("</th>");
            if (i > 0) {
                h.append("<th>").append(SweepReport.esc(labels.get(i))).append(" - ").append(SweepReport.esc(labels.get(0)))
                        .append("</th><th>").append(SweepReport.esc(labels.get(i))).append(" / ")
                        .append(SweepReport.esc(labels.get(0))).append("</th>");
            }
        }
        h.append("</tr>\n");
        for (Row r : rows) {
            h.append("<tr class=\"").append(r.differs() ? "differs" : "same").append("\"><td class=\"name\">")
                    .append(SweepReport.esc(r.figure())).append("</td>");
            for (int i = 0; i < r.values().length; i++) {
                h.append("<td>").append(show(r.values()[i])).append("</td>");
                if (i > 0) {
                    h.append("<td>").append(show(r.values()[i] - r.values()[0])).append("</td><td>")
                            .append(ratio(r.values()[0], r.values()[i])).append("</td>");
                }
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n</body>\n</html>\n");
        Files.createDirectories(file.toAbsolutePath().getParent());
        RunWriter.writeAtomically(file, h.toString());
        return series.size();
    }
}
