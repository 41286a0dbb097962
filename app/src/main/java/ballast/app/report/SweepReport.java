package ballast.app.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * {@code DIR/sweep.html} of a sweep: what was swept, how its runs went, one chart per chosen figure
 * (its mean over the seeds against the first swept path's values, one line per value of the other
 * paths and per host, error bars the 95% confidence interval), and the table of points. Built from
 * {@code sweep.json} and {@code sweep-points.csv} alone; every chart also as
 * {@code DIR/charts/sweep-FIGURE.png} and {@code .svg}.
 *
 * <p>The page marks each chart with its number of error bars ({@code figure[data-error-bars]}) and
 * counts the charts the browser laid out ({@code body[data-charts-rendered]}).
 */
public final class SweepReport {
    public static final String FILE = "sweep.html";
    public static final String SWEEP_JSON = "sweep.json";
    /** Drawn when the sweep names no figures: the first of these that vary between points. */
    static final List<String> PREFERRED = List.of("sharedPercent", "reclaimedPercent", "guests.hostSwapOuts",
            "guests.balloonPages", "guests.guestPageOuts", "guests.stalledTicks", "guests.overheadCycles",
            "guests.pagesTouched", "guests.tlbMisses", "guests.guestFaults", "pagesSharing", "swapOuts");
    static final int DEFAULT_CHARTS = 6;
    private static final Color[] PALETTE = {
        new Color(0x4e79a7), new Color(0xf28e2b), new Color(0xe15759), new Color(0x76b7b2), new Color(0x59a14f),
        new Color(0xedc948), new Color(0xb07aa1), new Color(0xff9da7), new Color(0x9c755f), new Color(0xbab0ac)};
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private SweepReport() {
    }

    /** Whether {@code dir} holds a sweep's outputs. */
    public static boolean isSweep(Path dir) {
        return Files.isRegularFile(dir.resolve(SWEEP_JSON));
    }

    /** One chart of the sweep report: a figure and its lines. */
    public record Chart(String figure, String xLabel, List<String> categories, List<Line> lines) {
        public int errorBars() {
            int n = 0;
            for (Line l : lines) {
                for (double c : l.ci()) {
                    if (c > 0) {
                        n++;
                    }
                }
            }
            return n;
        }
    }

    /** One line: its label, and per point its x, mean and confidence half-width (0 when unknown). */
    public record Line(String label, double[] x, double[] mean, double[] ci) {
    }

    /** The points table as read from sweep-points.csv: its header and rows. */
    record Table(List<String> header, List<List<String>> rows) {
        int column(String name) {
            return header.indexOf(name);
        }
    }

