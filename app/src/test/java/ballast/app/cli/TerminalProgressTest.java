package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress bar as a user sees it: the full quickstart (more than five wall seconds here) in a
 * terminal (a pty made by util-linux {@code script}) draws the bar on stderr; with {@code --quiet}
 * nothing but the outputs line appears.
 */
class TerminalProgressTest {
    private static final Path QUICKSTART = Path.of("..", "conf", "scenarios", "quickstart.conf");

    @Test
    void aLongRunInATerminalShowsTheBarAndQuietShowsNothing(@TempDir Path dir) throws Exception {
        assumeTrue(ChildJvm.onPath("script") || System.getenv("CI") != null, "util-linux script is not installed");

        // The full quickstart: 7 to 12 s of wall time on the 2-core machines this project runs on. The
        // bar shows once a run has lasted Progress.DEFAULT_DELAY (2 s), so any run longer than that
        // shows it; the run is checked to be longer than the delay, else the test would prove nothing.
        long start = System.nanoTime();
        String bar = inTerminal(dir, List.of(), "run", QUICKSTART.toString(), "--out", dir.resolve("loud").toString());
        double wall = (System.nanoTime() - start) / 1e9;
        assertThat(wall).as("the run should last longer than the progress delay").isGreaterThan(
                Progress.DEFAULT_DELAY.toMillis() / 1000.0 + 1);
        assertThat(bar).contains("quickstart").contains("% [").contains("ticks/s").contains("/600 ticks")
                .contains(" sim ").contains("600/600 ticks");
        assertThat(bar).doesNotContain("ballast: quickstart: tick"); // the plain lines are for non-terminals
        assertThat(bar).contains("scenario quickstart  seed 42  600 ticks");

        // Quiet, with the display's delay set to zero so that a bar would have had every chance.
        String quiet = inTerminal(dir, List.of("-Dballast.progress.delay-ms=0"), "run", QUICKSTART.toString(), "--quiet",
                "--out", dir.resolve("quiet").toString(), "--set", "scenario.duration=3s");
        assertThat(quiet).doesNotContain("%").doesNotContain("ticks/s").doesNotContain("ballast: quickstart: tick");
        assertThat(quiet.strip()).startsWith("outputs: ");
    }

    /** Runs ballast with a pty as stdin, stdout and stderr; returns everything it wrote there. */
    private static String inTerminal(Path dir, List<String> props, String... args) throws Exception {
        String line = ChildJvm.shellLine(ChildJvm.ballast(props, args));
        Path out = Files.createTempFile(dir, "pty", ".out");
        List<String> cmd = new ArrayList<>(List.of("script", "--quiet", "--return", "--command", line, "/dev/null"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }
}
