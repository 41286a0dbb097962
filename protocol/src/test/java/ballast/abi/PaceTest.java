package ballast.abi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What a guest may generate given the pace its host sent: about two ticks of work in hand. */
class PaceTest {
    @Test
    void nothingLimitsAGuestWithoutACapacity() {
        assertThat(Pace.FREE.allowance(0)).isEqualTo(Long.MAX_VALUE);
        assertThat(Pace.FREE.allowance(1_000_000_000L)).isEqualTo(Long.MAX_VALUE);
        assertThat(new Pace(Long.MAX_VALUE, 500).allowance(7)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theAllowanceKeepsTwoTicksOfCapacityInHand() {
        Pace pace = new Pace(100, 30);
        assertThat(pace.allowance(0)).isEqualTo(170);
        assertThat(pace.allowance(50)).isEqualTo(120);
        // what it holds and generated plus the allowance is two ticks' capacity
        assertThat(pace.backlog() + 50 + pace.allowance(50)).isEqualTo(2 * pace.capacity());
        assertThat(pace.allowance(-5)).as("a negative count counts as none").isEqualTo(170);
    }

    @Test
    void aGuestFarBehindStillGeneratesOneAccessToLearnItsSpeedAgain() {
        assertThat(new Pace(10, 500).allowance(0)).isEqualTo(1);
        assertThat(new Pace(0, 0).allowance(0)).isEqualTo(1);
        assertThat(new Pace(10, 0).allowance(20)).isEqualTo(1);
    }

    @Test
    void aHugeCapacityDoesNotOverflow() {
        assertThat(new Pace(Long.MAX_VALUE - 1, 0).allowance(0)).isPositive().isGreaterThan(Long.MAX_VALUE / 4);
        assertThat(new Pace(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2).allowance(Long.MAX_VALUE)).isEqualTo(1);
    }

    @Test
    void aNegativeCapacityOrBacklogIsRefused() {
        assertThatThrownBy(() -> new Pace(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pace(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
