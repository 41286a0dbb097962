package ballast.app.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.JFreeChart;

/**
 * {@code DIR/report.html}: one self-contained page (inline SVG charts, inline CSS, no external
 * resource) that opens offline in any browser, built from a run directory's files alone
 * ({@link RunData}): the run's figures, its invariant results, the hosts and guests tables, the
 * charts of {@link ChartPlan} (and the list of those left out because they would say nothing), and
 * the scenario as run. Every chart is also written as {@code DIR/charts/ID.png} and
 * {@code DIR/charts/ID.svg} for READMEs and papers.
 *
 * <p>A few lines of script at the end of the page count the charts the browser actually laid out
 * ({@code body[data-charts-rendered]}, {@code figure[data-rendered]}); the browser test reads them.
 */
public final class HtmlReport {
    public static final String FILE = "report.html";
    public static final String CHARTS_DIR = "charts";

    static {
        // ImageIO's default disk cache registers each image stream with its StreamCloser, a JVM
        // shutdown hook that closes them all: a signal while the charts are drawn (after the last
        // tick) would close a chart's stream under its writer, and the page was never written.
        // Encoded in memory, a chart's stream belongs to its writer alone.
        javax.imageio.ImageIO.setUseCache(false);
    }

    private HtmlReport() {
    }

    /**
     * Loads what drawing needs (fonts, image writers) by drawing a small chart to memory. Java's
     * font and imaging code registers JVM shutdown hooks when first used, which is refused once the
     * JVM is shutting down: a run calls this before it starts, so that the report of a run stopped
     * by Ctrl-C can still be drawn.
     */
    public static void warmUp() {
        try {
            ChartPlan.Chart tiny = new ChartPlan.Chart("warm-up", "compare", "", "warm-up", "MiB",
                    List.of(new ChartPlan.Line("a", new double[] {0, 1}, new double[] {0, 1}),
                            new ChartPlan.Line("b", new double[] {0, 1}, new double[] {1, 0})),
                    List.of(new ChartPlan.Marker("m", 0.5, true)));
            JFreeChart chart = ChartRenderer.chart(tiny);
            ChartRenderer.svg(chart, tiny.id());
            java.awt.image.BufferedImage image = chart.createBufferedImage(200, 100);
            javax.imageio.ImageIO.write(image, "png", new java.io.ByteArrayOutputStream());
        } catch (IOException | RuntimeException e) {
            // the report will say what is wrong when it is written
        }
    }

