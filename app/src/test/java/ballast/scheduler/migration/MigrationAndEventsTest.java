package ballast.scheduler.migration;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.control.GuestStats;
import ballast.scheduler.run.RunResult;
import ballast.scheduler.run.Simulation;
import ballast.scheduler.scenario.Scenario;
import ballast.app.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live migration next to reclamation and timed events: guests of every mode move between hosts
 * that reclaim memory, under pressure (balloons, host swap, guest paging), and read back what they
 * wrote, every invariant checked after every tick; timed stop, start and workload events follow a guest that moved;
 * a workload change of a guest in the middle of a migration is refused in the event's result.
 */
class MigrationAndEventsTest {

    static Scenario load(Path dir, String text) throws Exception {
        Path file = dir.resolve("scenario.conf");
        Files.writeString(file, text);
        return ScenarioLoader.load(file, List.of(), null);
    }

    @Test
    void guestsUnderReclamationMoveWithTheirBalloonsAndSwappedPagesAndReadBackWhatTheyWrote(@TempDir Path dir)
            throws Exception {
        Scenario s = load(dir, """
                scenario { duration = 7s, tick = 100ms, seed = 11 }
                hosts {
                  host-a { memory = 320MiB, reclaim = on }
                  host-b { memory = 512MiB, reclaim = on }
                }
                migration { bandwidth = 400MiB, max-rounds = 6 }
                guests {
                  full { count = 2, host = host-a, memory = 128MiB, workload { type = hot-cold, working-set = 96MiB, accesses-per-second = 100000, write-fraction = 0.3 } }
                  pv { host = host-a, mode = para, memory = 64MiB, workload { type = hot-cold, working-set = 48MiB, write-fraction = 0.2 } }
                  nest { host = host-a, mode = nested, memory = 64MiB, workload { type = hot-cold, working-set = 48MiB, write-fraction = 0.2 } }
                  other { host = host-b, memory = 128MiB, workload { type = uniform, working-set = 32MiB, write-fraction = 0.1 } }
                }
                events = [
                  { at = 3500ms, migrate { guest = full-1, to = host-b } }
                  { at = 3500ms, migrate { guest = pv, to = host-b } }
                  { at = 4s, migrate { guest = nest, to = host-b } }
                  { at = 4s, migrate { guest = other, to = host-a } }
                ]
                """);
        RunResult r = Simulation.run(s, LiveMigrationTest.options());
        assertThat(r.failure()).isNull();
        assertThat(r.violations()).isEmpty();
        assertThat(r.faults()).isEmpty();
        assertThat(r.migrations()).extracting(PreCopy.Outcome::guest).containsExactlyInAnyOrder("full-1", "pv", "nest",
                "other");
        assertThat(r.guestHosts()).containsEntry("full-1", "host-b").containsEntry("pv", "host-b")
                .containsEntry("nest", "host-b").containsEntry("other", "host-a").containsEntry("full-2", "host-a");
        // host-a was under pressure when they left: balloons held pages and the host had swapped some
        double pressed = r.hostSamples().stream().filter(h -> h.host().equals("host-a") && h.simulatedSeconds() <= 3.5)
                .mapToDouble(h -> h.stats().reclaim().balloonedPages() + h.stats().reclaim().hostSwappedPages())
                .max().orElse(0);
        assertThat(pressed).isGreaterThan(1000);
        for (GuestStats g : r.guests()) {
            assertThat(g.readMismatches()).as(g.name()).isZero();
            assertThat(g.readsVerified()).as(g.name()).isPositive();
        }
        // both hosts' swap is auto: each guest's swap file (its memory - min) goes with it. host-a starts
        // with 2 x 128 + 2 x 64 MiB, host-b with 128 MiB; both end with 256 MiB (65,536 pages)
        assertThat(r.hosts()).extracting(h -> h.reclaim().swapPages()).containsExactly(65_536L, 65_536L);
        // the hypervisors' reclamation counters add up over both hosts
        GuestStats full = r.guests().stream().filter(g -> g.name().equals("full-1")).findFirst().orElseThrow();
        assertThat(full.reclaim().hostSwapOuts()).isGreaterThanOrEqualTo(full.reclaim().hostSwappedPages());
    }

