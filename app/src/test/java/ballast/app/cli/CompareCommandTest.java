package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ballast compare}: runs side by side, with differences, ratios and overlaid time series. */
class CompareCommandTest {
    private static final String QUICKSTART = Path.of("..", "conf", "scenarios", "quickstart.conf").toString();

    @Test
    void twoQuickstartRunsWithDifferentSeedsShowTheirDifferingFigures(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        for (Object[] run : new Object[][] {{a, "1"}, {b, "2"}}) {
            MainTest.Outcome r = MainTest.ballast("run", QUICKSTART, "--quiet", "--out", run[0].toString(),
                    "--set", "scenario.duration=2s", "--seed", (String) run[1]);
            assertThat(r.code()).as(r.err()).isZero();
        }
        Path html = dir.resolve("cmp.html");
        MainTest.Outcome c = MainTest.ballast("compare", a.toString(), b.toString(), "--html", html.toString());
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.out()).contains("A = " + a, "B = " + b, "figure", "B-A", "B/A");
        // a figure every run has the same (the configured memory) is left out; one the seed changes is shown
        assertThat(c.out()).doesNotContain("configuredPages").containsPattern("guests\\.[a-z0-9-]+\\.pagesTouched");
        assertThat(c.out()).containsPattern("\\d+ of \\d+ figures differ");
        assertThat(c.out().lines().filter(l -> l.startsWith("seed"))).isEmpty();
        String page = Files.readString(html);
        assertThat(page).contains("<table>", "configuredPages", "<svg");

        MainTest.Outcome same = MainTest.ballast("compare", a.toString(), a.toString(), "--html",
                dir.resolve("same.html").toString());
        assertThat(same.out()).containsPattern("\\b0 of \\d+ figures differ");
    }

    @Test
    void aFolderWithoutASummaryIsBadInput(@TempDir Path dir) {
        MainTest.Outcome c = MainTest.ballast("compare", dir.toString(), dir.toString(), "--html",
                dir.resolve("x.html").toString());
        assertThat(c.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(c.err()).contains(dir + ": not a run directory (no summary.json)");
    }
}
