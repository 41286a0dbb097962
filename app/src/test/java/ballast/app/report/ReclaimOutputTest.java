package ballast.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reclamation figures and the timed events in every output: summary.json, timeseries.csv,
 * hosts.csv, the console table and the report (its charts planned from the files alone).
 */
class ReclaimOutputTest {
    static final List<String> GUEST_FIGURES = List.of("minPages", "maxPages", "shares", "targetPages", "balloonPages",
            "balloonTargetPages", "balloonPops", "hostSwappedPages", "hostSwapOuts", "hostSwapIns", "guestSwappedPages",
            "guestPageOuts", "guestPageIns", "doublePagings", "workingSetEstimatePages", "workingSetTruePages",
            "stalledTicks");
    static final List<String> HOST_FIGURES = List.of("state", "policy", "tau", "availablePages", "balloonedPages",
            "hostSwappedPages", "swapPages", "swapOuts", "swapIns", "doublePagings", "sharedBeforeSwap", "rebalances");

    @Test
    void everyOutputNamesTheReclamationFiguresAndTheEvents(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("r.conf"), """
                scenario { duration = 2s, tick = 100ms, sample-every = 500ms }
                hosts { h { memory = 512MiB, reclaim = on } }
                guests {
                  a { host = h, memory = 64MiB, min = 16MiB, workload { type = uniform, working-set = 8MiB } }
                  b { host = h, memory = 64MiB, start = 1s, workload { type = uniform, working-set = 8MiB } }
                }
                """);
        Scenario s = ScenarioLoader.load(file, List.of(), null);
        RunResult result = Simulation.run(s, Simulation.Options.defaults());
        Path out = dir.resolve("out");
        RunWriter.write(out, s, result, false);

        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        JsonNode event = summary.path("events").get(0);
        assertThat(event.path("at").asDouble()).isEqualTo(1.0);
        assertThat(event.path("tick").asLong()).isEqualTo(10);
        assertThat(event.path("what").asText()).isEqualTo("start b");
        assertThat(event.path("result").asText()).isEqualTo("ok");
        JsonNode guest = summary.path("guests").get(0);
        for (String name : GUEST_FIGURES) {
            assertThat(guest.has(name)).as("guests[].%s", name).isTrue();
        }
        JsonNode host = summary.path("hosts").get(0);
        for (String name : HOST_FIGURES) {
            assertThat(host.has(name)).as("hosts[].%s", name).isTrue();
        }
        for (String state : List.of("high", "soft", "hard", "low")) {
            assertThat(host.path("secondsInState").has(state)).as("secondsInState.%s", state).isTrue();
            assertThat(host.path("thresholds").has(state)).as("thresholds.%s", state).isTrue();
        }

        List<String> series = List.of(Files.readString(out.resolve("timeseries.csv")).lines().findFirst().orElseThrow()
                .split(","));
        assertThat(series).containsAll(GUEST_FIGURES);
        List<String> hosts = List.of(Files.readString(out.resolve("hosts.csv")).lines().findFirst().orElseThrow().split(","));
        assertThat(hosts).containsAll(HOST_FIGURES).contains("secondsInState.high", "thresholds.low");

        String console = ConsoleTable.render(s, result);
        assertThat(console).contains("balloonMiB", "guestSwap", "wsTrue", "event at 1.0 s (tick 10): start b: ok");

