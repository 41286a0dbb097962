package ballast.app.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ballast.host.HostSettings;
import ballast.host.memory.LargePageSettings;
import ballast.host.reclaim.FreeMemoryStates;
import ballast.scheduler.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scenario keys of large pages: a host's large-pages and its neighbours, a guest's override, the walk references in costs. */
class LargePagesScenarioTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static List<Problem> problems(Path file) {
        return ReclaimScenarioTest.problems(file);
    }

    @Test
    void largePagesAreOffByDefaultAndAGuestOverridesItsHost() throws Exception {
        Path file = write("s.conf", """
                hosts {
                  a { large-pages = on, large-page-break-at = hard, large-page-sharing = ksm, large-page-tlb-entries = 64 }
                  b { }
                }
                costs { nested-walk-references-host-large = 18 }
                guests {
                  on { host = a, mode = nested }
                  off { host = a, mode = nested, large-pages = off }
                  full { host = a, mode = full }
                  plain { host = b, mode = nested }
                  asks { host = b, mode = nested, large-pages = on }
                }
                """);
        Scenario s = ScenarioLoader.load(file, List.of(), null);
        HostSettings a = s.hosts().get(0);
        HostSettings b = s.hosts().get(1);
        assertThat(a.largePages()).isEqualTo(new LargePageSettings(FreeMemoryStates.HARD, LargePageSettings.Flavour.KSM,
                64, 18, 15));
        // the library's defaults; the walk references are the scenario's costs, the same for every host
        assertThat(b.largePages()).isEqualTo(new LargePageSettings(FreeMemoryStates.SOFT, LargePageSettings.Flavour.ESX,
                32, 18, 15));
        assertThat(a.guests()).extracting(g -> g.name() + "=" + g.largePages() + "/" + g.backedLarge())
                .containsExactly("full=true/false", "off=false/false", "on=true/true");
        assertThat(b.guests()).extracting(g -> g.name() + "=" + g.backedLarge()).containsExactly("asks=true", "plain=false");
    }

    @Test
    void badLargePageValuesAreReportedAtTheirLines() throws Exception {
        Path file = write("bad.conf", """
                hosts { h {
                  large-pages = sometimes
                  large-page-break-at = low
                  large-page-sharing = zswap
                  large-page-tlb-entries = 48
                } }
                guests {
                  g { host = h, mode = full, large-pages = on }
                  n { host = h, mode = nested, nested-paging = off, large-pages = on }
                }
                """);
        assertThat(problems(file)).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                tuple(2, "hosts.h.large-pages", "expected on or off (true or false), got sometimes"),
                tuple(3, "hosts.h.large-page-break-at", "unknown free-memory state low; allowed: soft, hard"),
                tuple(4, "hosts.h.large-page-sharing", "unknown large-page sharing flavour zswap; allowed: esx, ksm"),
                tuple(5, "hosts.h.large-page-tlb-entries", "must be 0 or a power of two (such as 32), got 48"),
                tuple(8, "guests.g.large-pages", "is on, but guest g is not a nested guest with nested-paging = on:"
                        + " only hardware nested paging is backed with large pages (as ESX)"),
                tuple(9, "guests.n.large-pages", "is on, but guest n is not a nested guest with nested-paging = on:"
                        + " only hardware nested paging is backed with large pages (as ESX)"));
    }

    @Test
    void theLargePagesExperimentValidatesWithItsFourPoints() throws Exception {
        Scenario s = ScenarioLoader.load(Path.of("..", "conf", "scenarios", "large-pages.conf"), List.of(), null);
        assertThat(s.hosts().get(0).guests()).allMatch(g -> g.backedLarge());
        assertThat(s.sweep()).isNotNull();
        Scenario off = ScenarioLoader.load(Path.of("..", "conf", "scenarios", "large-pages.conf"),
                List.of("hosts.esx.large-pages=off", "guests.linux.count=4"), null);
        assertThat(off.hosts().get(0).guests()).hasSize(5).noneMatch(g -> g.backedLarge());
    }
}
