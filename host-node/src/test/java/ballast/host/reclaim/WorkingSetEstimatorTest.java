package ballast.host.reclaim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WorkingSetEstimatorTest {
    static final int GUEST_PAGES = 65536;

    /** One period in which the guest touches exactly its first {@code truth * pages} PPNs. */
    static void period(WorkingSetEstimator e, int pages, double truth) {
        int[] sample = e.samplePages(pages);
        long hot = Math.round(truth * pages);
        for (int ppn : sample) {
            if (ppn < hot) {
                e.touched(ppn);
            }
        }
        e.endPeriod();
    }

    @Test
    void samplesAreDistinctAscendingInRangeAndSeeded() {
        WorkingSetEstimator a = new WorkingSetEstimator(42);
        WorkingSetEstimator b = new WorkingSetEstimator(42);
        int[] s = a.samplePages(GUEST_PAGES);
        assertThat(s).hasSize(100).isSorted().doesNotHaveDuplicates();
        assertThat(s[0]).isNotNegative();
        assertThat(s[99]).isLessThan(GUEST_PAGES);
        assertThat(b.samplePages(GUEST_PAGES)).containsExactly(s);
        assertThat(new WorkingSetEstimator(43).samplePages(GUEST_PAGES)).isNotEqualTo(s);
    }

    @Test
    void phasesRiseWithinTwoPeriodsAndFallSlowly() {
        WorkingSetEstimator e = new WorkingSetEstimator(7);
        for (int i = 0; i < 30; i++) {
            period(e, GUEST_PAGES, 0.2);
        }
        assertThat(e.activeFraction()).isCloseTo(0.2, within(0.08));

        // Growth to 80%: the partial estimate shows it inside the first period already.
        int[] sample = e.samplePages(GUEST_PAGES);
        for (int ppn : sample) {
            if (ppn < 0.8 * GUEST_PAGES) {
                e.touched(ppn);
            }
        }
        assertThat(e.activeFraction()).isGreaterThan(0.4);
        e.endPeriod();
        period(e, GUEST_PAGES, 0.8);
        // Within two periods the estimate covers most of the step (fast gain 0.5: 75% of it).
        assertThat(e.activeFraction()).isGreaterThan(0.2 + 0.65 * 0.6);

        for (int i = 0; i < 30; i++) {
            period(e, GUEST_PAGES, 0.8);
        }
        double high = e.activeFraction();
        assertThat(high).isCloseTo(0.8, within(0.08));

        // Shrink back to 20%: the slow average holds the estimate up for many periods.
        period(e, GUEST_PAGES, 0.2);
        period(e, GUEST_PAGES, 0.2);
        // Slow gain 0.1: two periods take 19% of the step, plus the sampling noise of 100 pages.
        assertThat(e.activeFraction()).isGreaterThan(high - 0.25 * 0.6);
        for (int i = 0; i < 5; i++) {
            period(e, GUEST_PAGES, 0.2);
        }
        assertThat(e.activeFraction()).isBetween(0.35, high);
        for (int i = 0; i < 40; i++) {
            period(e, GUEST_PAGES, 0.2);
        }
        assertThat(e.activeFraction()).isCloseTo(0.2, within(0.08));
        assertThat(e.estimatePages(GUEST_PAGES)).isCloseTo(13107L, within(6000L));
        assertThat(e.periods()).isEqualTo(109);
    }

    @Test
    void sameSeedSameEstimates() {
        WorkingSetEstimator a = new WorkingSetEstimator(99);
        WorkingSetEstimator b = new WorkingSetEstimator(99);
        for (int i = 0; i < 50; i++) {
            double truth = (i % 17) / 17.0;
            period(a, GUEST_PAGES, truth);
            period(b, GUEST_PAGES, truth);
            assertThat(a.activeFraction()).isEqualTo(b.activeFraction());
        }
    }

    @Test
    void zeroPagesSampleNothingAndEstimateNothing() {
        WorkingSetEstimator e = new WorkingSetEstimator(1);
        assertThat(e.samplePages(0)).isEmpty();
        e.touched(0);
        e.endPeriod();
        assertThat(e.periods()).isZero();
        assertThat(e.activeFraction()).isZero();
        assertThat(e.estimatePages(0)).isZero();
    }

    @Test
    void smallGuestSamplesEveryPage() {
        WorkingSetEstimator e = new WorkingSetEstimator(1);
        assertThat(e.samplePages(10)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        e.touched(3);
        e.touched(3);
        e.touched(12);
        e.endPeriod();
        assertThat(e.activeFraction()).isCloseTo(0.1, within(1e-12));
        assertThat(e.estimatePages(10)).isEqualTo(1);
    }

    @Test
    void allTouchedIsTheWholeGuest() {
        WorkingSetEstimator e = new WorkingSetEstimator(5);
        for (int i = 0; i < 3; i++) {
            period(e, GUEST_PAGES, 1.0);
        }
        assertThat(e.activeFraction()).isEqualTo(1.0);
        assertThat(e.estimatePages(GUEST_PAGES)).isEqualTo(GUEST_PAGES);
    }

    @Test
    void untouchedPagesAndUnsampledTouchesCountNothing() {
        WorkingSetEstimator e = new WorkingSetEstimator(5);
        int[] s = e.samplePages(GUEST_PAGES);
        for (int p = 0; p < GUEST_PAGES; p++) {
            if (java.util.Arrays.binarySearch(s, p) < 0) {
                e.touched(p);
            }
        }
        e.endPeriod();
        assertThat(e.activeFraction()).isZero();
    }

    @Test
    void refusesBadSettings() {
        assertThatThrownBy(() -> new WorkingSetEstimator(1, 0, 0.1, 0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WorkingSetEstimator(1, 100, 0, 0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WorkingSetEstimator(1, 100, 0.1, 1.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WorkingSetEstimator(1).samplePages(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