        // The report reads the words of hosts.csv without stumbling, lists the events and draws them.
        List<ChartPlan.Chart> charts = HtmlReport.write(out);
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("<h2>Timed events</h2>", "start b", "href=\"#events\"");
        assertThat(charts).allSatisfy(c -> assertThat(c.moments()).containsExactly(new ChartPlan.Moment("start b", 1.0)));
        // ./ballast report DIR rebuilds the same page from the files.
        Files.delete(out.resolve("report.html"));
        int code = ballast.app.cli.Main.execute(new String[] {"report", out.toString()},
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(new java.io.StringWriter()));
        assertThat(code).isZero();
        assertThat(Files.readString(out.resolve("report.html"))).isEqualTo(html);
    }

    @Test
    void theReportDrawsAllocationBalloonSwapWorkingSetStatesAndThresholds(@TempDir Path dir) throws Exception {
        StringBuilder guests = new StringBuilder("simulatedSeconds,guest,host,configuredPages,allocatedPages,pagesTouched,"
                + "minPages,maxPages,shares,targetPages,balloonPages,balloonTargetPages,hostSwappedPages,guestSwappedPages,"
                + "doublePagings,workingSetEstimatePages,workingSetTruePages,stalledTicks\n");
        StringBuilder hosts = new StringBuilder("simulatedSeconds,host,framesTotal,framesFree,state,policy,tau,"
                + "balloonedPages,hostSwappedPages,swapPages,swapOuts,secondsInState.high,secondsInState.soft,"
                + "secondsInState.hard,secondsInState.low,thresholds.high,thresholds.soft,thresholds.hard,thresholds.low\n");
        for (int t = 1; t <= 4; t++) {
            guests.append(t).append(".0,g,h,65536,").append(60000 - 1000 * t).append(",65536,4096,65536,2560,")
                    .append(50000 - 500 * t).append(',').append(1000 * t).append(',').append(1000 * t).append(",10,").append(5 * t)
                    .append(",0,").append(3000 + 100 * t).append(",3200,0\n");
            String state = t < 3 ? "high" : "soft";
            hosts.append(t).append(".0,h,262144,").append(20000 - 1000 * t).append(',').append(state)
                    .append(",idle-tax,0.75,").append(1000 * t).append(',').append(10 * t).append(",65536,")
                    .append(10 * t).append(',').append(t < 3 ? t : 2).append(',').append(t < 3 ? 0 : t - 2)
                    .append(",0,0,").append(t < 3 ? 15729 : 20000).append(",10486,5243,2621\n");
        }
        Path run = ChartPlanTest.runDir(dir, "{\"scenario\":\"t\",\"ticks\":40,\"simulatedSeconds\":4.0,"
                        + "\"events\":[{\"at\":2.0,\"tick\":20,\"what\":\"set hosts.h.free-states.high = 7.6%\",\"result\":\"ok\"}],"
                        + "\"hosts\":[{\"name\":\"h\",\"thresholds\":{\"high\":20000,\"soft\":10486,\"hard\":5243,\"low\":2621}}]}",
                guests.toString(), hosts.toString());
        Map<String, ChartPlan.Chart> charts = ChartPlan.plan(RunData.read(run)).stream()
                .collect(Collectors.toMap(ChartPlan.Chart::id, Function.identity()));

        ChartPlan.Chart memory = charts.get("guest-g-memory");
        assertThat(memory.lines()).extracting(ChartPlan.Line::label).containsExactly("allocatedPages", "pagesTouched",
                "targetPages");
        assertThat(memory.markers()).containsExactly(new ChartPlan.Marker("configured", 256, false),
                new ChartPlan.Marker("min", 16, false));
        assertThat(charts.get("guest-g-working-set").lines()).extracting(ChartPlan.Line::label)
                .containsExactly("workingSetEstimatePages", "workingSetTruePages");
        assertThat(charts.get("guest-g-balloon").lines()).extracting(ChartPlan.Line::label)
                .containsExactly("balloonPages", "balloonTargetPages");
        assertThat(charts.get("guest-g-swap").lines()).extracting(ChartPlan.Line::label)
                .containsExactly("hostSwappedPages", "guestSwappedPages");
        // Settings are not charted over time, nor is what stayed zero.
        assertThat(charts).doesNotContainKeys("compare-shares", "compare-minPages", "compare-maxPages",
                "compare-configuredPages", "compare-stalledTicks", "compare-doublePagings");
        assertThat(charts).containsKeys("compare-targetPages", "compare-balloonPages", "compare-guestSwappedPages",
                "host-h-balloon", "host-h-swap", "host-h-events");
        assertThat(charts.get("host-h-states").lines()).extracting(ChartPlan.Line::label)
                .containsExactly("high", "soft", "hard", "low");
        assertThat(charts.get("host-h-states").lines().get(0).y()).containsExactly(1.0, 1.0, 0.0, 0.0);
        assertThat(charts.get("host-h-events").lines()).extracting(ChartPlan.Line::label).containsExactly("swapOuts");
        // The high threshold changed during the run: a line; the others are markers.
        ChartPlan.Chart free = charts.get("host-h-free");
        assertThat(free.lines()).extracting(ChartPlan.Line::label).containsExactly("framesFree", "high threshold");
        assertThat(free.markers()).extracting(ChartPlan.Marker::label).containsExactly("soft", "hard", "low");
        assertThat(free.moments()).containsExactly(new ChartPlan.Moment("set hosts.h.free-states.high = 7.6%", 2.0));
        List<String> sections = new ArrayList<>();
        charts.values().forEach(c -> sections.add(c.section()));
        assertThat(sections).contains("hosts", "guests", "compare");
    }
}
