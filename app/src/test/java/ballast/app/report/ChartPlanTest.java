package ballast.app.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The charts follow the columns a run has: figures added by other work reach the report by themselves. */
class ChartPlanTest {

    static Path runDir(Path dir, String summary, String guestsCsv, String hostsCsv) throws Exception {
        Files.writeString(dir.resolve("summary.json"), summary);
        Files.writeString(dir.resolve("timeseries.csv"), guestsCsv);
        if (hostsCsv != null) {
            Files.writeString(dir.resolve("hosts.csv"), hostsCsv);
        }
        return dir;
    }

    @Test
    void todaysColumnsGiveFreeMemoryFramesMemoryAndComparisons(@TempDir Path dir) throws Exception {
        RunData run = RunData.read(runDir(dir, "{\"scenario\":\"t\",\"hosts\":[{\"name\":\"h\"}],\"guests\":[]}",
                "simulatedSeconds,guest,host,configuredPages,allocatedPages,pagesTouched,accesses\n"
                        + "1.0,a,h,256,128,100,1000\n1.0,b,h,512,256,200,500\n2.0,a,h,256,256,200,3000\n2.0,b,h,512,256,200,500\n",
                "simulatedSeconds,host,framesTotal,framesFree\n1.0,h,1024,512\n2.0,h,1024,256\n"));
        Map<String, ChartPlan.Chart> charts = byId(ChartPlan.plan(run));
        assertThat(charts.keySet()).containsExactly("host-h-free", "host-h-frames", "guest-a-memory", "guest-b-memory",
                "compare-allocatedPages", "compare-pagesTouched", "compare-accesses");
        assertThat(charts.get("host-h-free").markers()).isEmpty();
        ChartPlan.Chart memory = charts.get("guest-a-memory");
        assertThat(memory.unit()).isEqualTo("MiB");
        assertThat(memory.lines()).extracting(ChartPlan.Line::label).containsExactly("allocatedPages", "pagesTouched");
        assertThat(memory.lines().get(0).y()).containsExactly(0.5, 1.0); // 128 and 256 pages in MiB
        // The configured size is a constant: a marker, which widens the axis only when the lines come near it.
        assertThat(memory.markers()).containsExactly(new ChartPlan.Marker("configured", 1.0, false));
        // Counters are drawn as a rate per simulated second: 1000 in the first second, 2000 in the next.
        ChartPlan.Chart accesses = charts.get("compare-accesses");
        assertThat(accesses.unit()).isEqualTo("per simulated second");
        assertThat(accesses.lines()).extracting(ChartPlan.Line::label).containsExactly("a", "b");
        assertThat(accesses.lines().get(0).y()).containsExactly(1000.0, 2000.0);
        assertThat(accesses.lines().get(1).y()).containsExactly(500.0, 0.0);
    }

    @Test
    void futureFiguresAndThresholdsReachTheReportWithoutChangingIt(@TempDir Path dir) throws Exception {
        RunData run = RunData.read(runDir(dir,
                "{\"scenario\":\"t\",\"hosts\":[{\"name\":\"h\",\"thresholds\":{\"high\":600,\"soft\":400,\"hard\":200,\"low\":100}}]}",
                "simulatedSeconds,guest,host,configuredPages,allocatedPages,pagesTouched,workingSetEstimatePages,"
                        + "workingSetTruePages,balloonPages,hostSwappedPages,guestSwappedPages,sharedPages,cowBreaks\n"
                        + "1.0,g,h,256,128,100,90,95,10,5,6,7,8\n",
                "simulatedSeconds,host,framesTotal,framesFree,pagesShared,pagesSharing,fullScans\n1.0,h,1024,512,10,40,3\n"));
        Map<String, ChartPlan.Chart> charts = byId(ChartPlan.plan(run));
        assertThat(charts.keySet()).contains("host-h-free", "host-h-frames", "host-h-sharing", "host-h-events",
                "guest-g-memory", "guest-g-working-set", "guest-g-balloon", "guest-g-swap", "guest-g-shared",
                "compare-cowBreaks", "compare-balloonPages");
        assertThat(charts.get("host-h-free").markers()).extracting(ChartPlan.Marker::label)
                .containsExactly("high", "soft", "hard", "low");
        assertThat(charts.get("host-h-free").markers().get(0).y()).isCloseTo(600 / 256.0, within(1e-9));
        assertThat(charts.get("guest-g-working-set").lines()).extracting(ChartPlan.Line::label)
                .containsExactly("workingSetEstimatePages", "workingSetTruePages");
        assertThat(charts.get("guest-g-swap").lines()).extracting(ChartPlan.Line::label)
                .containsExactly("hostSwappedPages", "guestSwappedPages");
        assertThat(charts.get("host-h-sharing").lines()).extracting(ChartPlan.Line::label)
                .containsExactly("pagesShared", "pagesSharing");
        assertThat(charts.get("host-h-events").lines()).extracting(ChartPlan.Line::label).containsExactly("fullScans");
        assertThat(charts.get("compare-cowBreaks").unit()).isEqualTo("per simulated second");
    }