    @Test
    void timedEventsFollowAGuestThatMoved(@TempDir Path dir) throws Exception {
        Scenario s = load(dir, """
                scenario { duration = 5s, tick = 100ms, seed = 5 }
                hosts { host-a { memory = 512MiB }, host-b { memory = 512MiB } }
                migration { bandwidth = 200MiB }
                guests {
                  mover { host = host-a, memory = 64MiB, workload { type = uniform, working-set = 32MiB, accesses-per-second = 100000, write-fraction = 0.3 } }
                  stay { host = host-b, memory = 64MiB, workload { type = uniform, working-set = 16MiB, write-fraction = 0.1 } }
                  late { host = host-b, memory = 64MiB, start = 1s, workload { type = uniform, working-set = 16MiB, write-fraction = 0.0 } }
                }
                events = [
                  { at = 500ms, migrate { guest = mover, to = host-b } }
                  { at = 500ms, workload { guest = mover, type = uniform, working-set = 8MiB } }
                  { at = 3s, stop = mover }
                  { at = 3500ms, start = mover }
                  { at = 4s, workload { guest = mover, type = uniform, working-set = 8MiB } }
                  { at = 2s, migrate { guest = late, to = host-a } }
                ]
                """);
        RunResult r = Simulation.run(s, LiveMigrationTest.options());
        assertThat(r.failure()).isNull();
        assertThat(r.violations()).isEmpty();
        assertThat(r.migrations()).extracting(PreCopy.Outcome::guest).containsExactlyInAnyOrder("mover", "late");
        assertThat(r.guestHosts()).containsEntry("mover", "host-b").containsEntry("late", "host-a");
        assertThat(r.events()).extracting(RunResult.AppliedEvent::what)
                .anySatisfy(w -> assertThat(w).startsWith("stop mover"))
                .anySatisfy(w -> assertThat(w).startsWith("start mover"));
        RunResult.AppliedEvent during = r.events().stream()
                .filter(e -> e.what().startsWith("workload mover") && e.atSeconds() < 1).findFirst().orElseThrow();
        assertThat(during.result()).contains("it is migrating from host-a to host-b");
        assertThat(r.events()).filteredOn(e -> e != during).extracting(RunResult.AppliedEvent::result)
                .containsOnly("ok");
        assertThat(r.faults()).isEmpty();
        for (GuestStats g : r.guests()) {
            assertThat(g.readMismatches()).as(g.name()).isZero();
            assertThat(g.readsVerified()).as(g.name()).isPositive();
        }
    }

    @Test
    void aMigratedGuestMakesExactlyTheAccessesItWouldHaveMadeWhereItWas(@TempDir Path dir) throws Exception {
        String text = """
                scenario { duration = 4s, tick = 100ms, seed = 21 }
                hosts { host-a { memory = 512MiB }, host-b { memory = 512MiB } }
                migration { bandwidth = 400MiB, max-rounds = 4 }
                guest-templates {
                  phased { memory = 64MiB, workload { type = phases, phases = [
                    { duration = 1s, working-set = 8MiB, accesses-per-second = 30000, write-fraction = 0.2 }
                    { working-set = 24MiB, accesses-per-second = 80000, write-fraction = 0.4, hot-fraction = 0.25, hot-access-fraction = 0.9 } ] } }
                }
                guests {
                  early { template = phased, host = host-a }
                  late { template = phased, host = host-a, start = 1200ms }
                }
                MOVES
                """;
        Scenario stay = load(dir, text.replace("MOVES", ""));
        RunResult still = Simulation.run(stay, LiveMigrationTest.options());
        Scenario go = load(dir, text.replace("MOVES", """
                events = [
                  { at = 800ms, migrate { guest = early, to = host-b } }
                  { at = 2s, migrate { guest = late, to = host-b } }
                  { at = 3s, migrate { guest = early, to = host-b } }
                ]
                """));
        RunResult moved = Simulation.run(go, LiveMigrationTest.options());
        assertThat(moved.faults()).singleElement().satisfies(f -> {
            assertThat(f.guest()).isEqualTo("early");
            assertThat(f.cause()).contains("already runs on host-b");
        });
        // the report shows the migrations and the refused one
        Path out = dir.resolve("out");
        ballast.app.report.RunWriter.write(out, go, moved, false);
        ballast.app.report.HtmlReport.write(out);
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("<section id=\"migrations\">").contains("<section id=\"faults\">")
                .contains("already runs on host-b");
        String migrations = html.substring(html.indexOf("<section id=\"migrations\">"),
                html.indexOf("</section>", html.indexOf("<section id=\"migrations\">")));
        assertThat(migrations).contains("<td>early</td>").contains("<td>late</td>").contains("<td>event</td>");
        // each guest is reported once, by the host it ended on (host-a, left empty, reports none)
        assertThat(moved.guests()).extracting(GuestStats::name).containsExactlyInAnyOrder("early", "late");
        assertThat(moved.failure()).isNull();
        assertThat(moved.migrations()).extracting(PreCopy.Outcome::guest).containsExactlyInAnyOrder("early", "late");
        for (String name : List.of("early", "late")) {
            GuestStats a = still.guests().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
            GuestStats b = moved.guests().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
            assertThat(b.accesses()).as(name).isEqualTo(a.accesses());
            assertThat(b.reads()).as(name).isEqualTo(a.reads());
            assertThat(b.writes()).as(name).isEqualTo(a.writes());
            assertThat(b.pagesTouched()).as(name).isEqualTo(a.pagesTouched());
            assertThat(b.readMismatches()).as(name).isZero();
            assertThat(b.readsVerified()).as(name).isEqualTo(a.readsVerified());
        }
    }

