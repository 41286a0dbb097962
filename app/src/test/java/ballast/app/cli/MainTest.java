package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.scheduler.run.Quickstart;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: exit codes, messages, and the files a run writes. */
class MainTest {

    record Outcome(int code, String out, String err) {
    }

    static Outcome ballast(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void runWritesSummaryAndTimeSeriesAndExitsZero(@TempDir Path dir) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", Quickstart.FILE.toString(), "--out", dir.toString()));
        for (String set : Quickstart.shortSets(2)) {
            args.add("--set");
            args.add(set);
        }
        Outcome o = ballast(args.toArray(String[]::new));
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("web-1", "db", "batch", "invariants: ", "0 violations");

        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        for (String key : List.of("scenario", "seed", "ticks", "simulatedSeconds", "accesses", "invariants", "timing", "hosts", "guests")) {
            assertThat(summary.has(key)).as(key).isTrue();
        }
        assertThat(summary.get("scenario").asText()).isEqualTo("quickstart");
        assertThat(summary.get("ticks").asLong()).isEqualTo(20);
        assertThat(summary.get("invariants").get("violations").asLong()).isZero();
        assertThat(summary.get("invariants").get("checks").asLong()).isPositive();
        assertThat(summary.get("timing").has("wallSeconds")).isTrue();
        assertThat(summary.get("timing").has("accessesPerWallSecond")).isTrue();
        JsonNode host = summary.get("hosts").get(0);
        assertThat(host.get("framesTotal").asLong()).isEqualTo(262144);
        assertThat(host.get("framesMapped").asLong() + host.get("framesFree").asLong() + host.get("framesReserved").asLong())
                .isEqualTo(262144);
        long accesses = 0;
        for (JsonNode g : summary.get("guests")) {
            for (String key : List.of("name", "host", "os", "mode", "configuredPages", "allocatedPages", "pagesTouched",
                    "accesses", "reads", "writes", "readsVerified", "readMismatches", "tlbHits", "tlbMisses",
                    "hiddenFaults", "traps", "hypercalls", "overheadCycles", "technique", "vmExits", "translations",
                    "translationCacheHits", "translationCacheEvictions", "silentFailures", "correct", "nativeCycles",
                    "overheadPercent", "eventCounts", "overheadCyclesByEvent")) {
                assertThat(g.has(key)).as(key).isTrue();
            }
            for (String event : List.of("syscall", "contextSwitch", "ptWrite", "tlbFlush", "interruptMask", "ioAccess",
                    "pageFault", "sensitiveBlock")) {
                assertThat(g.get("eventCounts").get(event).isIntegralNumber()).as(event).isTrue();
            }
            assertThat(g.get("correct").asBoolean()).isTrue();
            assertThat(g.get("overheadPercent").isNumber()).isTrue();
            assertThat(g.get("readMismatches").asLong()).isZero();
            assertThat(g.get("readsVerified").asLong()).isPositive();
            accesses += g.get("accesses").asLong();
        }
        assertThat(summary.get("accesses").asLong()).isEqualTo(accesses);

        List<String> csv = Files.readAllLines(dir.resolve("timeseries.csv"));
        assertThat(csv.get(0)).startsWith("simulatedSeconds,guest,host,configuredPages,allocatedPages,pagesTouched,accesses");
        assertThat(csv.get(0)).contains(",correct,nativeCycles,overheadCycles,overheadPercent,vcpus,workUnits,throughput,demandThroughput,slowdown,",
                ",overheadCyclesByEvent.tlbMiss");
        assertThat(csv.get(1).split(",", -1)).hasSameSizeAs(csv.get(0).split(",", -1));
        assertThat(csv).hasSize(1 + 2 * 4); // two samples (1 s, 2 s) of four guests
        assertThat(csv.get(1)).startsWith("1.0,batch,host-a,");
        List<String> hosts = Files.readAllLines(dir.resolve("hosts.csv"));
        assertThat(hosts.get(0)).startsWith("simulatedSeconds,host,framesTotal,framesFree,framesMapped,framesReserved,framesShared,");
        assertThat(hosts).hasSize(1 + 2); // two samples of one host
        assertThat(hosts.get(2)).startsWith("2.0,host-a,262144,");
        assertThat(Files.readString(dir.resolve("scenario.conf"))).contains("The scenario as run", "linux-small");
        assertThat(summary.get("interrupted").asBoolean()).isFalse();
        assertThat(summary.get("status").asText()).isEqualTo("ok");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("summary.json",
                    "timeseries.csv", "hosts.csv", "scenario.conf", "report.html", "charts");
        }
    }

    @Test
    void badScenarioExitsTwoWithLocatedMessagesAndNoStackTrace(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, String.join("\n",
                "scenario { tick = 0ms }",
                "hosts { h { memory = 1GiB } }",
                "gusets { }",
                "guests { g { host = nowhere, memory = -5MiB, mode = hybrid } }",
                ""));
        for (String command : List.of("run", "validate")) {
            Outcome o = ballast(command, bad.toString());
            assertThat(o.code()).as(command).isEqualTo(2);
            assertThat(o.err()).contains(bad + ":1: scenario.tick: ", bad + ":3: gusets: ", "did you mean guests",
                    bad + ":4: ");
            assertThat(o.err()).contains("nowhere", "hybrid");
            assertThat(o.err()).doesNotContain("Exception", "\tat ");
            assertThat(o.out()).isEmpty();
        }
        assertThat(dir.resolve("runs")).doesNotExist();
    }

    @Test
    void missingFileAndBadOptionsExitTwo(@TempDir Path dir) {
        Outcome missing = ballast("validate", dir.resolve("nope.conf").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.conf").doesNotContain("Exception");
        Outcome option = ballast("run", "--no-such-option");
        assertThat(option.code()).isEqualTo(2);
        assertThat(option.err()).contains("--no-such-option");
    }

    @Test
    void theCpuScenariosAreValid() {
        for (String name : List.of("forkwait", "syscall", "binary-translation")) {
            Outcome o = ballast("validate", Quickstart.FILE.resolveSibling(name + ".conf").toString());
            assertThat(o.code()).as(name + ": " + o.err()).isZero();
            assertThat(o.out()).contains("valid: 1 host(s), 4 guest(s)");
        }
    }

    @Test
    void validateSummarisesAGoodScenario() {
        Outcome o = ballast("validate", Quickstart.FILE.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("valid: 1 host(s), 4 guest(s)", "600 ticks");
    }

    @Test
    void validateTellsWhatEachTraceHolds() {
        Outcome o = ballast("validate", Path.of("..", "conf", "scenarios", "trace-replay.conf").toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("valid: 1 host(s), 4 guest(s)")
                .contains("walk replays ").contains("walk.lackey.gz (lackey): 52,057 records, 569 distinct pages (2.2 MiB),"
                        + " 10.4 s at 5,000 per second\n")
                .contains("phases replays ").contains("phases.csv (csv): 2,304 records, 256 distinct pages");
    }
}