    /** Builds sweep.html and its charts in {@code dir}; returns the charts drawn. */
    public static List<Chart> write(Path dir) throws IOException {
        JsonNode sweep = new ObjectMapper().readTree(dir.resolve(SWEEP_JSON).toFile());
        Path pointsFile = dir.resolve(SweepTable.POINTS_FILE);
        Table table = Files.isRegularFile(pointsFile) ? readCsv(pointsFile) : new Table(List.of(), List.of());
        List<String> paths = new ArrayList<>();
        sweep.path("paths").forEach(p -> paths.add(p.asText()));
        List<String> wanted = new ArrayList<>();
        sweep.path("figures").forEach(f -> wanted.add(f.asText()));
        List<Chart> charts = plan(paths, wanted, table);
        Path chartsDir = dir.resolve(HtmlReport.CHARTS_DIR);
        Files.createDirectories(chartsDir);
        List<String> svgs = new ArrayList<>();
        for (Chart c : charts) {
            JFreeChart chart = chart(c);
            String id = "sweep-" + c.figure().replaceAll("[^A-Za-z0-9._-]", "_");
            String svg = ChartRenderer.svg(chart, id);
            svgs.add(svg);
            ChartRenderer.png(chart, chartsDir.resolve(id + ".png"));
            RunWriter.writeAtomically(chartsDir.resolve(id + ".svg"),
                    svg.replaceFirst("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" "));
        }
        RunWriter.writeAtomically(dir.resolve(FILE), html(sweep, paths, table, charts, svgs));
        return charts;
    }

    /** The charts: the sweep's figures, or up to {@value #DEFAULT_CHARTS} that vary between points. */
    static List<Chart> plan(List<String> paths, List<String> wanted, Table table) {
        List<String> figures = new ArrayList<>();
        if (!wanted.isEmpty()) {
            for (String f : wanted) {
                if (table.column(f + "_mean") >= 0) {
                    figures.add(f);
                }
            }
        } else {
            List<String> candidates = new ArrayList<>(PREFERRED);
            for (String h : table.header()) {
                if (h.endsWith("_mean") && !candidates.contains(h.substring(0, h.length() - 5))) {
                    candidates.add(h.substring(0, h.length() - 5));
                }
            }
            for (String f : candidates) {
                if (figures.size() < DEFAULT_CHARTS && varies(table, f)) {
                    figures.add(f);
                }
            }
        }
        List<Chart> charts = new ArrayList<>();
        if (table.rows().isEmpty() || paths.isEmpty()) {
            return charts;
        }
        int xColumn = table.column(paths.get(0));
        int hostColumn = table.column("host");
        boolean severalHosts = table.rows().stream().map(r -> r.get(hostColumn)).distinct().count() > 1;
        boolean numeric = table.rows().stream().allMatch(r -> isNumber(r.get(xColumn)));
        List<String> categories = new ArrayList<>();
        for (List<String> r : table.rows()) {
            if (!categories.contains(r.get(xColumn))) {
                categories.add(r.get(xColumn));
            }
        }
        for (String f : figures) {
            int mean = table.column(f + "_mean");
            int ci = table.column(f + "_ci95");
            Map<String, List<double[]>> byLine = new LinkedHashMap<>();
            for (List<String> r : table.rows()) {
                StringBuilder label = new StringBuilder();
                for (int p = 1; p < paths.size(); p++) {
                    label.append(label.length() == 0 ? "" : ", ").append(paths.get(p)).append(" = ")
                            .append(r.get(table.column(paths.get(p))));
                }
                if (severalHosts) {
                    label.append(label.length() == 0 ? "" : ", ").append("host ").append(r.get(hostColumn));
                }
                if (r.get(mean).isEmpty()) {
                    continue;
                }
                double x = numeric ? Double.parseDouble(r.get(xColumn)) : categories.indexOf(r.get(xColumn));
                double m = Double.parseDouble(r.get(mean));
                double c = r.get(ci).isEmpty() ? 0 : Double.parseDouble(r.get(ci));
                byLine.computeIfAbsent(label.length() == 0 ? f : label.toString(), k -> new ArrayList<>())
                        .add(new double[] {x, m, c});
            }
            List<Line> lines = new ArrayList<>();
            byLine.forEach((label, pts) -> {
                double[] xs = new double[pts.size()];
                double[] ms = new double[pts.size()];
                double[] cs = new double[pts.size()];
                for (int i = 0; i < pts.size(); i++) {
                    xs[i] = pts.get(i)[0];
                    ms[i] = pts.get(i)[1];
                    cs[i] = pts.get(i)[2];
                }
                lines.add(new Line(label, xs, ms, cs));
            });
            charts.add(new Chart(f, paths.get(0), numeric ? List.of() : categories, lines));
        }
        return charts;
    }

    private static boolean varies(Table table, String figure) {
        int c = table.column(figure + "_mean");
        if (c < 0) {
            return false;
        }
        return table.rows().stream().map(r -> r.get(c)).filter(v -> !v.isEmpty()).distinct().count() > 1;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The chart: means as points joined by lines, each with its 95% interval as an error bar. */
    static JFreeChart chart(Chart spec) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        for (Line line : spec.lines()) {
            YIntervalSeries series = new YIntervalSeries(line.label(), false, true);
            for (int i = 0; i < line.x().length; i++) {
                series.add(line.x()[i], line.mean()[i], line.mean()[i] - line.ci()[i], line.mean()[i] + line.ci()[i]);
            }
            data.addSeries(series);
        }
        NumberAxis x = spec.categories().isEmpty() ? new NumberAxis(spec.xLabel())
                : new SymbolAxis(spec.xLabel(), spec.categories().toArray(new String[0]));
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = new NumberAxis("mean over the seeds, 95% interval");
        y.setAutoRangeIncludesZero(false);
        y.setNumberFormatOverride(new ChartRenderer.Compact());
        for (NumberAxis axis : new NumberAxis[] {x, y}) {
            axis.setLabelFont(LABEL);
            axis.setTickLabelFont(LABEL);
        }
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setDrawYError(true);
        renderer.setDefaultLinesVisible(true);
        renderer.setDefaultShapesVisible(true);
        renderer.setCapLength(8);
        renderer.setErrorStroke(new BasicStroke(1.5f));
        for (int i = 0; i < spec.lines().size(); i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2.0f));
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setOutlinePaint(new Color(0xbbbbbb));
        JFreeChart chart = new JFreeChart(null, TITLE, plot, spec.lines().size() > 1);
        chart.setTitle(new TextTitle(spec.figure() + " against " + spec.xLabel(), TITLE));
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setPosition(RectangleEdge.BOTTOM);
            legend.setItemFont(LABEL);
            legend.setFrame(BlockBorder.NONE);
        }
        return chart;
    }

