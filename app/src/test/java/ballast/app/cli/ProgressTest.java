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
