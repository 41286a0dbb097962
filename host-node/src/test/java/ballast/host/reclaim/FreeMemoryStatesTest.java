package ballast.host.reclaim;

import static ballast.host.reclaim.FreeMemoryStates.HARD;
import static ballast.host.reclaim.FreeMemoryStates.HIGH;
import static ballast.host.reclaim.FreeMemoryStates.LOW;
import static ballast.host.reclaim.FreeMemoryStates.SOFT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ESX's free-memory states on 10,000 frames: thresholds 600 / 400 / 200 / 100 pages, hysteresis 50. */
class FreeMemoryStatesTest {
    static FreeMemoryStates states() {
        return new FreeMemoryStates(10_000, 0.06, 0.04, 0.02, 0.01, 0.005);
    }

    @Test
    void thresholdsAreFractionsOfTheFrames() {
        FreeMemoryStates s = states();
        assertThat(s.thresholdPages(HIGH)).isEqualTo(600);
        assertThat(s.thresholdPages(SOFT)).isEqualTo(400);
        assertThat(s.thresholdPages(HARD)).isEqualTo(200);
        assertThat(s.thresholdPages(LOW)).isEqualTo(100);
        assertThat(s.hysteresisPages()).isEqualTo(50);
        assertThat(s.state()).isEqualTo(HIGH);
        assertThat(s.stateName()).isEqualTo("high");
    }

    @Test
    void fallingIsImmediateBelowEachThreshold() {
        FreeMemoryStates s = states();
        assertThat(s.update(600, 1)).isFalse();
        assertThat(s.update(400, 1)).as("between soft and high: still high").isFalse();
        assertThat(s.state()).isEqualTo(HIGH);
        assertThat(s.update(399, 1)).isTrue();
        assertThat(s.state()).isEqualTo(SOFT);
        s.update(200, 1);
        assertThat(s.state()).isEqualTo(SOFT);
        s.update(199, 1);
        assertThat(s.state()).isEqualTo(HARD);
        s.update(100, 1);
        assertThat(s.state()).isEqualTo(HARD);
        s.update(99, 1);
        assertThat(s.state()).isEqualTo(LOW);
        s.update(0, 1);
        assertThat(s.state()).isEqualTo(LOW);
        // a fall may skip states
        FreeMemoryStates t = states();
        t.update(150, 1);
        assertThat(t.state()).isEqualTo(HARD);
        FreeMemoryStates u = states();
        u.update(50, 1);
        assertThat(u.state()).isEqualTo(LOW);
    }

    @Test
    void climbingNeedsTheThresholdAbovePlusTheHysteresis() {
        FreeMemoryStates s = states();
        s.update(50, 1);
        assertThat(s.state()).isEqualTo(LOW);
        s.update(200, 1);
        assertThat(s.state()).as("at the hard threshold, not above it by the hysteresis").isEqualTo(LOW);
        s.update(249, 1);
        assertThat(s.state()).isEqualTo(LOW);
        s.update(250, 1);
        assertThat(s.state()).isEqualTo(HARD);
        s.update(449, 1);
        assertThat(s.state()).isEqualTo(HARD);
        s.update(450, 1);
        assertThat(s.state()).isEqualTo(SOFT);
        s.update(620, 1);
        assertThat(s.state()).as("hovering just above the high threshold does not flap").isEqualTo(SOFT);
        s.update(401, 1);
        assertThat(s.state()).isEqualTo(SOFT);
        s.update(650, 1);
        assertThat(s.state()).isEqualTo(HIGH);
        s.update(450, 1);
        assertThat(s.state()).as("above soft: high is kept").isEqualTo(HIGH);
        // straight from low to high when memory frees fast
        s.update(50, 1);
        assertThat(s.state()).isEqualTo(LOW);
        s.update(5000, 1);
        assertThat(s.state()).isEqualTo(HIGH);
    }

    @Test
    void theTimeInEachStateSumsToTheSimulatedTime() {
        FreeMemoryStates s = states();
        SplittableRandom random = new SplittableRandom(3);
        double total = 0;
        double[] expected = new double[4];
        long free = 700;
        for (int i = 0; i < 10_000; i++) {
            free = Math.max(0, Math.min(1500, free + random.nextInt(-60, 61)));
            double dt = 0.1 * (1 + random.nextInt(3));
            expected[s.state()] += dt; // the time passes in the state the host was in
            s.update(free, dt);
            total += dt;
        }
        double sum = 0;
        for (int st = HIGH; st <= LOW; st++) {
            assertThat(s.seconds(st)).isCloseTo(expected[st], within(1e-6));
            sum += s.seconds(st);
        }
        assertThat(sum).isCloseTo(total, within(1e-6));
        assertThat(s.changes()).isGreaterThan(20);
        for (int st = HIGH; st <= LOW; st++) {
            assertThat(s.seconds(st)).as("time in %s", FreeMemoryStates.name(st)).isPositive();
        }
    }

    @Test
    void newThresholdsApplyFromTheNextUpdate() {
        FreeMemoryStates s = states();
        s.update(300, 1);
        assertThat(s.state()).isEqualTo(SOFT);
        s.setThresholds(0.04, 0.03, 0.02, 0.01, 0.0);
        s.update(500, 1);
        assertThat(s.state()).isEqualTo(HIGH);
        assertThat(s.seconds(SOFT)).isEqualTo(1.0);
    }

    @Test
    void badThresholdsAreRefused() {
        assertThatThrownBy(() -> new FreeMemoryStates(100, 0.04, 0.06, 0.02, 0.01, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FreeMemoryStates(0, 0.06, 0.04, 0.02, 0.01, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> states().update(10, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