    static String html(JsonNode sweep, List<String> paths, Table table, List<Chart> charts, List<String> svgs) {
        String name = sweep.path("scenario").asText("sweep");
        String status = sweep.path("status").asText("?");
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>ballast sweep: ").append(esc(name)).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body data-charts=\"").append(charts.size()).append("\">\n");
        h.append("<header>\n<h1>ballast sweep: ").append(esc(name)).append("</h1>\n<p class=\"status ").append(esc(status))
                .append("\">").append(esc(status.toUpperCase(Locale.ROOT))).append("</p>\n<p>")
                .append(esc(String.join(sweep.path("combine").asText("cross").equals("zip") ? " zipped with " : " crossed with ", paths)))
                .append(" &middot; ").append(sweep.path("points").size()).append(" points &middot; ")
                .append(sweep.path("seeds").asInt(1)).append(" seed(s) per point &middot; ")
                .append(sweep.path("finishedRuns").asInt()).append(" of ").append(sweep.path("plannedRuns").asInt())
                .append(" runs finished</p>\n");
        if (sweep.path("interrupted").asBoolean(false)) {
            h.append("<p class=\"warn\">Interrupted (Ctrl-C): the tables and charts cover the runs that finished.</p>\n");
        }
        h.append("</header>\n<section id=\"charts\">\n<h2>Figures against ").append(esc(paths.isEmpty() ? "" : paths.get(0)))
                .append("</h2>\n<p>Each point is the mean over the point's seeds; its bar is the 95% confidence interval "
                        + "(Student's t); no bar with one seed.</p>\n");
        for (int i = 0; i < charts.size(); i++) {
            Chart c = charts.get(i);
            h.append("<figure class=\"chart\" data-figure=\"").append(esc(c.figure())).append("\" data-error-bars=\"")
                    .append(c.errorBars()).append("\">\n").append(svgs.get(i)).append("\n</figure>\n");
        }
        h.append("</section>\n<section id=\"points\">\n<h2>Points</h2>\n<table>\n<tr>");
        List<Integer> shown = new ArrayList<>();
        for (int i = 0; i < table.header().size(); i++) {
            String col = table.header().get(i);
            boolean chosen = charts.stream().anyMatch(c -> col.equals(c.figure() + "_mean") || col.equals(c.figure() + "_ci95"));
            if (i < paths.size() + 3 || chosen) {
                shown.add(i);
                h.append("<th>").append(esc(col)).append("</th>");
            }
        }
        h.append("</tr>\n");
        for (List<String> r : table.rows()) {
            h.append("<tr>");
            for (int i : shown) {
                h.append("<td>").append(esc(r.get(i))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<p>Every figure of every point: <a href=\"").append(SweepTable.POINTS_FILE).append("\">")
                .append(SweepTable.POINTS_FILE).append("</a>; of every run: <a href=\"").append(SweepTable.RUNS_FILE)
                .append("\">").append(SweepTable.RUNS_FILE).append("</a>.</p>\n</section>\n");
        h.append("<section id=\"runs\">\n<h2>Runs</h2>\n<ul>\n");
        for (JsonNode p : sweep.path("points")) {
            for (JsonNode r : p.path("runs")) {
                String dir = r.path("dir").asText();
                h.append("<li>").append(esc(p.path("label").asText())).append(", seed ").append(r.path("seed").asText())
                        .append(": ").append(esc(r.path("status").asText()));
                if (!dir.isEmpty()) {
                    h.append(" &middot; <a href=\"").append(esc(dir)).append("/report.html\">report</a>");
                }
                h.append("</li>\n");
            }
        }
        h.append("</ul>\n</section>\n");
        h.append("<script>\n(function () {\n  var n = 0;\n  document.querySelectorAll('figure.chart').forEach(function (f) {\n"
                + "    var s = f.querySelector('svg');\n    if (s && s.getBoundingClientRect().width > 0) { f.setAttribute('data-rendered', 'true'); n++; }\n"
                + "  });\n  document.body.setAttribute('data-charts-rendered', String(n));\n})();\n</script>\n</body>\n</html>\n");
        return h.toString();
    }

    private static final String CSS = """
            body { font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 1100px; color: #222; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.2em; border-bottom: 1px solid #ddd; }
            .status { font-weight: bold; } .ok { color: #2e7d32; } .failed { color: #c0392b; }
            .interrupted, .warn { color: #b26a00; }
            figure.chart { margin: 1em 0; max-width: 760px; } figure.chart svg { width: 100%; height: auto; }
            table { border-collapse: collapse; font-size: 0.85em; } td, th { border: 1px solid #ddd; padding: 2px 6px; text-align: right; }
            """;

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Reads a csv file written by {@link SweepTable} (quoted fields allowed). */
    static Table readCsv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IOException(file + ": empty");
        }
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isEmpty()) {
                rows.add(fields(line));
            }
        }
        List<String> header = fields(lines.get(0));
        for (List<String> r : rows) {
            if (r.size() != header.size()) {
                throw new IOException(file + ": a row has " + r.size() + " fields, the header " + header.size());
            }
        }
        return new Table(header, rows);
    }

    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