    /**
     * Builds report.html and charts/*.png of the run in {@code dir}; returns the charts drawn. A file
     * it does not draw (a chart of an earlier run, the user's own picture) is left alone.
     */
    public static List<ChartPlan.Chart> write(Path dir) throws IOException {
        RunData run = RunData.read(dir);
        ChartPlan.Plan plan = ChartPlan.layout(run);
        List<ChartPlan.Chart> charts = plan.charts();
        Path pngDir = dir.resolve(CHARTS_DIR);
        Files.createDirectories(pngDir);
        // Charts are independent: draw them on every core (the run is over by now).
        String[] svgs = new String[charts.size()];
        try {
            java.util.stream.IntStream.range(0, charts.size()).parallel().forEach(i -> {
                ChartPlan.Chart c = charts.get(i);
                JFreeChart chart = ChartRenderer.chart(c);
                svgs[i] = ChartRenderer.svg(chart, c.id());
                try {
                    ChartRenderer.png(chart, pngDir.resolve(c.id() + ".png"));
                    RunWriter.writeAtomically(pngDir.resolve(c.id() + ".svg"), svgFile(svgs[i]));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        List<String> svg = List.of(svgs);
        RunWriter.writeAtomically(dir.resolve(FILE), html(run, plan, svg));
        return charts;
    }

    /** An inline {@code <svg>} element as a file of its own. */
    static String svgFile(String element) {
        String svg = element.contains("xmlns=") ? element
                : element.replaceFirst("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" ");
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg + "\n";
    }

    static String html(RunData run, List<ChartPlan.Chart> charts, List<String> svg) {
        return html(run, new ChartPlan.Plan(charts, List.of()), svg);
    }

    static String html(RunData run, ChartPlan.Plan plan, List<String> svg) {
        List<ChartPlan.Chart> charts = plan.charts();
        JsonNode s = run.summary();
        String name = s.path("scenario").asText("run");
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>ballast: ").append(esc(name)).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n")
                .append("<body data-charts=\"").append(charts.size()).append("\">\n");

        String status = s.path("status").asText("?");
        h.append("<header>\n<h1>ballast report: ").append(esc(name)).append("</h1>\n<p class=\"status ")
                .append(esc(status)).append("\">").append(esc(status.toUpperCase(Locale.ROOT))).append("</p>\n<p>")
                .append(String.format(Locale.ROOT, "seed %s &middot; %s ticks &middot; %s s simulated &middot; %s accesses &middot; %s s wall",
                        esc(s.path("seed").asText()), num(s.path("ticks")), esc(s.path("simulatedSeconds").asText()),
                        num(s.path("accesses")), esc(s.path("timing").path("wallSeconds").asText())))
                .append("</p>\n");
        if (s.path("interrupted").asBoolean(false)) {
            h.append("<p class=\"warn\">Interrupted (Ctrl-C): the figures cover what was simulated until then.</p>\n");
        }
        if (!s.path("failure").isMissingNode() && !s.path("failure").isNull()) {
            h.append("<p class=\"bad\">Failed: ").append(esc(s.path("failure").asText())).append("</p>\n");
        }
        h.append("<nav><a href=\"#run\">run</a> <a href=\"#invariants\">invariants</a> ")
                .append(s.path("faults").size() > 0 ? "<a href=\"#faults\">faults</a> " : "")
                .append(s.path("events").size() > 0 ? "<a href=\"#events\">events</a> " : "")
                .append(s.path("migrations").size() > 0 ? "<a href=\"#migrations\">migrations</a> " : "")
                .append("<a href=\"#hosts\">hosts</a> <a href=\"#guests\">guests</a> <a href=\"#compare\">guests compared</a>"
                        + (plan.omitted().isEmpty() ? "" : " <a href=\"#omitted\">charts left out</a>")
                + " <a href=\"#scenario\">scenario</a></nav>\n</header>\n");

        h.append("<section id=\"run\">\n<h2>Run</h2>\n<table class=\"kv\">\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isValueNode()) {
                h.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(cell(e.getKey(), e.getValue()))
                        .append("</td></tr>\n");
            } else if (e.getKey().equals("timing")) {
                for (Iterator<Map.Entry<String, JsonNode>> t = e.getValue().fields(); t.hasNext(); ) {
                    Map.Entry<String, JsonNode> te = t.next();
                    h.append("<tr><th>timing.").append(esc(te.getKey())).append("</th><td>")
                            .append(cell(te.getKey(), te.getValue())).append("</td></tr>\n");
                }
            }
        }
        h.append("</table>\n</section>\n");

        JsonNode inv = s.path("invariants");
        long violations = inv.path("violations").asLong();
        h.append("<section id=\"invariants\">\n<h2>Invariants</h2>\n<p class=\"").append(violations == 0 ? "good" : "bad")
                .append("\">").append(num(inv.path("checks"))).append(" checks, ").append(violations)
                .append(violations == 0 ? " violations: frame conservation, refcounts, isolation and integrity all held."
                        : " violations:").append("</p>\n");
        if (inv.path("messages").size() > 0) {
            h.append("<ul class=\"bad\">\n");
            for (JsonNode m : inv.path("messages")) {
                h.append("<li>").append(esc(m.asText())).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        h.append("<p>Reads verified against what each guest wrote: ").append(num(sum(s.path("guests"), "readsVerified")))
                .append("; mismatched: ").append(num(s.path("readMismatches"))).append(".</p>\n</section>\n");

        if (s.path("faults").size() > 0) {
            h.append("<section id=\"faults\">\n<h2>Faults</h2>\n<p class=\"warn\">Guests that failed, were lost with"
                    + " their node, or could not be moved, and what was done.</p>\n").append(table(s.path("faults")))
                    .append("</section>\n");
        }
        if (s.path("events").size() > 0) {
            h.append("<section id=\"events\">\n<h2>Timed events</h2>\n<p class=\"note\">Applied between ticks, before the"
                    + " tick named; drawn as dotted lines on the charts.</p>\n").append(table(s.path("events")))
                    .append("</section>\n");
        }
        if (s.path("migrations").size() > 0) {
            h.append("<section id=\"migrations\">\n<h2>Live migrations</h2>\n<p class=\"note\">Pre-copy: rounds (the"
                    + " first, full one included), pages sent in all, downtime (the stop-and-copy's pages on the link) and"
                    + " total time in simulated milliseconds; trigger: a migrate event or the hotspot trigger.</p>\n")
                    .append(table(s.path("migrations"))).append("</section>\n");
        }
        h.append("<section id=\"hosts\">\n<h2>Hosts</h2>\n").append(table(s.path("hosts")));
        appendCharts(h, charts, svg, "hosts");
        h.append("</section>\n");

        h.append("<section id=\"guests\">\n<h2>Guests</h2>\n").append(table(s.path("guests")));
        int guestCount = run.guests().series().size();
        if (guestCount > ChartPlan.MAX_GUEST_SECTIONS) {
            h.append("<p class=\"note\">Charts of the first ").append(ChartPlan.MAX_GUEST_SECTIONS).append(" of ")
                    .append(guestCount).append(" guests; every guest is in the table and in timeseries.csv.</p>\n");
        }
        appendCharts(h, charts, svg, "guests");
        h.append("</section>\n");

        h.append("<section id=\"compare\">\n<h2>Guests compared</h2>\n<p class=\"note\">Levels in MiB (4 KiB pages / 256); "
                + "counters as their rate per simulated second between two samples.");
        if (guestCount > ChartPlan.MAX_COMPARED) {
            h.append(" Lines for the first ").append(ChartPlan.MAX_COMPARED).append(" of ").append(guestCount).append(" guests.");
        }
        h.append("</p>\n");
        appendCharts(h, charts, svg, "compare");
        h.append("</section>\n");

        if (!plan.omitted().isEmpty()) {
            h.append("<section id=\"omitted\">\n<h2>Charts left out</h2>\n<p class=\"note\">They would say nothing;"
                    + " the tables above and the csv files hold their figures.</p>\n<ul class=\"omitted\">\n");
            for (ChartPlan.Omitted o : plan.omitted()) {
                h.append("<li data-omitted=\"").append(esc(o.id())).append("\">").append(esc(o.title())).append(": ")
                        .append(esc(o.why())).append("</li>\n");
            }
            h.append("</ul>\n</section>\n");
        }
        h.append("<section id=\"scenario\">\n<h2>Scenario as run</h2>\n");
        if (run.scenarioText() == null) {
            h.append("<p class=\"note\">No scenario.conf in this run directory.</p>\n");
        } else {
            h.append("<pre>").append(esc(run.scenarioText())).append("</pre>\n");
        }
        h.append("</section>\n<footer>Made by ballast from summary.json, timeseries.csv and hosts.csv; "
                + "the charts are also in charts/*.png and charts/*.svg.</footer>\n");
        h.append("<script>\n").append(SELF_CHECK).append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void appendCharts(StringBuilder h, List<ChartPlan.Chart> charts, List<String> svg, String section) {
        boolean open = false;
        for (int i = 0; i < charts.size(); i++) {
            ChartPlan.Chart c = charts.get(i);
            if (!c.section().equals(section)) {
                continue;
            }
            if (!open) {
                h.append("<div class=\"grid\">\n");
                open = true;
            }
            h.append("<figure class=\"chart\" id=\"chart-").append(esc(c.id())).append("\" data-chart=\"")
                    .append(esc(c.id())).append("\">\n").append(svg.get(i)).append("\n<figcaption>").append(esc(c.title()))
                    .append(" &middot; <a href=\"charts/").append(esc(c.id())).append(".png\">PNG</a> <a href=\"charts/")
                    .append(esc(c.id())).append(".svg\">SVG</a></figcaption>\n</figure>\n");
        }
        if (open) {
            h.append("</div>\n");
        } else {
            h.append("<p class=\"note\">No time series for this section.</p>\n");
        }
    }

    /** A table of a JSON array of flat objects: one row per element, one column per key. */
    private static String table(JsonNode rows) {
        if (!rows.isArray() || rows.isEmpty()) {
            return "<p class=\"note\">none</p>\n";
        }
        Set<String> keys = new LinkedHashSet<>();
        for (JsonNode r : rows) {
            r.fieldNames().forEachRemaining(keys::add);
        }
        StringBuilder t = new StringBuilder("<div class=\"scroll\"><table>\n<tr>");
        for (String k : keys) {
            t.append("<th>").append(esc(k)).append("</th>");
        }
        t.append("</tr>\n");
        for (JsonNode r : rows) {
            t.append("<tr>");
            for (String k : keys) {
                JsonNode v = r.path(k);
                t.append(v.isNumber() ? "<td class=\"n\">" : "<td>").append(cell(k, v)).append("</td>");
            }
            t.append("</tr>\n");
        }
        return t.append("</table></div>\n").toString();
    }

    private static String cell(String key, JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return "";
        }
        if (v.isIntegralNumber()) {
            String n = num(v);
            if (ChartPlan.inPages(key)) {
                n += String.format(Locale.ROOT, " <small>(%.1f MiB)</small>", v.asLong() / 256.0);
            }
            return n;
        }
        if (v.isObject() || v.isArray()) {
            return esc(v.toString());
        }
        return esc(v.asText());
    }

    private static long sum(JsonNode rows, String key) {
        long total = 0;
        for (JsonNode r : rows) {
            total += r.path(key).asLong();
        }
        return total;
    }

    private static String num(JsonNode v) {
        return v.isIntegralNumber() ? String.format(Locale.ROOT, "%,d", v.asLong()) : esc(v.asText());
    }

    private static String num(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                case '&': out.append("&amp;"); break;
                case '"': out.append("&quot;"); break;
                default: out.append(c);
            }
        }
        return out.toString();
    }

    private static final String CSS = String.join("\n",
            "body { font-family: system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif; margin: 0 auto;"
                    + " max-width: 1500px; padding: 0 1.5rem 2rem; color: #222; background: #fafafa; }",
            "header { border-bottom: 1px solid #ddd; margin-bottom: 1rem; }",
            "h1 { font-size: 1.6rem; margin: 1rem 0 .3rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #eee; }",
            "h3 { margin: 1.2rem 0 .4rem; font-family: ui-monospace, 'DejaVu Sans Mono', monospace; }",
            "nav a { margin-right: 1rem; } .note { color: #666; }",
            ".status { display: inline-block; padding: .1rem .6rem; border-radius: 4px; font-weight: bold; color: #fff; }",
            ".status.ok { background: #2e7d32; } .status.failed { background: #c62828; } .status.interrupted { background: #ef6c00; }",
            ".good { color: #2e7d32; } .bad { color: #c62828; } .warn { color: #ef6c00; font-weight: bold; }",
            ".grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 1rem; }",
            "figure.chart { margin: 0; background: #fff; border: 1px solid #e3e3e3; border-radius: 4px; padding: .3rem; }",
            "figure.chart svg { width: 100%; height: auto; display: block; }",
            "figcaption { font-size: .8rem; color: #555; padding: .2rem .4rem; }",
            ".scroll { overflow-x: auto; } table { border-collapse: collapse; font-size: .85rem; background: #fff; }",
            "th, td { border: 1px solid #e3e3e3; padding: .2rem .5rem; text-align: left; white-space: nowrap; }",
            "td.n { text-align: right; font-variant-numeric: tabular-nums; } small { color: #777; }",
            "table.kv th { background: #f3f3f3; } pre { background: #fff; border: 1px solid #e3e3e3; padding: .8rem; overflow-x: auto; }",
            "footer { margin-top: 2rem; color: #777; font-size: .8rem; }",
            "");

    /** Marks every chart whose SVG the browser laid out with a size, and counts them. */
    private static final String SELF_CHECK = String.join("\n",
            "(function () {",
            "  var rendered = 0;",
            "  document.querySelectorAll('figure.chart').forEach(function (f) {",
            "    var svg = f.querySelector('svg');",
            "    var box = svg ? svg.getBoundingClientRect() : null;",
            "    if (box && box.width > 0 && box.height > 0 && svg.querySelector('path, line, polyline')) {",
            "      f.setAttribute('data-rendered', 'true');",
            "      rendered++;",
            "    }",
            "  });",
            "  document.body.setAttribute('data-charts-rendered', String(rendered));",
            "})();",
            "");
}