    @Test
    void aGuestReplayingTracesMovesAndReplaysExactlyWhatItWouldHaveWhereItWas(@TempDir Path dir) throws Exception {
        Path trace = Path.of("..", "conf", "traces", "walk.lackey.gz").toAbsolutePath().normalize();
        String text = """
                scenario { duration = 3s, tick = 100ms, seed = 31 }
                hosts { host-a { memory = 256MiB }, host-b { memory = 256MiB } }
                migration { bandwidth = 400MiB, max-rounds = 3 }
                guests {
                  walker { host = host-a, memory = 32MiB, mode = para, workload { type = trace, format = lackey,
                    path = ["TRACE", "TRACE"], accesses-per-second = 20000, loop = true } }
                  walker-2 { host = host-a, memory = 32MiB, mode = full, workload { type = trace, format = lackey,
                    path = "TRACE", accesses-per-second = 7000 } }
                }
                MOVES
                """.replace("TRACE", trace.toString());
        RunResult still = Simulation.run(load(dir, text.replace("MOVES", "")), LiveMigrationTest.options());
        RunResult moved = Simulation.run(load(dir, text.replace("MOVES",
                "events = [ { at = 1s, migrate { guest = walker, to = host-b } }, "
                        + "{ at = 1500ms, migrate { guest = walker-2, to = host-b } } ]")), LiveMigrationTest.options());
        assertThat(moved.failure()).isNull();
        assertThat(moved.faults()).isEmpty();
        assertThat(moved.migrations()).extracting(PreCopy.Outcome::guest).containsExactlyInAnyOrder("walker", "walker-2");
        for (String name : List.of("walker", "walker-2")) {
            GuestStats a = still.guests().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
            GuestStats b = moved.guests().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
            assertThat(b.accesses()).as(name).isEqualTo(a.accesses()).isPositive();
            assertThat(b.writes()).as(name).isEqualTo(a.writes());
            assertThat(b.pagesTouched()).as(name).isEqualTo(a.pagesTouched());
            assertThat(b.readsVerified()).as(name).isEqualTo(a.readsVerified());
            assertThat(b.readMismatches()).as(name).isZero();
        }
    }

    @Test
    void aMigrationTheDestinationCannotTakeIsGivenUpAndTheGuestRunsOnWhereItWas(@TempDir Path dir) throws Exception {
        // host-b's memory is a para-virtual guest's, backed whole and never host-paged: admission lets
        // the mover in (min 0 + overhead), but its 48 MiB find no frames and nothing to page out
        String text = """
                scenario { duration = 3s, tick = 100ms, seed = 41 }
                hosts { host-a { memory = 512MiB }, host-b { memory = 256MiB, reclaim = on } }
                guests {
                  mover { host = host-a, memory = 64MiB, workload { type = uniform, working-set = 48MiB, accesses-per-second = 100000, write-fraction = 0.2 } }
                  pv { host = host-b, mode = para, memory = 160MiB, workload { type = uniform, working-set = 8MiB } }
                }
                MOVES
                """;
        RunResult still = Simulation.run(load(dir, text.replace("MOVES", "")), LiveMigrationTest.options());
        RunResult r = Simulation.run(load(dir, text.replace("MOVES",
                "events = [ { at = 1s, migrate { guest = mover, to = host-b } } ]")), LiveMigrationTest.options());
        assertThat(r.failure()).isNull();
        assertThat(r.violations()).isEmpty();
        assertThat(r.migrations()).isEmpty();
        assertThat(r.faults()).singleElement().satisfies(f -> {
            assertThat(f.guest()).isEqualTo("mover");
            assertThat(f.cause()).contains("failed: host-b has").contains("free frames");
            assertThat(f.handling()).isEqualTo("stays on host-a");
        });
        assertThat(r.guestHosts()).containsEntry("mover", "host-a");
        // nothing of it is left on host-b, and it went on exactly as if it had never been asked to move
        ballast.host.control.HostStats b = r.hosts().stream().filter(h -> h.framesTotal() == 65_536).findFirst().orElseThrow();
        ballast.host.control.HostStats bStill = still.hosts().stream().filter(h -> h.framesTotal() == 65_536).findFirst()
                .orElseThrow();
        assertThat(b.framesFree()).isEqualTo(bStill.framesFree());
        GuestStats moved = r.guests().stream().filter(g -> g.name().equals("mover")).findFirst().orElseThrow();
        GuestStats unmoved = still.guests().stream().filter(g -> g.name().equals("mover")).findFirst().orElseThrow();
        assertThat(moved.accesses()).isEqualTo(unmoved.accesses());
        assertThat(moved.pagesTouched()).isEqualTo(unmoved.pagesTouched());
        assertThat(moved.readMismatches()).isZero();
    }
}
