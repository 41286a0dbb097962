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

    private static Map<String, ChartPlan.Chart> byId(List<ChartPlan.Chart> charts) {
        return charts.stream().collect(Collectors.toMap(ChartPlan.Chart::id, Function.identity(),
                (a, b) -> a, java.util.LinkedHashMap::new));
    }
}
