package ballast.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.scheduler.run.Quickstart;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Scenario;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** report.html and the chart PNGs of a real (short) quickstart run. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HtmlReportTest {
    private Path dir;
    private List<ChartPlan.Chart> charts;
    private String html;

    @BeforeAll
    void run(@TempDir Path runDir) throws Exception {
        dir = runDir;
        Scenario scenario = Quickstart.load(3, null);
        RunResult result = Simulation.run(scenario, Simulation.Options.defaults());
        RunWriter.write(dir, scenario, result, false);
        charts = HtmlReport.write(dir);
        html = Files.readString(dir.resolve("report.html"));
    }

    @Test
    void everyPlannedChartIsInThePageAsInlineSvgAndAsAPng() throws Exception {
        assertThat(charts).extracting(ChartPlan.Chart::id).contains("host-host-a-free", "host-host-a-frames",
                "guest-web-1-memory", "guest-web-2-memory", "guest-db-memory", "guest-batch-memory",
                "compare-allocatedPages", "compare-accesses", "compare-overheadCycles");
        assertThat(html).contains("<body data-charts=\"" + charts.size() + "\">");
        for (ChartPlan.Chart c : charts) {
            assertThat(html).contains("<figure class=\"chart\" id=\"chart-" + c.id() + "\"");
            assertThat(html).contains("<svg id='svg-" + c.id() + "'");
            BufferedImage png = ImageIO.read(dir.resolve("charts").resolve(c.id() + ".png").toFile());
            assertThat(png.getWidth()).isEqualTo(ChartRenderer.WIDTH);
            assertThat(png.getHeight()).isEqualTo(ChartRenderer.HEIGHT);
            // and as a standalone SVG file: well-formed XML whose root is an SVG element of the chart's size
            org.w3c.dom.Element svg = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(dir.resolve("charts").resolve(c.id() + ".svg").toFile()).getDocumentElement();
            assertThat(svg.getTagName()).isEqualTo("svg");
            assertThat(svg.getAttribute("xmlns")).isEqualTo("http://www.w3.org/2000/svg");
            assertThat(svg.getAttribute("viewBox")).isEqualTo("0 0 " + ChartRenderer.WIDTH + " " + ChartRenderer.HEIGHT);
        }
        Matcher figures = Pattern.compile("<figure class=\"chart\"").matcher(html);
        assertThat(figures.results().count()).isEqualTo(charts.size());
    }

    @Test
    void chartsAreEncodedInMemoryWhereAShutdownHookCannotCloseTheirStreams() throws Exception {
        HtmlReport.warmUp();
        // a disk-cached stream (FileCacheImageOutputStream) would be closed by ImageIO's StreamCloser
        // shutdown hook if a signal came while the report is drawn; an in-memory one is not
        try (var stream = ImageIO.createImageOutputStream(new java.io.ByteArrayOutputStream())) {
            assertThat(stream).isInstanceOf(javax.imageio.stream.MemoryCacheImageOutputStream.class);
        }
        assertThat(ImageIO.getUseCache()).isFalse();
    }

    @Test
    void thePageIsSelfContained() {
        assertThat(html).doesNotContain("<link").doesNotContain("<img").doesNotContain("src=")
                .doesNotContain("@import").doesNotContain("url(http");
        // The only links are to the page's own sections and to the PNGs and SVGs beside it.
        Matcher href = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
        while (href.find()) {
            assertThat(href.group(1)).matches("#[a-z]+|charts/[A-Za-z0-9_.-]+\\.(png|svg)");
        }
        // Clip-path ids must not collide between the many SVGs of one page.
        Matcher clip = Pattern.compile("<clipPath id='([^']+)'").matcher(html);
        java.util.Set<String> ids = new java.util.HashSet<>();
        while (clip.find()) {
            assertThat(ids.add(clip.group(1))).as("duplicate id " + clip.group(1)).isTrue();
        }
    }

    @Test
    void thePageHoldsTheSummaryTablesInvariantsAndScenario() {
        assertThat(html).contains("<h1>ballast report: quickstart</h1>", "class=\"status ok\"", "0 violations",
                "<h2>Hosts</h2>", "framesFree", "<h2>Guests</h2>", "readsVerified", "<h2>Scenario as run</h2>",
                "linux-small", "web-1", "batch");
    }

    @Test
    void theReportCommandRebuildsTheSamePageFromTheFilesAndKeepsAPictureItDidNotDraw() throws Exception {
        Files.delete(dir.resolve("report.html"));
        Files.write(dir.resolve("charts").resolve("mine.png"), new byte[] {1});
        int code = ballast.app.cli.Main.execute(new String[] {"report", dir.toString()},
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(new java.io.StringWriter()));
        assertThat(code).isZero();
        assertThat(Files.readString(dir.resolve("report.html"))).isEqualTo(html);
        assertThat(dir.resolve("charts").resolve("mine.png")).hasBinaryContent(new byte[] {1});
    }

    @Test
    void reportOfADirectoryThatIsNoRunSaysSo(@TempDir Path empty) {
        java.io.StringWriter err = new java.io.StringWriter();
        int code = ballast.app.cli.Main.execute(new String[] {"report", empty.toString()},
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("summary.json").contains("not a run directory");
    }

    @Test
    void reportOfADamagedSummaryNamesTheFile(@TempDir Path broken) throws Exception {
        Files.writeString(broken.resolve("summary.json"), "{ \"scenario\": ");
        java.io.StringWriter err = new java.io.StringWriter();
        int code = ballast.app.cli.Main.execute(new String[] {"report", broken.toString()},
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains(broken.resolve("summary.json") + ": cannot be read: ")
                .doesNotContain("Exception", "\tat ");
        Files.writeString(broken.resolve("summary.json"), "[1, 2]");
        err = new java.io.StringWriter();
        code = ballast.app.cli.Main.execute(new String[] {"report", broken.toString()},
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains(broken.resolve("summary.json") + ": not a run's summary");
    }
}
