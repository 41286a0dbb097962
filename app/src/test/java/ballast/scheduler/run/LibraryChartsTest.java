package ballast.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.app.report.ChartPlan;
import ballast.app.report.Figure;
import ballast.app.report.GuestFigures;
import ballast.app.report.HostFigures;
import ballast.app.report.RunData;
import ballast.app.report.RunFigures;
import ballast.app.report.RunWriter;
import ballast.scheduler.scenario.Scenario;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario of the library (shortened like the goldens) is played and its outputs read back
 * as the report reads them: every figure of summary.json and every column of the csv files has a
 * declaration, and every chart of the report draws each figure as its kind says (a counter as a
 * rate, anything else never as one), says something (no chart zero throughout, nor one of levels
 * that stay constant, but a host's free memory and a guest's memory), is titled in words, and shows
 * free-memory thresholds only on hosts that reclaim.
 */
class LibraryChartsTest {
    /** Keys of summary.json that name or describe rather than measure. */
    private static final Set<String> RUN_WORDS = Set.of("scenario", "seed", "status", "interrupted", "failure",
            "invariants.messages", "faults", "events", "migrations", "hosts", "guests");
    /** A host's name, and its devices[] (each device's figures are also declared flat, as swapDevice.* and diskDevice.*). */
    private static final Set<String> HOST_WORDS = Set.of("name", "devices");
    private static final Set<String> GUEST_WORDS = Set.of("name", "host", "os", "mode", "technique");
    /** A camelCase word: a figure's name where a title should be. */
    private static final Pattern CAMEL = Pattern.compile("\\b[a-z]+[A-Z][A-Za-z]*\\b");

    static List<String> scenarios() throws Exception {
        return GoldenSummaryTest.scenarios().toList();
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyFigureIsDeclaredAndEveryChartDrawsItAsItsKindSays(String name, @TempDir Path dir) throws Exception {
        GoldenSummaryTest.Played played = GoldenSummaryTest.played(name);
        Scenario scenario = played.scenario();
        RunResult result = played.result();
        RunWriter.write(dir, scenario, result, false);
        RunData run = RunData.read(dir);

        List<String> undeclared = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : leaves(run.summary(), "")) {
            if (!RUN_WORDS.contains(e.getKey()) && RunFigures.named(e.getKey()) == null) {
                undeclared.add("summary " + e.getKey());
            }
        }
        for (JsonNode host : run.summary().path("hosts")) {
            for (Map.Entry<String, JsonNode> e : leaves(host, "")) {
                if (!HOST_WORDS.contains(e.getKey()) && HostFigures.named(e.getKey()) == null) {
                    undeclared.add("hosts[] " + e.getKey());
                }
            }
        }
        for (JsonNode guest : run.summary().path("guests")) {
            for (Map.Entry<String, JsonNode> e : leaves(guest, "")) {
                // refused hypercalls by reason: members of the declared refusedHypercalls
                String key = e.getKey().startsWith("refusedHypercalls.") ? "refusedHypercalls" : e.getKey();
                if (!GUEST_WORDS.contains(key) && GuestFigures.named(key) == null) {
                    undeclared.add("guests[] " + key);
                }
            }
        }
        run.guests().columns().stream().filter(c -> GuestFigures.named(c) == null)
                .forEach(c -> undeclared.add("timeseries.csv " + c));
        run.hosts().columns().stream().filter(c -> HostFigures.named(c) == null)
                .forEach(c -> undeclared.add("hosts.csv " + c));
        assertThat(undeclared).as("figures without a declaration").isEmpty();

        ChartPlan.Plan plan = ChartPlan.layout(run);
        assertThat(plan.charts()).isNotEmpty();
        for (ChartPlan.Chart chart : plan.charts()) {
            boolean hostChart = chart.id().startsWith("host-");
            boolean alwaysDrawn = chart.id().equals("host-" + chart.owner() + "-free")
                    || chart.id().equals("guest-" + chart.owner() + "-memory");
            assertThat(chart.lines()).as(chart.id()).isNotEmpty();
            assertThat(chart.lines()).as(chart.id()).allSatisfy(l -> assertThat(l.y()).isNotEmpty());
            assertThat(chart.lines().stream().anyMatch(l -> java.util.Arrays.stream(l.y()).anyMatch(v -> v != 0)))
                    .as("%s is not zero throughout", chart.id()).isTrue();
            if (!alwaysDrawn && chart.lines().stream().noneMatch(ChartPlan.Line::asRate)) {
                assertThat(chart.lines().stream().anyMatch(LibraryChartsTest::varies))
                        .as("%s is not constant throughout", chart.id()).isTrue();
            }
            for (ChartPlan.Line line : chart.lines()) {
                Figure<?> f = hostChart ? HostFigures.named(line.column()) : GuestFigures.named(line.column());
                assertThat(f).as("%s: %s is declared", chart.id(), line.column()).isNotNull();
                if (f.kind() == Figure.Kind.COUNTER) {
                    assertThat(line.asRate()).as("%s: counter %s drawn as a rate", chart.id(), f.name()).isTrue();
                } else {
                    assertThat(line.asRate()).as("%s: %s %s not drawn as a rate", chart.id(), f.kind().word(), f.name())
                            .isFalse();
                }
                if (!chart.section().equals("compare")) {
                    assertThat(line.legend()).as("%s: legend of %s in words", chart.id(), line.column())
                            .doesNotMatch(".*" + CAMEL.pattern() + ".*");
                }
            }
            String title = chart.title().substring(chart.owner().isEmpty() ? 0 : chart.owner().length());
            assertThat(CAMEL.matcher(title).find()).as("title of %s in words: %s", chart.id(), chart.title()).isFalse();
            if (chart.id().endsWith("-free") && hostChart && !reclaims(run.host(chart.owner()))) {
                assertThat(chart.markers()).as("%s: no thresholds on a host that does not reclaim", chart.id()).isEmpty();
                assertThat(chart.lines()).as(chart.id()).hasSize(1);
            }
        }
        // What was left out is listed, and each of those would indeed say nothing.
        for (ChartPlan.Omitted o : plan.omitted()) {
            assertThat(o.why()).matches("zero throughout|constant: .*|every line constant");
            assertThat(o.title()).as("omitted %s is named in words", o.id()).isNotBlank();
            assertThat(plan.charts()).noneMatch(c -> c.id().equals(o.id()));
        }
    }

    private static boolean reclaims(JsonNode host) {
        return HostFigures.reclaims(host.path("policy").asText());
    }

    private static boolean varies(ChartPlan.Line l) {
        for (double v : l.y()) {
            if (v != l.y()[0]) {
                return true;
            }
        }
        return false;
    }

    /** The leaves of a JSON object under dotted names; arrays are leaves. */
    static List<Map.Entry<String, JsonNode>> leaves(JsonNode node, String prefix) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            if (e.getValue().isObject() && !e.getValue().isEmpty()) {
                out.addAll(leaves(e.getValue(), key + "."));
            } else {
                out.add(Map.entry(key, e.getValue()));
            }
        }
        return out;
    }
}
