package ballast.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.control.GuestStats;
import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The scenario library (conf/scenarios): every scenario opens with what it shows and what to
 * expect, validates, and is listed in the README; and the library's scenarios do what their
 * comments promise.
 */
class ScenarioLibraryTest {
    static final Path LIBRARY = Path.of("..", "conf", "scenarios");

    static Stream<String> scenarios() throws Exception {
        try (Stream<Path> files = Files.list(LIBRARY)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void opensWithWhatItShowsAndWhatToExpectAndValidates(String name) throws Exception {
        String text = Files.readString(LIBRARY.resolve(name));
        assertThat(text).startsWith("# ");
        String header = text.substring(0, text.indexOf("\n\n", text.indexOf("What to expect")));
        assertThat(header.lines()).allMatch(l -> l.startsWith("#"));
        assertThat(header).contains("# What it shows:").contains("# What to expect:");
        Scenario s = ScenarioLoader.load(LIBRARY.resolve(name), List.of(), null);
        assertThat(s.name()).isEqualTo(name.replace(".conf", ""));
        assertThat(Files.readString(Path.of("..", "README.md"))).as("README lists it").contains("conf/scenarios/" + name);
    }

    @Test
    void clusterMigrationsHotspotMovesGuestsOffTheHostUnderPressureUntilEveryHostIsHighOrSoft() throws Exception {
        Scenario s = ScenarioLoader.load(LIBRARY.resolve("cluster-migration.conf"), List.of(), null);
        assertThat(s.hosts()).hasSize(4);
        assertThat(s.guests()).hasSize(32);
        assertThat(s.hosts()).allSatisfy(h -> assertThat(h.reclaim().enabled()).isTrue());
        RunResult r = Simulation.run(s, Simulation.Options.defaults());
        assertThat(r.ok()).isTrue();
        assertThat(r.faults()).isEmpty();
        assertThat(r.violations()).isEmpty();
        Map<String, ballast.scheduler.migration.PreCopy.Outcome> moved = new HashMap<>();
        r.migrations().forEach(m -> moved.put(m.guest(), m));
        // the two migrate events: an idle guest converges after its first round, a write-heavy one does not
        assertThat(moved.get("idle-1").trigger()).isEqualTo("event");
        assertThat(moved.get("idle-1").rounds()).isEqualTo(1);
        assertThat(moved.get("writer-1").rounds()).isGreaterThan(moved.get("idle-1").rounds());
        assertThat(moved.get("writer-1").downtimeMs()).isGreaterThan(moved.get("idle-1").downtimeMs());
        // host-a fell into the hard or low state, and the hotspot trigger moved guests off it
        List<ballast.scheduler.migration.PreCopy.Outcome> hotspot = r.migrations().stream()
                .filter(m -> m.trigger().equals("hotspot")).toList();
        assertThat(hotspot).isNotEmpty().allSatisfy(m -> assertThat(m.from()).isEqualTo("host-a"));
        double hot = r.hostSamples().stream().filter(h -> h.host().equals("host-a"))
                .filter(h -> List.of("hard", "low").contains(h.stats().reclaim().state())).count();
        assertThat(hot).isPositive();
        double lastHotspot = hotspot.stream().mapToDouble(m -> m.startSeconds()).max().orElseThrow();
        // until every host is back in the high or soft state, where all end
        assertThat(r.hosts()).allSatisfy(h -> assertThat(h.reclaim().state()).isIn("high", "soft"));
        assertThat(r.hostSamples()).filteredOn(h -> h.simulatedSeconds() > lastHotspot + 2)
                .allSatisfy(h -> assertThat(h.stats().reclaim().state()).as(h.host() + " at " + h.simulatedSeconds())
                        .isIn("high", "soft"));
        for (GuestStats g : r.guests()) {
            assertThat(g.readMismatches()).isZero();
            assertThat(g.readsVerified()).isPositive();
        }
    }

    @Test
    void modesShowsEachTranslationModesOwnCosts() throws Exception {
        Scenario s = ScenarioLoader.load(LIBRARY.resolve("modes.conf"), List.of("scenario.duration=3s"), null);
        Map<String, GuestStats> g = byName(Simulation.run(s, Simulation.Options.defaults()));
        GuestStats full = g.get("full");
        GuestStats para = g.get("para");
        GuestStats nested = g.get("nested");
        for (GuestStats each : g.values()) {
            assertThat(each.pagesTouched()).isEqualTo(8192); // the first phase's 32 MiB
            assertThat(each.readMismatches()).isZero();
        }
        assertThat(full.traps()).isEqualTo(8192);
        assertThat(full.hiddenFaults()).isEqualTo(8192);
        assertThat(para.traps()).isZero();
        assertThat(para.hiddenFaults()).isZero();
        assertThat(para.hypercalls()).isPositive();
        assertThat(para.mmuUpdateEntries()).isEqualTo(8192);
        assertThat(nested.traps()).isZero();
        assertThat(nested.vmExits()).isEqualTo(8192);
        assertThat(nested.overheadCycles()).isGreaterThan(full.overheadCycles());
        assertThat(full.overheadCycles()).isGreaterThan(para.overheadCycles());
    }

    @Test
    void traceReplayTouchesExactlyTheTracesPages() throws Exception {
        TraceReplayTest.Counted walk = TraceReplayTest.count(Path.of("..", "conf", "traces", "walk.lackey.gz"));
        Scenario s = ScenarioLoader.load(LIBRARY.resolve("trace-replay.conf"), List.of(), null);
        RunResult result = Simulation.run(s, Simulation.Options.defaults());
        assertThat(result.ok()).isTrue();
        Map<String, GuestStats> g = byName(result);
        assertThat(g.get("walk").pagesTouched()).isEqualTo(walk.distinctPages());
        assertThat(g.get("walk").accesses()).isEqualTo(walk.records());
        assertThat(g.get("walk").pageFills()).isEqualTo(walk.distinctPages());
        assertThat(g.get("walk-nested").pagesTouched()).isEqualTo(walk.distinctPages());
        assertThat(g.get("two-walks").pagesTouched()).isEqualTo(2L * walk.distinctPages());
        assertThat(g.get("two-walks").accesses()).isGreaterThan(2 * walk.records()); // it loops
        assertThat(g.get("phases").pagesTouched()).isEqualTo(256);
        assertThat(g.get("walk").traps()).isPositive();
        assertThat(g.get("walk-nested").traps()).isZero();
        for (GuestStats each : g.values()) {
            assertThat(each.readMismatches()).isZero();
        }
    }

    private static Map<String, GuestStats> byName(RunResult result) {
        Map<String, GuestStats> out = new HashMap<>();
        result.guests().forEach(s -> out.put(s.name(), s));
        return out;
    }
}
