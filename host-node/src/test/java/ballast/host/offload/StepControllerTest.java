package ballast.host.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StepControllerTest {
    @Test
    void offloadsAFullStepAtZeroPressureAndLessAsThePressureNearsTheTarget() {
        StepController c = new StepController(0.01, 0.02);
        assertThat(c.step(0)).isEqualTo(0.02);
        assertThat(c.step(0.005)).isCloseTo(0.01, within(1e-12));
        assertThat(c.step(0.009)).isCloseTo(0.002, within(1e-12));
        assertThat(c.step(0.009)).isLessThan(c.step(0.005));
        assertThat(c.steps()).isEqualTo(5);
        assertThat(c.backoffs()).isZero();
    }

    @Test
    void backsOffAtAndAboveTheTarget() {
        StepController c = new StepController(0.01, 0.02);
        assertThat(c.step(0.01)).isZero();
        assertThat(c.step(0.5)).isZero();
        assertThat(c.backoffs()).isEqualTo(2);
        assertThat(c.below(0.0099)).isTrue();
        assertThat(c.below(0.01)).isFalse();
    }

    @Test
    void theGaugeAveragesLikePsiAvg10() {
        PressureGauge g = new PressureGauge(0.1);
        for (int t = 0; t < 100; t++) { // 10 s at 50%
            g.add(0.5);
        }
        assertThat(g.average()).isCloseTo(0.5 * (1 - Math.exp(-1)), within(1e-9));
        for (int t = 0; t < 100; t++) { // then 10 s at 0
            g.add(0);
        }
        assertThat(g.average()).isCloseTo(0.5 * (1 - Math.exp(-1)) * Math.exp(-1), within(1e-9));
        g.add(7); // clamped
        assertThat(g.last()).isEqualTo(1.0);
    }
}