    @Test
    void aRunWithoutHostsCsvStillHasItsGuestCharts(@TempDir Path dir) throws Exception {
        RunData run = RunData.read(runDir(dir, "{\"scenario\":\"t\"}",
                "simulatedSeconds,guest,host,allocatedPages\n1.0,g,h,1\n", null));
        assertThat(byId(ChartPlan.plan(run)).keySet()).containsExactly("guest-g-memory", "compare-allocatedPages");
    }

    @Test
    void longSeriesAreThinnedKeepingTheEnds() {
        int[] keep = ChartPlan.thin(100_000);
        assertThat(keep).hasSize(ChartPlan.MAX_POINTS);
        assertThat(keep[0]).isZero();
        assertThat(keep[keep.length - 1]).isEqualTo(99_999);
        assertThat(ChartPlan.thin(10)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void levelsAndCountersAreToldApartByName() {
        for (String level : List.of("allocatedPages", "pagesTouched", "framesFree", "pagesSharing", "balloonPages",
                "workingSetEstimate")) {
            assertThat(ChartPlan.isPageLevel(level)).as(level).isTrue();
        }
        for (String counter : List.of("accesses", "tlbHits", "cowBreaks", "overheadCycles", "fullScans")) {
            assertThat(ChartPlan.isPageLevel(counter)).as(counter).isFalse();
        }
    }

    @Test
    void axisLabelsAreCompact() {
        java.text.NumberFormat f = new ChartRenderer.Compact();
        assertThat(f.format(0)).isEqualTo("0");
        assertThat(f.format(0.5)).isEqualTo("0.5");
        assertThat(f.format(950)).isEqualTo("950");
        assertThat(f.format(1500)).isEqualTo("1.5k");
        assertThat(f.format(1.3e8)).isEqualTo("130M");
        assertThat(f.format(2.95e9)).isEqualTo("2.95G");
        assertThat(f.format(-2000)).isEqualTo("-2k");
    }

    @Test
    void figuresAreDrawnAsTheirKindSaysAndChartsThatSayNothingAreListed(@TempDir Path dir) throws Exception {
        // correct: a boolean, 1 throughout; overheadPercent: a ratio that falls; pagesScanned: a counter of pages
        RunData run = RunData.read(runDir(dir, "{\"scenario\":\"t\",\"hosts\":[{\"name\":\"h\",\"policy\":\"off\","
                        + "\"thresholds\":{\"high\":600,\"soft\":400}}]}",
                "simulatedSeconds,guest,host,allocatedPages,correct,overheadPercent,balloonPages\n"
                        + "1.0,g,h,100,true,12.5,0\n2.0,g,h,200,true,10.0,0\n",
                "simulatedSeconds,host,framesTotal,framesFree,guestPagesBacked,pagesScanned\n"
                        + "1.0,h,1024,512,100,256\n2.0,h,1024,412,200,768\n"));
        ChartPlan.Plan plan = ChartPlan.layout(run);
        Map<String, ChartPlan.Chart> charts = byId(plan.charts());
        // a ratio as it is, never as a rate of change (which would be -2.5 per second here)
        ChartPlan.Chart overhead = charts.get("compare-overheadPercent");
        assertThat(overhead.lines().get(0).y()).containsExactly(12.5, 10.0);
        assertThat(overhead.lines().get(0).asRate()).isFalse();
        assertThat(overhead.unit()).isEqualTo("%");
        assertThat(overhead.title()).isEqualTo("overhead, by guest");
        // a level of the host in MiB, not a rate; a counter of pages as pages per second, not MiB
        assertThat(charts.get("host-h-other").lines()).extracting(ChartPlan.Line::column).containsExactly("guestPagesBacked");
        assertThat(charts.get("host-h-other").lines().get(0).legend()).isEqualTo("guest memory backed");
        ChartPlan.Line scanned = charts.get("host-h-events").lines().get(0);
        assertThat(scanned.column()).isEqualTo("pagesScanned");
        assertThat(scanned.asRate()).isTrue();
        assertThat(scanned.y()).containsExactly(256.0, 512.0);
        // correct, 1 throughout, and the balloon, 0 throughout, are left out and listed with why
        assertThat(charts).doesNotContainKeys("compare-correct", "compare-balloonPages");
        assertThat(plan.omitted()).contains(new ChartPlan.Omitted("compare-correct", "correct, by guest", "constant: 1"),
                new ChartPlan.Omitted("compare-balloonPages", "balloon, by guest", "zero throughout"));
        // the host does not reclaim (policy off; the policy none keeps allocations on a host that does): no thresholds
        assertThat(HostFigures.reclaims("off")).isFalse();
        assertThat(HostFigures.reclaims("none")).isTrue();
        assertThat(HostFigures.reclaims("idle-tax")).isTrue();
        assertThat(charts.get("host-h-free").markers()).isEmpty();
        assertThat(charts.get("host-h-free").lines()).hasSize(1);
    }

    @Test
    void closeThresholdsAreLabelledTogetherAndDistantOnesApart() {
        List<ChartPlan.Marker> markers = List.of(new ChartPlan.Marker("high", 61, true),
                new ChartPlan.Marker("soft", 41, true), new ChartPlan.Marker("hard", 20.5, true),
                new ChartPlan.Marker("low", 10.2, true));
        // on an axis of 1000 MiB they are all within 6% of each other: one label, from the top down
        assertThat(ChartRenderer.markerLabels(markers, 1000)).containsExactly("high / soft / hard / low", "", "", "");
        // on an axis of 200 MiB only hard and low are that close (10.3 MiB apart)
        assertThat(ChartRenderer.markerLabels(markers, 200)).containsExactly("high", "soft", "hard / low", "");
    }

    @Test
    void timedEventLabelsThatWouldRunIntoEachOtherGoDownARow() {
        List<ChartPlan.Moment> moments = List.of(new ChartPlan.Moment("start citrix", 30),
                new ChartPlan.Moment("start sql", 60), new ChartPlan.Moment("start web", 90),
                new ChartPlan.Moment("stop web", 280));
        // 300 s across about 630 pixels: "start citrix" is about 86 pixels, 41 s, wide
        assertThat(ChartRenderer.momentRows(moments, 300)).containsExactly(0, 1, 0, 0);
        // across a chart of only 30 s, a second is 21 pixels: every label fits before the next event
        assertThat(ChartRenderer.momentRows(moments, 30)).containsExactly(0, 0, 0, 0);
    }

    @Test
    void aLineLyingOnAnEarlierOneIsDashedAndSaysSo() {
        double[] x = {1, 2, 3};
        ChartPlan.Line a = new ChartPlan.Line("web-1", x, new double[] {10, 20, 30});
        ChartPlan.Line b = new ChartPlan.Line("web-2", x, new double[] {10, 20, 30.01});
        ChartPlan.Line c = new ChartPlan.Line("db", x, new double[] {5, 5, 6});
        ChartPlan.Chart chart = new ChartPlan.Chart("compare-x", "compare", "", "x, by guest", "MiB", List.of(a, b, c),
                List.of());
        assertThat(ChartRenderer.hiddenBy(chart.lines())).containsExactly(-1, 0, -1);
        assertThat(ChartRenderer.legend(chart, b)).isEqualTo("web-2 (on web-1)");
        assertThat(ChartRenderer.legend(chart, c)).isEqualTo("db");
        org.jfree.chart.renderer.xy.XYItemRenderer renderer = ChartRenderer.chart(chart).getXYPlot().getRenderer();
        assertThat(((java.awt.BasicStroke) renderer.getSeriesStroke(1)).getDashArray()).isNotNull();
        assertThat(((java.awt.BasicStroke) renderer.getSeriesStroke(0)).getDashArray()).isNull();
    }

    private static Map<String, ChartPlan.Chart> byId(List<ChartPlan.Chart> charts) {
        return charts.stream().collect(Collectors.toMap(ChartPlan.Chart::id, Function.identity(),
                (a, b) -> a, java.util.LinkedHashMap::new));
    }
}
