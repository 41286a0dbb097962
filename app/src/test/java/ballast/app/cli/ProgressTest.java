package ballast.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pieces of the progress display that do not need a terminal. */
class ProgressTest {

    @Test
    void plainLineNamesTicksSimulatedTimeRateAndTimeLeft() {
        String line = Progress.line("quickstart", 150, 600, 0.1, 3.0);
        assertThat(line).isEqualTo("ballast: quickstart: tick 150/600 (25%), 15.0/60.0 s simulated, 50.0 ticks/s, about 9 s left");
    }

    @Test
    void theBarFitsAnEightyColumnTerminalWithEveryPiece() {
        String line = Progress.bar("quickstart", 150, 600, 0.1, 3.0, 80);
        assertThat(line).isEqualTo("quickstart  25% [===>         ] 150/600 ticks 50.0 ticks/s 0:09 left sim 15.0 s");
        assertThat(line).hasSize(79);
    }

    @Test
    void aNarrowTerminalOrALongNameDropsPiecesBeforeTheBarShrinks() {
        for (int width : new int[] {80, 72, 60, 50}) {
            for (String name : new String[] {"quickstart", "stress-free-running-with-a-long-name"}) {
                String line = Progress.bar(name, 600, 600, 0.1, 7.0, width);
                assertThat(line.length()).as("%s at %d columns: %s", name, width, line).isLessThan(width);
                String bar = line.substring(line.indexOf('[') + 1, line.indexOf(']'));
                assertThat(bar).as(line).hasSizeGreaterThanOrEqualTo(Progress.MIN_BAR).matches("=+");
                assertThat(line).as(line).contains(" 600/600 ticks").contains("100% [");
            }
        }
        // at 60 columns the simulated seconds and the time left went first; the rate stayed
        assertThat(Progress.bar("quickstart", 150, 600, 0.1, 3.0, 60))
                .isEqualTo("quickstart  25% [===>          ] 150/600 ticks 50.0 ticks/s");
        // at 50, the rate too
        assertThat(Progress.bar("quickstart", 150, 600, 0.1, 3.0, 50))
                .isEqualTo("quickstart  25% [====>            ] 150/600 ticks");
    }

    @Test
    void theRateIsTicksOverTheWallTimeSinceTheRunStarted() {
        // 300 ticks in the 10 s since the run started (the bar appeared only after 2 of them): 30 ticks/s, not 37.5
        assertThat(Progress.bar("x", 300, 600, 0.1, 10.0, 80)).contains(" 30.0 ticks/s").contains(" 0:10 left");
    }

    @Test
    void timeLeftIsUnknownUntilATickIsPlayed() {
        assertThat(Progress.eta(0, 600, 2.0)).isEmpty();
        assertThat(Progress.line("x", 0, 10, 1, 2.0)).endsWith("time left unknown");
        assertThat(Progress.eta(300, 600, 10.0)).contains(Duration.ofSeconds(10));
    }

    @Test
    void humanDurations() {
        assertThat(Progress.human(Duration.ofMillis(4400))).isEqualTo("4 s");
        assertThat(Progress.human(Duration.ofSeconds(125))).isEqualTo("2 min 05 s");
        assertThat(Progress.human(Duration.ofSeconds(3 * 3600 + 7 * 60))).isEqualTo("3 h 07 min");
    }

    @Test
    void quietMeansNoProgressAndATestRunIsNotATerminal() {
        assertThat(Progress.styleFor(true)).isEqualTo(Progress.Style.NONE);
        // Surefire pipes the test JVM's stderr: never a terminal here.
        assertThat(Progress.stderrIsTerminal()).isFalse();
        assertThat(Progress.styleFor(false)).isEqualTo(Progress.Style.LINES);
    }
}
